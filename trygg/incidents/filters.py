"""The incident selection shared by the list page, the map, the exports and the API.

Query parameters (all optional): ``fran``/``till`` (dates, inclusive), ``omrade`` (area id,
sub-areas included), ``kategori`` (category id, sub-categories included), ``organisation``,
``kalla`` (source), ``status`` and ``q`` (free text in description and place).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser, Organisation
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.accounts.scope import scope_for
from trygg.incidents.models import Category, IncidentQuerySet, Source, Status
from trygg.incidents.permissions import visible_categories
from trygg.lib.forms import form_field
from trygg.places.models import Area


class IncidentFilterForm(forms.Form):
    fran = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    till = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    omrade: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("All areas")
    )
    kategori: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All categories")
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        empty_label=_("All organisations"),
    )
    kalla = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All sources")), *Source.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )
    q = forms.CharField(label=_("Search text"), required=False, max_length=200)

    def __init__(self, data: Mapping[str, Any] | None, *, user: AnyUser) -> None:
        super().__init__(data)
        self.user = user
        areas = visible_areas(user).order_by("name")
        categories = visible_categories(user).order_by("sort_order", "name")
        organisations = visible_organisations(user).order_by("name")
        form_field(self, "omrade", forms.ModelChoiceField).queryset = areas
        form_field(self, "kategori", forms.ModelChoiceField).queryset = categories
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("fran") and data.get("till") and data["fran"] > data["till"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def apply(self, queryset: IncidentQuerySet) -> IncidentQuerySet:
        """The queryset narrowed by the valid filters (invalid ones are ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        if data.get("fran"):
            queryset = queryset.filter(
                occurred_at__gte=dt.datetime.combine(data["fran"], dt.time(), tz)
            )
        if data.get("till"):
            end = data["till"] + dt.timedelta(days=1)
            queryset = queryset.filter(occurred_at__lt=dt.datetime.combine(end, dt.time(), tz))
        if data.get("omrade"):
            tree = scope_for(self.user).tree
            queryset = queryset.filter(area_id__in=tree.descendants(data["omrade"].pk))
        if data.get("kategori"):
            category: Category = data["kategori"]
            queryset = queryset.filter(category_id__in=category.descendant_ids())
        if data.get("organisation"):
            queryset = queryset.filter(organisation=data["organisation"])
        if data.get("kalla"):
            queryset = queryset.filter(source=data["kalla"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("q"):
            queryset = queryset.filter(
                Q(description__icontains=data["q"]) | Q(place__icontains=data["q"])
            )
        return queryset
