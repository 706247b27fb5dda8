"""Form helpers shared by the forms of every app."""

from __future__ import annotations

from django import forms


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
