"""How categories and incidents look in the REST API, and how API input becomes a write.

Writes go through ``trygg.incidents.actions`` like every other way in: a create becomes one
``IncidentDraft`` for ``record_incidents``, an update calls ``update_incident``. The problems
they report are named with the same field names the API uses, so a refused write answers 400
with ``{field: [message, …]}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.accounts.models import AnyUser, Organisation
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.incidents.actions import (
    IncidentDraft,
    IncidentsRefused,
    record_incidents,
    update_incident,
)
from trygg.incidents.models import Category, Incident, Source, Status
from trygg.incidents.permissions import visible_categories, visible_incidents
from trygg.lib.imports import Problem
from trygg.lib.versioning import Conflict
from trygg.places.models import Area

# The actions name problems with the model's field names, which the API shares; the
# second coordinate's problems are reported on the first.
FIELD_FOR_PROBLEM = {"longitude": "latitude"}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "police_event_types",
            "iccs_section",
            "is_crime",
            "is_active",
        ]
        read_only_fields = fields


def _user(field: serializers.Field) -> AnyUser:
    return field.context["request"].user


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related object by id, chosen among those the requesting user may see."""

    def __init__(self, scoped: Callable[[AnyUser], QuerySet], **kwargs: Any) -> None:
        self.scoped = scoped
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scoped(_user(self))


@extend_schema_field(
    {
        "type": "string",
        "description": "The category's code, e.g. “klotter”; on write the numeric id is "
        "accepted too.",
    }
)
class CategoryField(serializers.RelatedField):
    def get_queryset(self) -> QuerySet[Category]:
        return visible_categories(_user(self))

    def to_representation(self, value: Category) -> str:
        return value.code

    def to_internal_value(self, data: object) -> Category:
        text = str(data).strip()
        if "\x00" in text:  # no code holds one, and PostgreSQL cannot even compare it
            raise serializers.ValidationError(
                _("unknown category “%(value)s”") % {"value": text.replace("\x00", "")},
                code="unknown",
            )
        categories = self.get_queryset()
        found = categories.filter(code=text).first()
        if found is None and text.isdigit():
            found = categories.filter(pk=int(text)).first()
        if found is None:
            raise serializers.ValidationError(
                _("unknown category “%(value)s”") % {"value": text}, code="unknown"
            )
        return found


class StrictCharField(serializers.CharField):
    """Text only: DRF would turn a number into text, which the schema (a string) refuses."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number only, not a numeric string or a boolean, as the schema says."""

    def to_internal_value(self, data: object) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only, not "yes", 1 or "true", as the schema says."""

    def to_internal_value(self, data: object) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class IncidentSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.FloatField: StrictFloatField,
        models.BooleanField: StrictBooleanField,
    }
    reference = serializers.CharField(read_only=True)
    category = CategoryField()
    area = ScopedPrimaryKeyField(
        visible_areas,
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        help_text="Area id; may be left out when latitude and longitude are given.",
    )
    organisation = ScopedPrimaryKeyField(
        visible_organisations,
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Reporting organisation id; may be left out when the user has only one.",
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=(
            "Set by reviewers (coordinators and analysts) when updating. “sammanslagen” "
            "(merged into another report, see duplicate_of) is set by merging possible "
            "duplicates on the duplicates page; setting another status separates it again."
        ),
    )
    duplicate_of = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The incident this report was merged into; merged reports are not counted.",
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "category",
            "occurred_at",
            "occurred_until",
            "time_unknown",
            "area",
            "latitude",
            "longitude",
            "place",
            "description",
            "organisation",
            "source",
            "external_id",
            "status",
            "duplicate_of",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]
        # Uniqueness of external ids per source is the actions' business, not a validator's.
        validators: list = []

    def validate_status(self, value: str) -> str:
        instance = self.instance if isinstance(self.instance, Incident) else None
        if value == Status.SAMMANSLAGEN and (instance is None or instance.status != value):
            raise serializers.ValidationError(
                _("reports are merged on the page of possible duplicates, not by status")
            )
        return value

    def create(self, validated_data: dict[str, Any]) -> Incident:
        status = validated_data.pop("status", Status.NY)
        if status != Status.NY:
            raise serializers.ValidationError(
                {"status": [_("a new incident is reviewed after it has been reported")]}
            )
        draft = IncidentDraft(**validated_data)
        user = _user(self)
        try:
            result = record_incidents([draft], source=Source.API, user=user)
        except IncidentsRefused as refused:
            raise serializers.ValidationError(problems_by_field(refused.problems)) from None
        if result.created:
            self.already_recorded = False
            return result.created[0]
        # The external id was recorded before (or by a request that won the race): sending the
        # same report again gives it back.
        self.already_recorded = True
        recorded = Incident.objects.filter(source=Source.API, external_id=draft.external_id)
        existing = visible_incidents(user).filter(pk__in=recorded.values("pk")).first()
        if existing is None:
            # Recorded for an organisation the user cannot see: say no more than that the id
            # is taken (issue 17: no hints about other organisations' data).
            raise Conflict(
                _(
                    "The external id “%(id)s” is already used. Choose another external id "
                    "for this report."
                )
                % {"id": draft.external_id}
            )
        return existing

    def update(self, instance: Incident, validated_data: dict[str, Any]) -> Incident:
        expected = validated_data.pop("expected_version", None)
        try:
            return update_incident(instance, validated_data, _user(self), expected_version=expected)
        except IncidentsRefused as refused:
            raise serializers.ValidationError(problems_by_field(refused.problems)) from None


def problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        name = FIELD_FOR_PROBLEM.get(problem.field, problem.field)
        errors.setdefault(name, []).append(problem.message)
    return errors
