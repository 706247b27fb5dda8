"""The selection as the user writes it: one form for the pages (Swedish parameter names, like
the incident list) and the API (English names, as documented in the OpenAPI schema)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser
from trygg.accounts.permissions import visible_organisations
from trygg.analysis.selection import Selection, analysable_area_ids, build_selection
from trygg.incidents.models import Source
from trygg.incidents.permissions import visible_categories
from trygg.lib.forms import form_field
from trygg.lib.periods import KIND_LABELS, PeriodKind
from trygg.places.models import Area

PAGE_NAMES = {
    "area": "omrade",
    "category": "kategori",
    "period": "periodtyp",
    "start": "fran",
    "end": "till",
    "organisation": "organisation",
    "source": "kalla",
}


class CommaMultipleField(forms.TypedMultipleChoiceField):
    """Accepts repeated parameters (``area=1&area=2``) and comma lists (``area=1,2``)."""

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python(value)
        return [part.strip() for item in values for part in str(item).split(",") if part.strip()]

    def validate(self, value: Any) -> None:
        # Look values up in a set: Django scans the choices once per value, and an API call
        # may name every one of hundreds of areas.
        # django-stubs type the getter as the setter's input; Django normalises it to pairs.
        self._valid = {str(key) for key, _label in self.choices}  # type: ignore[misc,union-attr]
        super().validate(value)

    def valid_value(self, value: Any) -> bool:
        return str(value) in self._valid


class SelectionForm(forms.Form):
    area = CommaMultipleField(label=_("Areas"), coerce=int, required=False)
    category = CommaMultipleField(label=_("Categories"), coerce=int, required=False)
    period = forms.ChoiceField(
        label=_("Period kind"),
        choices=[(kind.value, KIND_LABELS[kind]) for kind in PeriodKind],
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    organisation = CommaMultipleField(label=_("Organisations"), coerce=int, required=False)
    source = CommaMultipleField(label=_("Sources"), choices=Source.choices, required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, user: AnyUser, api: bool = False) -> None:
        self.api = api
        super().__init__(data)
        self.user = user
        allowed = analysable_area_ids(user)
        area = form_field(self, "area", CommaMultipleField)
        category = form_field(self, "category", CommaMultipleField)
        organisation = form_field(self, "organisation", CommaMultipleField)
        if api:
            # The API only checks ids: no names to fetch, nothing to order.
            area.choices = [(pk, pk) for pk in allowed]
            category.choices = [
                (pk, pk) for pk in visible_categories(user).values_list("id", flat=True)
            ]
            organisation.choices = [
                (pk, pk) for pk in visible_organisations(user).values_list("id", flat=True)
            ]
            return
        areas = Area.objects.filter(pk__in=allowed).order_by("name").values_list("id", "name")
        area.choices = list(areas)
        category.choices = list(
            visible_categories(user).order_by("sort_order", "name").values_list("id", "name")
        )
        organisation.choices = list(
            visible_organisations(user).order_by("name").values_list("id", "name")
        )

    def add_prefix(self, field_name: str) -> str:
        return field_name if self.api else PAGE_NAMES.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def selection(self) -> Selection:
        """The selection asked for; call only when the form is valid."""
        data = self.cleaned_data
        return build_selection(
            self.user,
            area_ids=data.get("area") or (),
            category_ids=data.get("category") or (),
            start=data.get("start"),
            end=data.get("end"),
            period_kind=data.get("period") or PeriodKind.REPORTING_YEAR,
            organisation_ids=data.get("organisation") or (),
            sources=data.get("source") or (),
        )
