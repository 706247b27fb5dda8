from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from trygg.accounts.admin_scoping import ScopedAdminMixin
from trygg.incidents.models import Category
from trygg.incidents.permissions import can_category, visible_categories


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "parent", "iccs_section", "is_crime", "is_active", "sort_order"]
    list_filter = ["is_active", "is_crime", "iccs_section"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    list_select_related = ["parent"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_categories(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_category(request.user, "change")
