"""Forms for the Åtgärdsplan pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser, Organisation
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.rules import manageable_areas, readable_area_ids
from trygg.analysis.selection import analysable_area_ids
from trygg.collaboration.forms import DateInput, area_label
from trygg.collaboration.models import PriorityArea
from trygg.incidents.models import Category
from trygg.incidents.permissions import visible_categories
from trygg.lib.dates import validate_event_date
from trygg.lib.forms import form_field
from trygg.lib.periods import KIND_LABELS, PeriodKind
from trygg.lib.versioning import EditedSinceForm
from trygg.places.models import Area
from trygg.plans.models import (
    INDICATOR_SETTINGS,
    ActionPlan,
    Cause,
    Evidence,
    FollowUp,
    Indicator,
    IndicatorKind,
    Measure,
    Problem,
    TrafficLight,
)
from trygg.reports.models import SituationReport
from trygg.statistics.models import StatisticSeries


def _organisations(user: AnyUser) -> QuerySet[Organisation]:
    return visible_organisations(user).active().order_by("name")


def _readable_areas(user: AnyUser) -> QuerySet[Area]:
    ids = readable_area_ids(user)
    areas = Area.objects.all() if ids is None else Area.objects.filter(pk__in=ids)
    return areas.order_by("name")


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "area",
            "period_start",
            "period_end",
            "review_on",
            "situation_report",
            "situation_report_title",
            "situation_report_date",
            "summary",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "review_on": DateInput(),
            "situation_report_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = form_field(self, "area", forms.ModelChoiceField)
        area.queryset = manageable_areas(user).order_by("name")
        # Django asks the field for each label; mypy objects to replacing a method.
        area.label_from_instance = area_label  # type: ignore[method-assign,assignment]
        reports = SituationReport.objects.approved().order_by("-approved_at")
        ids = readable_area_ids(user)
        if ids is not None:
            reports = reports.filter(area__in=ids)
        form_field(self, "situation_report", forms.ModelChoiceField).queryset = reports

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class DecidePlanForm(forms.Form):
    """Who decided the plan and when; ``trygg.plans.actions.decide_plan`` does the deciding."""

    decided_by = ActionPlan._meta.get_field("decided_by").formfield(required=True)
    decided_at = ActionPlan._meta.get_field("decided_at").formfield(
        required=True, widget=DateInput(), validators=[validate_event_date]
    )

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"decided_by": plan.decided_by, "decided_at": plan.decided_at or timezone.localdate()},
        )
        super().__init__(*args, **kwargs)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "priority", "priority_area", "description", "areas", "categories"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "areas": forms.SelectMultiple(attrs={"size": 6}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = visible_categories(user).order_by("name")
        form_field(self, "areas", forms.ModelMultipleChoiceField).queryset = _readable_areas(user)
        form_field(self, "categories", forms.ModelMultipleChoiceField).queryset = categories
        priority_areas = PriorityArea.objects.all()
        form_field(self, "priority_area", forms.ModelChoiceField).queryset = priority_areas


class CauseForm(forms.ModelForm):
    class Meta:
        model = Cause
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CauseEditForm(CauseForm):
    class Meta(CauseForm.Meta):
        fields = ["title", "description", "position"]


def _iso_day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


class EvidenceForm(forms.Form):
    """An analysis selection saved as evidence for a problem or one of its causes."""

    cause = forms.ModelChoiceField(
        label=_("Evidence for"), queryset=Cause.objects.none(), required=False
    )
    title = Evidence._meta.get_field("title").formfield(label=_("Title"))
    note = Evidence._meta.get_field("note").formfield(
        label=_("What it shows"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"), queryset=Area.objects.none(), required=False
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.none(), required=False
    )
    period_kind = forms.ChoiceField(
        label=_("Period kind"),
        choices=[(kind.value, KIND_LABELS[kind]) for kind in PeriodKind],
        initial=PeriodKind.MONTH.value,
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        problem: Problem,
        instance: Evidence | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            selection = instance.selection
            kwargs.setdefault(
                "initial",
                {
                    "cause": instance.cause_id,
                    "title": instance.title,
                    "note": instance.note,
                    "areas": selection.get("area_ids", []),
                    "categories": selection.get("category_ids", []),
                    "period_kind": selection.get("period_kind") or PeriodKind.MONTH.value,
                    "start": _iso_day(selection.get("start")),
                    "end": _iso_day(selection.get("end")),
                },
            )
        super().__init__(*args, **kwargs)
        self.problem, self.instance = problem, instance
        cause = form_field(self, "cause", forms.ModelChoiceField)
        cause.queryset = problem.causes.all()
        cause.empty_label = _("the problem")
        # Django asks the field for each label; mypy objects to replacing a method.
        cause.label_from_instance = lambda obj: _("cause: %(title)s") % {"title": obj.title}  # type: ignore[method-assign]
        areas = Area.objects.filter(pk__in=analysable_area_ids(user)).order_by("name")
        categories = visible_categories(user).order_by("name")
        form_field(self, "areas", forms.ModelMultipleChoiceField).queryset = areas
        form_field(self, "categories", forms.ModelMultipleChoiceField).queryset = categories

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        return data

    def save(self) -> Evidence:
        data = self.cleaned_data
        evidence = self.instance or Evidence()
        evidence.title = data["title"]
        evidence.note = data["note"]
        evidence.selection = {
            "area_ids": [area.pk for area in data["areas"]],
            "category_ids": [category.pk for category in data["categories"]],
            "period_kind": data["period_kind"],
            "start": data["start"].isoformat() if data["start"] else "",
            "end": data["end"].isoformat() if data["end"] else "",
        }
        evidence.cause = data["cause"]
        evidence.problem = None if data["cause"] else self.problem
        evidence.save()
        return evidence


class MeasureForm(EditedSinceForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "causes",
            "operational_goal",
            "kind",
            "responsible_organisation",
            "contact_name",
            "contact_email",
            "partners",
            "starts_on",
            "ends_on",
            "status",
            "status_reason",
            "next_follow_up_on",
            "funding_source",
            "funding_amount",
            "funding_state",
            "area",
            "categories",
            "comparison_area",
            "buffer_area",
            "chosen_after_peak",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "operational_goal": forms.Textarea(attrs={"rows": 3}),
            "status_reason": forms.Textarea(attrs={"rows": 2}),
            "causes": forms.CheckboxSelectMultiple,
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "next_follow_up_on": DateInput(),
        }

    def __init__(self, *args: Any, user: AnyUser, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        causes = form_field(self, "causes", forms.ModelMultipleChoiceField)
        causes.queryset = Cause.objects.filter(problem__plan=plan).select_related("problem")
        # Django asks the field for each label; mypy objects to replacing a method.
        causes.label_from_instance = lambda obj: f"{obj.problem.title}: {obj.title}"  # type: ignore[method-assign]
        for name in ("responsible_organisation", "partners"):
            form_field(self, name, forms.ModelChoiceField).queryset = _organisations(user)
        for name in ("area", "comparison_area", "buffer_area"):
            area = form_field(self, name, forms.ModelChoiceField)
            area.queryset = _readable_areas(user)
            area.label_from_instance = area_label  # type: ignore[method-assign,assignment]
        categories = visible_categories(user).order_by("name")
        form_field(self, "categories", forms.ModelMultipleChoiceField).queryset = categories

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("A measure cannot end before it starts."))
        area = data.get("area")
        for name in ("comparison_area", "buffer_area"):
            if area and data.get(name) == area:
                self.add_error(name, _("Choose an area other than the one the measure works in."))
        return data


class FollowUpForm(forms.ModelForm):
    next_follow_up_on = forms.DateField(
        label=_("Next follow-up"), required=False, widget=DateInput()
    )

    class Meta:
        model = FollowUp
        fields = ["on", "status", "text"]
        widgets = {"on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate
        form_field(self, "status", forms.ChoiceField).choices = TrafficLight.choices


class FollowUpEditForm(forms.ModelForm):
    """A follow-up corrected afterwards: its date, light and text."""

    class Meta:
        model = FollowUp
        fields = ["on", "status", "text"]
        widgets = {"on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "status", forms.ChoiceField).choices = TrafficLight.choices


class PlanFilterForm(forms.Form):
    """Filters of the plan table: status, organisation, area and priority area."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    priority_area = forms.ModelChoiceField(
        label=_("Priority area"), queryset=PriorityArea.objects.all(), required=False
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [("", _("All")), *TrafficLight.choices]
        form_field(self, "status", forms.ChoiceField).choices = statuses
        form_field(self, "organisation", forms.ModelChoiceField).queryset = _organisations(user)
        form_field(self, "area", forms.ModelChoiceField).queryset = _readable_areas(user)
        for name in ("organisation", "area", "priority_area"):
            form_field(self, name, forms.ModelChoiceField).empty_label = _("All")


# The fields that apply only to some kinds of indicator; every other field applies to all.
# The form page hides the rest when the kind changes (indicator-form.js); the server ignores
# them, so without JavaScript every field shows and the result is the same.
INDICATOR_FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "areas": (IndicatorKind.INCIDENTS, IndicatorKind.STATISTICS),
    "categories": (IndicatorKind.INCIDENTS, IndicatorKind.STATISTICS),
    "window_days": (IndicatorKind.INCIDENTS,),
    "series": (IndicatorKind.STATISTICS,),
    "manual_value": (IndicatorKind.MANUAL,),
    "manual_value_on": (IndicatorKind.MANUAL,),
}


class IndicatorForm(forms.ModelForm):
    """A measure's measurable target; what it is computed from decides which fields count."""

    class Meta:
        model = Indicator
        fields = INDICATOR_SETTINGS
        widgets = {
            "kind": forms.RadioSelect,
            "areas": forms.SelectMultiple(attrs={"size": 6}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
            "baseline_on": DateInput(),
            "target_on": DateInput(),
            "manual_value_on": DateInput(),
        }
        help_texts = {
            "kind": _("Decides which of the fields below apply."),
            "series": _("Its latest value for the area is the indicator's current value."),
            "baseline_on": _(
                "For a computed indicator: the day its baseline is computed on. "
                "For one entered by hand: the day the baseline was measured."
            ),
            "manual_value": _("The latest measured value, entered by hand."),
        }

    def __init__(self, *args: Any, user: AnyUser, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        areas = form_field(self, "areas", forms.ModelMultipleChoiceField)
        areas.queryset = _readable_areas(user)
        # Django asks the field for each label; mypy objects to replacing a method.
        areas.label_from_instance = area_label  # type: ignore[method-assign,assignment]
        categories = visible_categories(user).order_by("name")
        form_field(self, "categories", forms.ModelMultipleChoiceField).queryset = categories
        series = form_field(self, "series", forms.ModelChoiceField)
        series.queryset = StatisticSeries.objects.order_by("name")
        series.empty_label = _("– none –")
        for name, kinds in INDICATOR_FIELD_KINDS.items():
            self.fields[name].widget.attrs["data-indicator-kinds"] = " ".join(kinds)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        areas = list(data.get("areas") or [])
        categories = list(data.get("categories") or [])
        measure = self.measure
        if kind in (IndicatorKind.INCIDENTS, IndicatorKind.STATISTICS):
            if not areas and not measure.area_id:
                self.add_error("areas", _("Choose an area (the measure names none)."))
            if data.get("baseline") is None and not data.get("baseline_on"):
                self.add_error("baseline_on", _("Give the baseline, or the day to compute it on."))
        if kind == IndicatorKind.INCIDENTS:
            if not categories and not (measure.pk and measure.categories.exists()):
                self.add_error("categories", _("Choose the categories to count."))
        elif kind == IndicatorKind.STATISTICS:
            if not data.get("series"):
                self.add_error("series", _("Choose the statistics series."))
            if len(areas) > 1:
                self.add_error("areas", _("A statistics series is read for one area."))
            if len(categories) > 1:
                self.add_error("categories", _("Choose at most one category."))
        elif data.get("baseline") is None:
            self.add_error("baseline", _("Give the baseline."))
        return data
