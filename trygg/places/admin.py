from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from trygg.accounts.admin import managed_areas
from trygg.accounts.admin_scoping import ScopedAdminMixin
from trygg.accounts.permissions import can_add_area, can_area, visible_areas
from trygg.lib.geo import GeometryError, clean_boundary
from trygg.places.models import Area


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
