"""How an evaluation looks in the REST API, and the query that asks for one.

``EvaluationSerializer`` turns a :class:`trygg.analysis.evaluation.Evaluation` into JSON for
``/api/v1/analysis/evaluation/`` and for each measure in ``/api/v1/measures/``, so both
answer in the same shape and the OpenAPI schema describes it once.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.analysis.evaluation import Evaluation
from trygg.lib.params import MAX_ID
from trygg.lib.stats import WDD

INTERVAL = serializers.ListField(
    child=serializers.FloatField(allow_null=True),
    min_length=2,
    max_length=2,
    help_text="[low, high]; null where the interval is unbounded or undefined.",
)


class CountsSerializer(serializers.Serializer):
    before = serializers.IntegerField()
    after = serializers.IntegerField()


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    days = serializers.IntegerField()


class WDDSerializer(serializers.Serializer):
    wdd = serializers.IntegerField(
        help_text="(T1 − T0) − (C1 − C0): incidents prevented (negative) or added (positive)."
    )
    variance = serializers.IntegerField(help_text="T0 + T1 + C0 + C1.")
    z = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField()
    ci95 = serializers.SerializerMethodField()

    @extend_schema_field(INTERVAL)
    def get_ci95(self, wdd: WDD) -> list[float | None]:
        return [wdd.ci_low, wdd.ci_high]


class EvaluationSerializer(serializers.Serializer):
    before = WindowSerializer(help_text="The window before the start.")
    after = WindowSerializer(help_text="The window from the start, as long as the one before.")
    treated = CountsSerializer()
    comparison = CountsSerializer(allow_null=True)
    buffer = CountsSerializer(allow_null=True)
    rate_ratio = serializers.FloatField(
        source="rate.rate_ratio",
        allow_null=True,
        help_text="After/before in the treated area, net of the comparison area when given.",
    )
    ci95 = serializers.SerializerMethodField(help_text="Exact conditional 95 % interval.")
    effect_percent = serializers.FloatField(source="rate.effect_percent", allow_null=True)
    effect_ci95 = serializers.SerializerMethodField()
    p_value = serializers.FloatField(source="rate.p_value")
    significant = serializers.BooleanField(help_text="p < 0.05.")
    method = serializers.CharField(source="rate.method")
    wdd = WDDSerializer(
        allow_null=True, help_text="Weighted displacement difference; needs a comparison area."
    )
    wdq = serializers.FloatField(
        source="wdq.wdq",
        allow_null=True,
        help_text="Weighted displacement quotient; needs a comparison and a buffer area.",
    )
    wdq_interpretation = serializers.CharField(
        source="wdq.interpretation",
        allow_null=True,
        help_text=(
            "not_successful, undefined, diffusion_exceeds_effect, diffusion, no_displacement, "
            "displacement or displacement_erases_effect."
        ),
    )
    shortened = serializers.BooleanField(help_text="The windows were cut to the data.")
    caveats = serializers.ListField(child=serializers.CharField())
    statement = serializers.CharField(help_text="What the numbers say, in the request's language.")

    @extend_schema_field(INTERVAL)
    def get_ci95(self, evaluation: Evaluation) -> list[float | None]:
        return [evaluation.rate.ci_low, evaluation.rate.ci_high]

    @extend_schema_field(INTERVAL)
    def get_effect_ci95(self, evaluation: Evaluation) -> list[float | None]:
        return [evaluation.rate.effect_ci_low, evaluation.rate.effect_ci_high]


class IdListField(serializers.ListField):
    """Ids given as repeated parameters or separated by commas."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def to_internal_value(self, data: Any) -> list[int]:
        if isinstance(data, str):
            data = [data]
        parts = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(parts)


class EvaluationQuerySerializer(serializers.Serializer):
    """The query parameters of ``/api/v1/analysis/evaluation/``."""

    area = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The treated area.")
    comparison_area = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    buffer_area = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    category = IdListField(min_length=1, help_text="Category ids (with their sub-categories).")
    start = serializers.DateField(help_text="The day the measure started.")
    end = serializers.DateField(required=False, help_text="The day the measure ended.")
    window_days = serializers.IntegerField(
        min_value=1,
        max_value=3660,
        required=False,
        help_text="At most this many days in each window.",
    )
    chosen_after_peak = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("comparison_area", "buffer_area"):
            if attrs.get(name) is not None and attrs[name] == attrs["area"]:
                raise serializers.ValidationError(
                    {name: [_("Choose an area other than the treated one.")]}
                )
        if attrs.get("comparison_area") is not None and attrs.get("comparison_area") == attrs.get(
            "buffer_area"
        ):
            raise serializers.ValidationError(
                {"buffer_area": [_("Choose an area other than the comparison area.")]}
            )
        if attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        return attrs

    @classmethod
    def from_query(cls, query: Any) -> EvaluationQuerySerializer:
        """From a QueryDict: ``category`` may be repeated, the others are single values; an
        empty value is as if the parameter were not given."""
        data: dict[str, Any] = {
            key: query.get(key) for key in query if key != "category" and query.get(key) != ""
        }
        categories = [value for value in query.getlist("category") if value != ""]
        if categories:
            data["category"] = categories
        return cls(data=data)
