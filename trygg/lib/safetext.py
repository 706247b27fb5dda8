"""Text fields that cannot hold a personnummer or samordningsnummer.

Every free text Trygg stores is declared with one of these fields, so the guard holds by design
and not per path: the validator comes with every model form, admin form and DRF model
serializer built from the field (with the same Swedish message as the importers), and the
field's ``pre_save`` refuses the value on every ``save()`` and ``bulk_create()`` that slipped
past a form. ``tests/test_personal_data.py`` walks every model's text fields and fails on one
that is not guarded, so a new field cannot skip it.

A ``SafeTextField`` always has a ``max_length``, checked by forms, serializers and
``full_clean`` alike (Django checks a ``TextField``'s length in forms only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.lib.personnummer import contains_identity_number

# Lengths for free text: a note or comment, a description, a long document text (minutes).
SHORT_TEXT = 2_000
TEXT = 10_000
LONG_TEXT = 50_000


def identity_number_message() -> str:
    return str(
        _(
            "the text contains a personal identity number (personnummer or samordningsnummer); "
            "remove it – Trygg must not store them"
        )
    )


def refuse_identity_numbers(value: object) -> None:
    """The validator on every free-text field: no personnummer or samordningsnummer."""
    if isinstance(value, str) and contains_identity_number(value):
        raise ValidationError(identity_number_message(), code="identity_number")


class GuardedText(models.Field):
    """Mixin for the text fields below: the validator, and a refusal on save."""

    default_validators = [refuse_identity_numbers]

    def formfield(self, **kwargs: Any) -> Any:
        # Model forms check model validators in full_clean; plain forms built from the field
        # (``Model._meta.get_field(name).formfield()``) need it on the form field itself.
        validators = [*kwargs.pop("validators", ()), refuse_identity_numbers]
        return super().formfield(validators=validators, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if isinstance(value, str) and contains_identity_number(value):
            raise ValidationError({self.name: identity_number_message()}, code="identity_number")
        return value


class SafeCharField(GuardedText, models.CharField):
    pass


class SafeSlugField(GuardedText, models.SlugField):
    pass


class SafeEmailField(GuardedText, models.EmailField):
    pass


class SafeURLField(GuardedText, models.URLField):
    pass


class SafeTextField(GuardedText, models.TextField):
    """A free text with a length limit (``TEXT`` unless given)."""

    def __init__(self, *args: Any, max_length: int | None = TEXT, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))
