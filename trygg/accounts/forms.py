"""Forms of Trygg's own account administration: invitations, memberships, organisations, areas.

Every form takes the acting user and offers only what they may grant: the areas they
coordinate (all for a superuser) and the organisations they see. A posted value outside
those choices is refused by the choice field itself, so a coordinator cannot grant an area
above or beside their own by editing the request.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser, Membership, Organisation, Role, User
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.rules import manageable_areas
from trygg.accounts.scope import scope_for
from trygg.lib.forms import label_blank_choices
from trygg.lib.treepicker import TreeRadioSelect, set_parents
from trygg.places.models import Area, AreaQuerySet


def _area_field(field: forms.Field, areas: AreaQuerySet) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = areas.order_by("name")
    field.widget = TreeRadioSelect()
    field.widget.choices = field.choices
    set_parents(field, dict(areas.values_list("pk", "parent_id")))


def role_choices() -> list[tuple[str, str]]:
    """The roles as a select lists them: capitalised, as every other choice list."""
    return [(str(value), capfirst(str(label))) for value, label in Role.choices]


def organisations_for(user: AnyUser) -> Any:
    """Organisations a user may add members to: those they see, active ones."""
    return visible_organisations(user).active().order_by("name")


class InviteForm(forms.Form):
    email = User._meta.get_field("email").formfield(label=_("E-mail address"), required=True)
    first_name = User._meta.get_field("first_name").formfield(label=_("First name"))
    last_name = User._meta.get_field("last_name").formfield(label=_("Last name"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=lambda: role_choices())
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        help_text=_("The role applies in this area and every area below it."),
    )

    def __init__(self, *args: Any, actor: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(actor)  # type: ignore[attr-defined]
        _area_field(self.fields["area"], manageable_areas(actor))
        label_blank_choices(self)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "area"]

    def __init__(self, *args: Any, actor: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()  # type: ignore[attr-defined]
        label_blank_choices(self)
        self.fields["organisation"].queryset = organisations_for(actor)  # type: ignore[attr-defined]
        _area_field(self.fields["area"], manageable_areas(actor))


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "area", "description", "website", "is_active"]

    def __init__(self, *args: Any, actor: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _area_field(self.fields["area"], manageable_areas(actor))
        # Only a superuser may leave an organisation without an area (the whole installation).
        self.fields["area"].required = not scope_for(actor).everything
        label_blank_choices(self)


class AreaForm(forms.ModelForm[Area]):
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
        ]

    def __init__(self, *args: Any, actor: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_blank_choices(self)
        scope = scope_for(actor)
        areas = manageable_areas(actor)
        if self.instance.pk is not None:
            # Not below itself: an area cannot move into its own subtree.
            areas = areas.exclude(pk__in=scope.tree.descendants(self.instance.pk))
            if self.instance.parent_id is not None and not scope.covers(self.instance.parent_id):
                # A coordinator's own top area stays where it is: its parent is above them.
                del self.fields["parent"]
                return
        _area_field(self.fields["parent"], areas)
        self.fields["parent"].required = not scope.everything


def user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.email or user.username})" if full else (user.email or user.username)


class _CodeInput(forms.TextInput):
    """Empty again after a refused code: the next try is a new code, typed afresh."""

    def format_value(self, value: Any) -> str | None:
        return None


class CodeForm(forms.Form):
    """The six digits from the user's authenticator app (spaces allowed, as some apps show)."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=_CodeInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "pattern": "[0-9 ]*",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits the app shows."))
        return code
