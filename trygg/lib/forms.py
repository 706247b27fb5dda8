"""Form helpers shared by the forms of every app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_noop

# Django's own label of a choice field's empty choice (BLANK_CHOICE_LABEL), which Django's
# Swedish catalogue does not translate: named here so that Trygg's catalogue, read first
# (LOCALE_PATHS), keeps its Swedish text.
gettext_noop("- Select an option -")

# The button on a form page that confirms the removals it listed (see ``unconfirmed_removals``).
CONFIRM_REMOVALS = "bekrafta-borttagning"


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field ``name`` as the class it is declared with.

    To the type checker ``form.fields`` holds plain ``Field``s, which have no queryset or
    choices; forms that set those per user ask for the field through this, which checks its
    class instead of silencing the checker.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def unconfirmed_removals(
    request: HttpRequest, formsets: Sequence[forms.BaseFormSet | None]
) -> list[str]:
    """The stored rows the valid, posted ``formsets`` would delete, until the user confirms.

    A page with "delete" boxes in its formsets saves nothing while this is not empty: it shows
    the list and asks again (``templates/_confirm_removals.html``, no script needed); the
    confirming post carries ``CONFIRM_REMOVALS`` and returns an empty list.
    """
    if request.POST.get(CONFIRM_REMOVALS) == "1":
        return []
    return [
        str(form.instance)
        for formset in formsets
        if formset is not None
        for form in formset.deleted_forms
        if getattr(form, "instance", None) is not None and form.instance.pk
    ]


def label_blank_choices(form: forms.BaseForm) -> None:
    """Name the empty choice of every select on the form in the page's language: Django's
    own blank label reads "- Select an option -" in English even on Swedish pages."""
    from django.utils.translation import gettext_lazy

    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = gettext_lazy("Choose …")
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(cast("Iterable[Any]", field.choices))
            if choices and choices[0][0] == "":
                field.choices = [("", gettext_lazy("Choose …")), *choices[1:]]
