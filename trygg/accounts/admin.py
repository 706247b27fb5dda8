from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from trygg.accounts.admin_scoping import ScopedAdminMixin
from trygg.accounts.models import Membership, Organisation, User
from trygg.accounts.permissions import (
    can_add_area,
    can_area,
    can_membership,
    can_organisation,
    visible_areas,
    visible_memberships,
    visible_organisations,
)
from trygg.accounts.rules import manageable_areas
from trygg.lib.geo import GeometryError, clean_boundary
from trygg.places.models import Area


def managed_areas(request: HttpRequest) -> QuerySet[Area]:
    return manageable_areas(request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "area", "is_active"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            kwargs["queryset"] = managed_areas(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("organisation", "area")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(area__in=managed_areas(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        areas = managed_areas(request)
        return queryset.filter(
            Q(memberships__area__in=areas) | Q(memberships__isnull=True)
        ).distinct()

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return not obj.is_superuser and self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        # Coordinators manage people and memberships, never privileges.
        return ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": ("is_active", "is_staff")}),
        ]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "area", "description", "website", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_organisations(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_organisation(request.user, obj, "change")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            kwargs["queryset"] = managed_areas(request)
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organisation__name", "area__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation", "area"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_memberships(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_membership(request.user, obj, "change")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            kwargs["queryset"] = managed_areas(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not can_membership(request.user, obj, "change"):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


# Areas ---------------------------------------------------------------------------------


class AreaForm(forms.ModelForm):
    geometry = forms.JSONField(
        label=_("boundary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude)."),
    )

    class Meta:
        model = Area
        fields = [
            "name",
            "kind",
            "parent",
            "code",
            "population",
            "population_year",
            "comparison_group",
            "police_classification",
            "classification_year",
            "description",
            "geometry",
        ]

    def clean_geometry(self) -> Any:
        value = self.cleaned_data.get("geometry")
        if value in (None, "", {}):
            return None
        if isinstance(value, str):
            value = json.loads(value)
        try:
            return clean_boundary(value).geojson
        except GeometryError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = AreaForm
    list_display = ["name", "kind", "parent", "police_classification", "population"]
    list_filter = ["kind", "police_classification"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]

    def scoped_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=visible_areas(request.user).values("pk"))

    def can_change_object(self, request: HttpRequest, obj: Any) -> bool:
        return can_area(request.user, obj, "change")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = managed_areas(request)
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and not can_add_area(request.user, obj.parent):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
