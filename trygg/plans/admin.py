from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from trygg.accounts.admin_scoping import ScopedAdminMixin
from trygg.plans.models import ActionPlan, FollowUp, Indicator, Measure, Problem
from trygg.plans.permissions import CHANGE, can_plan, visible_plans


class ProblemInline(admin.TabularInline):
    model = Problem
    fields = ["title", "priority", "priority_area"]
    extra = 0
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "area", "status", "decided_at", "period_start", "period_end"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["area"]
    inlines = [ProblemInline]
    # Deciding supersedes the area's earlier plan (trygg.plans.actions.decide_plan): it is done
    # on the plan's page, never by editing these fields.
    readonly_fields = ["status", "decided_by", "decided_at"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_plans(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_plan(request.user, obj, CHANGE)


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fields = ["on", "status", "text", "author"]
    extra = 0


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0


@admin.register(Measure)
class MeasureAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "plan", "responsible_organisation", "status", "next_follow_up_on"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    list_select_related = ["plan", "responsible_organisation"]
    inlines = [IndicatorInline, FollowUpInline]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(plan__in=visible_plans(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_plan(request.user, obj.plan, CHANGE)
