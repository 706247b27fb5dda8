"""Forms for reporting, correcting and importing incidents."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser, Organisation, Role
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.accounts.scope import scope_for
from trygg.incidents.actions import IncidentDraft
from trygg.incidents.models import (
    Category,
    Incident,
    IncidentQuerySet,
    Status,
)
from trygg.incidents.rules import REPORTING_ROLES
from trygg.lib.forms import form_field, label_blank_choices
from trygg.lib.imports import Problem
from trygg.lib.safetext import refuse_identity_numbers
from trygg.lib.treepicker import TreeRadioSelect, set_parents
from trygg.places.models import Area, AreaKind, AreaQuerySet


def grouped_category_choices() -> list[Any]:
    """Active categories grouped under their parents, as <optgroup>s a phone shows as sections."""
    categories = list(Category.objects.active().order_by("sort_order", "name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices: list[Any] = [("", "---------")]
    for root in children.get(None, []):
        kids = children.get(root.pk, [])
        if kids:
            group = [(root.pk, _("%(name)s (other)") % {"name": root.name})]
            group += [(kid.pk, kid.name) for kid in kids]
            choices.append((root.name, group))
        else:
            choices.append((root.pk, root.name))
    return choices


def reportable_areas(user: AnyUser) -> AreaQuerySet:
    scope = scope_for(user)
    areas = visible_areas(user)
    if not scope.everything:
        areas = areas.filter(pk__in=scope.area_ids(REPORTING_ROLES))
    return areas


class IncidentForm(forms.Form):
    """The report form: what, when, where. Laid out for a phone, usable in under a minute."""

    category = forms.ModelChoiceField(label=_("What happened?"), queryset=Category.objects.active())
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty if you only know the date."),
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    area: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Or choose the area or place"),
        queryset=None,
        required=False,
        empty_label=_("– from the map –"),
    )
    place = Incident._meta.get_field("place").formfield(
        label=_("Where exactly?"),
        required=False,
        help_text=_("E.g. “by the entrance to the metro”."),
    )
    description = Incident._meta.get_field("description").formfield(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe what you saw. Never write names or personal identity numbers."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Reporting for"), queryset=Organisation.objects.none(), required=False
    )
    # The version of the incident a correction was opened at (trygg.lib.versioning).
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    FIELD_FOR_PROBLEM = {
        "category": "category",
        "occurred_at": "date",
        "occurred_until": "date",
        "area": "area",
        "latitude": "area",
        "longitude": "area",
        "place": "place",
        "description": "description",
        "organisation": "organisation",
        "external_id": None,
    }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "category", forms.ChoiceField).choices = grouped_category_choices()
        area = form_field(self, "area", forms.ModelChoiceField)
        area.queryset = reportable_areas(user).order_by("name")
        # Django asks the field for each label; mypy objects to replacing a method.
        area.label_from_instance = lambda obj: (  # type: ignore[method-assign]
            f"{obj.name} ({obj.get_kind_display()})" if obj.kind != AreaKind.PLATS else obj.name
        )
        scope = scope_for(user)
        if scope.everything or scope.has_role(Role.SAMORDNARE, Role.ANALYTIKER):
            # Coordinators and analysts report and correct on partners' behalf.
            orgs = visible_organisations(user).active().order_by("name")
            own = list(Organisation.objects.filter(pk__in=scope.organisation_ids))
            if len(own) == 1 and not self.is_bound:
                self.initial.setdefault("organisation", own[0].pk)
        else:
            orgs = Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
        form_field(self, "organisation", forms.ModelChoiceField).queryset = orgs
        self.single_organisation = orgs.first() if orgs.count() == 1 else None
        if self.single_organisation is not None:
            self.fields["organisation"].widget = forms.HiddenInput()
        if not self.is_bound and "date" not in self.initial:
            now = timezone.localtime()
            self.initial.setdefault("date", now.date())
            self.initial.setdefault("time", now.time().replace(second=0, microsecond=0))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("area") is None and data.get("latitude") is None:
            raise forms.ValidationError(_("Tap the map or choose an area or place."))
        return data

    def to_draft(self) -> IncidentDraft:
        data = self.cleaned_data
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        time = data.get("time")
        occurred = dt.datetime.combine(data["date"], time or dt.time(0, 0), tz)
        return IncidentDraft(
            category=data["category"],
            occurred_at=occurred,
            time_unknown=time is None,
            area=data.get("area"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            place=data.get("place", ""),
            description=data.get("description", ""),
            organisation=data.get("organisation") or self.single_organisation,
        )

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = self.FIELD_FOR_PROBLEM.get(problem.field)
            self.add_error(field if field in self.fields else None, problem.message)

    @classmethod
    def initial_for(cls, incident: Incident) -> dict[str, Any]:
        local = timezone.localtime(incident.occurred_at)
        return {
            "category": incident.category_id,
            "date": local.date(),
            "time": None if incident.time_unknown else local.time().replace(second=0),
            "latitude": incident.latitude,
            "longitude": incident.longitude,
            "area": incident.area_id if incident.latitude is None else None,
            "place": incident.place,
            "description": incident.description,
            "organisation": incident.organisation_id,
            "version": incident.version,
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx) with the template's columns, or the police events feed (.jsonl)."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Reporting organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Used for rows that name no organisation."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some rows are wrong"), required=False
    )
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)

    MAX_BYTES = 200 * 1024 * 1024

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        if scope.everything:
            orgs = Organisation.objects.active()
        else:
            orgs = Organisation.objects.filter(pk__in=scope.organisation_ids)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = orgs.order_by("name")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload


class ReviewForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(queryset=Incident.objects.none())
    action = forms.ChoiceField(
        choices=[(Status.GRANSKAD, _("Mark as reviewed")), (Status.AVVISAD, _("Reject"))]
    )

    def __init__(self, *args: Any, incidents: IncidentQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "ids", forms.ModelMultipleChoiceField).queryset = incidents


class CategoryForm(forms.ModelForm[Category]):
    """A category of the taxonomy: its place in the tree (a tree picker) and its mappings."""

    police_types = forms.CharField(
        label=_("Police event types"),
        required=False,
        max_length=1000,
        validators=[refuse_identity_numbers],
        help_text=_("Values of “type” in the police events feed, separated by commas."),
    )

    class Meta:
        model = Category
        fields = [
            "name",
            "code",
            "parent",
            "description",
            "iccs_section",
            "is_crime",
            "sort_order",
            "is_active",
            "harm_weight",
            "harm_source",
        ]
        localized_fields = ["harm_weight"]  # "2,5" as Swedish users write it

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_blank_choices(self)
        parents = Category.objects.all()
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial["police_types"] = ", ".join(self.instance.police_event_types)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parents.order_by("sort_order", "name")
        field.widget = TreeRadioSelect()
        field.widget.choices = field.choices
        set_parents(field, dict(parents.values_list("pk", "parent_id")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("police_types") or ""
        self.instance.police_event_types = [t.strip() for t in text.split(",") if t.strip()]
        return data

    def add_error(self, field: str | None, error: Any) -> None:
        # The model's own check names its field; the form shows it as the text field.
        mapped = getattr(error, "error_dict", {})
        if isinstance(error, ValidationError) and "police_event_types" in mapped:
            error.error_dict["police_types"] = error.error_dict.pop("police_event_types")
        super().add_error(field, error)


class DuplicateDecisionForm(forms.Form):
    """A reviewer's decision on one group of possible duplicates.

    ``ids`` are the reports the decision takes in (a group's members, unticked ones left
    out); merging keeps ``keep`` and merges the others into it, keeping apart records that
    they are different events, and separating (``skilj``) un-merges one merged report.
    """

    MERGE = "sla-ihop"
    APART = "hall-isar"
    SEPARATE = "skilj"

    ids = forms.ModelMultipleChoiceField(queryset=Incident.objects.none(), required=False)
    keep = forms.ModelChoiceField(queryset=Incident.objects.none(), required=False)
    action = forms.ChoiceField(
        choices=[
            (MERGE, _("Merge")),
            (APART, _("Keep apart")),
            (SEPARATE, _("Separate")),
        ]
    )

    def __init__(self, *args: Any, incidents: IncidentQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "ids", forms.ModelMultipleChoiceField).queryset = incidents
        form_field(self, "keep", forms.ModelChoiceField).queryset = incidents

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action, ids, keep = data.get("action"), list(data.get("ids") or []), data.get("keep")
        if action == self.SEPARATE:
            if len(ids) != 1 or ids[0].status != Status.SAMMANSLAGEN:
                raise ValidationError(_("Choose one merged report to separate."))
        elif action == self.MERGE:
            if keep is None:
                raise ValidationError(_("Choose the report to keep."))
            if keep not in ids:
                ids.append(keep)
            if len(ids) < 2:
                raise ValidationError(_("Choose at least one more report to merge into it."))
        elif action == self.APART and len(ids) < 2:
            raise ValidationError(_("Choose at least two reports to keep apart."))
        data["ids"] = ids
        return data


class DuplicateFilterForm(forms.Form):
    """Where and when to look for possible duplicates: by default the 90 days up to the
    newest report in the reviewer's scope (today's, when reports come in every day)."""

    DEFAULT_DAYS = 90

    fran = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    till = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    omrade: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("All areas")
    )

    def __init__(self, data: Any, *, user: AnyUser) -> None:
        super().__init__(data)
        self.user = user
        areas = visible_areas(user).order_by("name")
        form_field(self, "omrade", forms.ModelChoiceField).queryset = areas
        self.start: dt.date | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fran") and data.get("till") and data["fran"] > data["till"]:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def apply(self, queryset: IncidentQuerySet) -> IncidentQuerySet:
        """Narrowed to the chosen area and period (see the class); sets ``start``."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        if data.get("omrade"):
            tree = scope_for(self.user).tree
            queryset = queryset.filter(area_id__in=tree.descendants(data["omrade"].pk))
        end = data.get("till")
        if end:
            after = end + dt.timedelta(days=1)
            queryset = queryset.filter(occurred_at__lt=dt.datetime.combine(after, dt.time(), tz))
        self.start = data.get("fran")
        if self.start is None:
            newest = queryset.order_by("-occurred_at").values_list("occurred_at", flat=True)
            last = newest.first()
            last_day = timezone.localdate(last) if last is not None else timezone.localdate()
            self.start = last_day - dt.timedelta(days=self.DEFAULT_DAYS)
        return queryset.filter(occurred_at__gte=dt.datetime.combine(self.start, dt.time(), tz))
