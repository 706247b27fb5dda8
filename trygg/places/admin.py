"""Comparison groups and population per year in Django admin (the area admin is in accounts,
scoped to the coordinator's areas; these are the installation's reference data)."""

from __future__ import annotations

from django.contrib import admin

from trygg.places.models import ComparisonGroup, Population


@admin.register(ComparisonGroup)
class ComparisonGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "is_demo"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["area", "year", "population", "source", "is_demo"]
    list_filter = ["year", "is_demo"]
    search_fields = ["area__name", "area__code"]
    raw_id_fields = ["area"]
