"""Forms and formsets for the Samverkan pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser, Membership, Organisation, User
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.rules import manageable_areas, readable_area_ids
from trygg.collaboration import links
from trygg.collaboration.actions import check_pdf
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementDocument,
    AgreementPriority,
    CitizenPromise,
    Decision,
    Forum,
    ForumMember,
    Meeting,
    PriorityArea,
    PromiseFollowUp,
    Signatory,
)
from trygg.collaboration.permissions import visible_agreements
from trygg.lib.dates import planning_window
from trygg.lib.forms import form_field
from trygg.places.models import Area


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def area_label(area: Area) -> str:
    return f"{area.name} ({area.get_kind_display()})"


def people(user: AnyUser, also: int | None = None) -> QuerySet[User]:
    """Users a coordinator can name as members or owners: those working in readable areas.

    ``also`` keeps an already chosen user selectable even if they moved elsewhere.
    """
    ids = readable_area_ids(user)
    wanted = Q(is_active=True)
    if ids is not None:
        working_here = Membership.objects.active().filter(area__in=ids).values("user_id")
        wanted &= Q(pk__in=working_here)
    if also is not None:
        wanted |= Q(pk=also)
    return User.objects.filter(wanted).order_by("first_name", "last_name", "username")


def organisations(user: AnyUser) -> QuerySet[Organisation]:
    return visible_organisations(user).active().order_by("name")


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose area and organisation choices are limited to what the user may use."""

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "area" in self.fields:
            field = form_field(self, "area", forms.ModelChoiceField)
            field.queryset = manageable_areas(user).order_by("name")
            # Django asks the field for each label; mypy objects to replacing a method.
            field.label_from_instance = area_label  # type: ignore[method-assign,assignment]
        for name in ("parties", "organisation"):
            if name in self.fields:
                form_field(self, name, forms.ModelChoiceField).queryset = organisations(user)


# Agreements ----------------------------------------------------------------------------


class AgreementForm(ScopedModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "scope",
            "area",
            "follows",
            "parties",
            "signed_on",
            "valid_from",
            "valid_until",
            "annex_review_due",
            "annex_reviewed_on",
            "situation_report_reference",
            "action_plan_reference",
            "summary",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "signed_on": DateInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "annex_review_due": DateInput(),
            "annex_reviewed_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        follows = visible_agreements(self.user).filter(scope="stadsovergripande")
        if self.instance.pk:
            follows = follows.exclude(pk=self.instance.pk)
        form_field(self, "follows", forms.ModelChoiceField).queryset = follows
        if self.instance.pk:
            # Keep parties the user cannot see (e.g. a partner outside their area) selectable.
            parties = form_field(self, "parties", forms.ModelMultipleChoiceField)
            parties.queryset = (organisations(self.user) | self.instance.parties.all()).distinct()


class PriorityForm(forms.ModelForm):
    class Meta:
        model = AgreementPriority
        fields = ["priority_area", "is_prioritised", "reason", "status_note", "follow_up"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        priority_areas = PriorityArea.objects.all()
        form_field(self, "priority_area", forms.ModelChoiceField).queryset = priority_areas


class ScopedInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that passes the user on to forms that need it."""

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if getattr(self.form, "needs_user", False):
            kwargs["user"] = self.user
        return kwargs


class OrganisationScopedForm(forms.ModelForm):
    needs_user = True

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "organisation" in self.fields:
            field = form_field(self, "organisation", forms.ModelChoiceField)
            field.queryset = organisations(user)
            field.empty_label = _("– none –")


class SignatoryForm(OrganisationScopedForm):
    class Meta:
        model = Signatory
        fields = ["name", "title", "organisation"]


SignatoryFormSet = forms.inlineformset_factory(
    Agreement,
    Signatory,
    form=SignatoryForm,
    formset=ScopedInlineFormSet,
    extra=2,
    can_delete=True,
)
PriorityFormSet = forms.inlineformset_factory(
    Agreement, AgreementPriority, form=PriorityForm, extra=1, can_delete=True
)


class DocumentForm(forms.Form):
    title = AgreementDocument._meta.get_field("title").formfield(label=_("Title"), required=False)
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("Only PDF documents, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_pdf(upload)
        return upload


# Citizen promises ----------------------------------------------------------------------


class PromiseForm(ScopedModelForm):
    class Meta:
        model = CitizenPromise
        fields = ["title", "promise", "area", "parties", "starts_on", "ends_on", "dialogue"]
        widgets = {
            "promise": forms.Textarea(attrs={"rows": 4}),
            "dialogue": forms.Textarea(attrs={"rows": 3}),
            "parties": forms.CheckboxSelectMultiple,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = PromiseFollowUp
        fields = ["due_on", "status", "note", "done_on"]
        widgets = {
            "due_on": DateInput(),
            "done_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


FollowUpFormSet = forms.inlineformset_factory(
    CitizenPromise, PromiseFollowUp, form=FollowUpForm, extra=1, can_delete=True
)


# Forums --------------------------------------------------------------------------------


class ForumForm(ScopedModelForm):
    class Meta:
        model = Forum
        fields = ["name", "kind", "area", "rhythm", "rhythm_note", "purpose", "is_active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class MemberForm(OrganisationScopedForm):
    class Meta:
        model = ForumMember
        fields = ["user", "name", "title", "organisation", "email", "is_chair"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = form_field(self, "user", forms.ModelChoiceField)
        field.queryset = people(self.user, also=self.instance.user_id)
        field.empty_label = _("– not a Trygg user –")

    def validate_constraints(self) -> None:
        # The formset allows one chair and the view saves the old chair first, so that the
        # chair can move in one save; the database still holds the line.
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]  # private, unstubbed
        errors = []
        for constraint in ForumMember._meta.constraints:
            if constraint.name == "forum_one_chair":
                continue
            try:
                constraint.validate(ForumMember, self.instance, exclude=exclude)
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            self._update_errors(forms.ValidationError(errors))  # type: ignore[attr-defined]  # private

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip() and self.has_changed():
            self.add_error("name", _("Choose a user or write the person's name."))
        return data


class BaseMemberFormSet(ScopedInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # _should_delete_form: Django's, private, not in django-stubs.
        live = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]  # type: ignore[attr-defined]
        if sum(1 for f in live if f.cleaned_data.get("is_chair")) > 1:
            raise forms.ValidationError(_("A forum has one chair."))
        users = [f.cleaned_data["user"] for f in live if f.cleaned_data.get("user")]
        if len(users) != len(set(users)):
            raise forms.ValidationError(_("Each user is a member once."))


MemberFormSet = forms.inlineformset_factory(
    Forum, ForumMember, form=MemberForm, formset=BaseMemberFormSet, extra=3, can_delete=True
)


# Meetings ------------------------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    """A meeting with its date and times in local time, the way people write them."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())

    class Meta:
        model = Meeting
        fields = [
            "title",
            "address",
            "room",
            "online_url",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_cancelled",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            starts = timezone.localtime(self.instance.starts_at)
            ends = timezone.localtime(self.instance.ends_at)
            self.initial.update({"date": starts.date(), "start": starts.time(), "end": ends.time()})
        self.order_fields(["title", "date", "start", "end"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        if day and start and end:
            if end <= start:
                self.add_error("end", _("The meeting must end after it starts."))
            elif day not in planning_window():
                # Checked here: the model's own check names starts_at, not this form's field.
                self.add_error("date", planning_window().message())
            else:
                zone = timezone.get_current_timezone()
                self.instance.starts_at = dt.datetime.combine(day, start, tzinfo=zone)
                self.instance.ends_at = dt.datetime.combine(day, end, tzinfo=zone)
        return data


class AgendaItemForm(forms.ModelForm):
    needs_user = True
    link = forms.ChoiceField(label=_("About"), required=False)

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "presenter", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: AnyUser, choices: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "link", forms.ChoiceField).choices = (
            choices if choices is not None else links.link_choices(user)
        )
        if self.instance.linked_id and self.instance.linked_type_id:
            self.initial["link"] = (
                f"{self.instance.linked_type.app_label}.{self.instance.linked_type.model}:"
                f"{self.instance.linked_id}"
            )

    def clean_link(self) -> Any:
        try:
            return links.resolve(self.cleaned_data["link"], self.user)
        except LookupError:
            raise forms.ValidationError(_("Choose one of the listed records.")) from None

    def save(self, commit: bool = True) -> AgendaItem:
        for name, value in links.link_fields(self.cleaned_data.get("link")).items():
            setattr(self.instance, name, value)
        return super().save(commit)


class AgendaFormSet(ScopedInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_choices"):
            self._choices = links.link_choices(self.user)
        kwargs["choices"] = self._choices
        return kwargs


AgendaItemFormSet = forms.inlineformset_factory(
    Meeting, AgendaItem, form=AgendaItemForm, formset=AgendaFormSet, extra=3, can_delete=True
)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["attendees", "other_attendees", "minutes"]
        widgets = {
            "attendees": forms.CheckboxSelectMultiple,
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = form_field(self, "attendees", forms.ModelMultipleChoiceField)
        field.queryset = self.instance.forum.members.select_related("user", "organisation")
        # Django asks the field for each label; mypy objects to replacing a method.
        field.label_from_instance = lambda obj: obj.described  # type: ignore[method-assign]


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["agenda_item", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting if self.instance.meeting_id else None
        field = form_field(self, "agenda_item", forms.ModelChoiceField)
        field.queryset = meeting.agenda_items.all() if meeting else AgendaItem.objects.none()
        # Django asks the field for each label; mypy objects to replacing a method.
        field.label_from_instance = lambda obj: f"{obj.position}. {obj.title}"  # type: ignore[method-assign]
        field.empty_label = _("– the whole meeting –")


class DecisionFormSetBase(forms.BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # private, unstubbed
        # New rows know their meeting too, so that they offer its agenda items.
        agenda_item = form_field(form, "agenda_item", forms.ModelChoiceField)
        agenda_item.queryset = self.instance.agenda_items.all()
        return form


DecisionFormSet = forms.inlineformset_factory(
    Meeting, Decision, form=DecisionForm, formset=DecisionFormSetBase, extra=2, can_delete=True
)


class ActionItemForm(forms.ModelForm):
    needs_user = True

    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_name", "due_on", "done"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = form_field(self, "owner", forms.ModelChoiceField)
        field.queryset = people(user, also=self.instance.owner_id)
        field.empty_label = _("– not a Trygg user –")


ActionItemFormSet = forms.inlineformset_factory(
    Meeting,
    ActionItem,
    form=ActionItemForm,
    formset=ScopedInlineFormSet,
    extra=2,
    can_delete=True,
)
