"""Forms for the lägesbild pages: the report, a block with its selection, comments, approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser
from trygg.accounts.rules import manageable_areas
from trygg.collaboration.forms import DateInput
from trygg.incidents.models import Category
from trygg.lib.dates import validate_event_date, validate_planned_date
from trygg.lib.forms import form_field
from trygg.lib.periods import PeriodKind
from trygg.places.models import Area
from trygg.reports.figures import registered_figures
from trygg.reports.models import BlockKind, Comment, ReportBlock, Section, SituationReport
from trygg.statistics.models import StatisticSeries

PERIOD_CHOICES = [(k.value, k.label) for k in PeriodKind]


class ReportForm(forms.Form):
    title = SituationReport._meta.get_field("title").formfield(label=_("Title"))
    area: forms.ModelChoiceField[Area] = forms.ModelChoiceField(label=_("Area"), queryset=None)
    period_kind = forms.ChoiceField(label=_("Period kind"), choices=PERIOD_CHOICES)
    period_start = forms.DateField(
        label=_("First day"), widget=DateInput(), validators=[validate_planned_date]
    )
    period_end = forms.DateField(
        label=_("Last day"), widget=DateInput(), validators=[validate_planned_date]
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = manageable_areas(user).order_by("name")
        form_field(self, "area", forms.ModelChoiceField).queryset = areas


class BlockForm(forms.Form):
    """A block and, for a figure, the selection behind it (empty = the report's own)."""

    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=BlockKind.choices)
    title = ReportBlock._meta.get_field("title").formfield(label=_("Title"), required=False)
    text = ReportBlock._meta.get_field("text").formfield(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: a blank line between paragraphs, **bold**, *italic*, - lists."),
    )
    category_ids = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.order_by("name"),
        required=False,
        help_text=_("Empty: every category."),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[validate_planned_date]
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[validate_planned_date]
    )
    comparison = forms.ChoiceField(
        label=_("Compare with"),
        choices=[("previous", _("the previous period")), ("mean", _("the mean of three"))],
        required=False,
    )
    pattern = forms.ChoiceField(
        label=_("Time pattern"),
        choices=[("weekday_hour", _("weekday and hour")), ("monthly", _("calendar month"))],
        required=False,
    )
    series_ids = forms.ModelMultipleChoiceField(
        label=_("Statistics series"),
        queryset=StatisticSeries.objects.order_by("name"),
        required=False,
    )

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields of figure kinds other apps register (the measures block's action plan).
        for kind in registered_figures().values():
            for extra in kind.fields:
                self.fields[extra.name] = extra.field(user)

    @classmethod
    def initial_for(cls, block: ReportBlock) -> dict[str, Any]:
        params = block.selection or {}
        return {
            "section": block.section,
            "kind": block.kind,
            "title": block.title,
            "text": block.text,
            "category_ids": params.get("category_ids", []),
            "start": params.get("start"),
            "end": params.get("end"),
            "comparison": params.get("comparison", "previous"),
            "pattern": params.get("pattern", "weekday_hour"),
            "series_ids": params.get("series_ids", []),
        } | {
            extra.name: params.get(extra.param)
            for kind in registered_figures().values()
            for extra in kind.fields
        }

    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data.get("category_ids"):
            params["category_ids"] = [c.pk for c in data["category_ids"]]
        if data.get("series_ids"):
            params["series_ids"] = [s.pk for s in data["series_ids"]]
        for name in ("start", "end"):
            if data.get(name):
                params[name] = data[name].isoformat()
        kind = data["kind"]
        if kind == BlockKind.CHANGES and data.get("comparison"):
            params["comparison"] = data["comparison"]
        if kind == BlockKind.TIME_PATTERN and data.get("pattern"):
            params["pattern"] = data["pattern"]
        registered = registered_figures().get(kind)
        for extra in registered.fields if registered else ():
            if data.get(extra.name):
                params[extra.param] = extra.stored(data[extra.name])
        return params


class CommentForm(forms.Form):
    text = Comment._meta.get_field("text").formfield(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    body = SituationReport._meta.get_field("approved_body").formfield(
        label=_("Approving body"),
        required=True,
        initial="Lokala brottsförebyggande rådet",
    )
    day = forms.DateField(
        label=_("Approved on"), widget=DateInput(), validators=[validate_event_date]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The approval date cannot be in the future."))
        return day
