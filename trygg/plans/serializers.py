"""How action plans look in the REST API (read-only): each plan with its problems, causes,
measures (with traffic lights and follow-ups) and status."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.analysis.evaluation import Evaluation
from trygg.analysis.serializers import EvaluationSerializer
from trygg.lib.documents import DocumentLinksSerializer, document_links
from trygg.plans.effects import (
    IndicatorReading,
    measure_effects,
    read_indicator,
)
from trygg.plans.models import (
    INDICATOR_SETTINGS,
    ActionPlan,
    Cause,
    Evidence,
    FollowUp,
    Indicator,
    Measure,
    Problem,
)


class CauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cause
        fields = ["id", "title", "description"]


class ProblemSerializer(serializers.ModelSerializer):
    causes = CauseSerializer(many=True, read_only=True)
    priority_area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "description",
            "priority",
            "priority_area",
            "areas",
            "categories",
            "causes",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["on", "status", "text"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "baseline",
            "baseline_on",
            "target_value",
            "target_on",
            "manual_value",
            "manual_value_on",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    indicator = IndicatorSerializer(read_only=True, allow_null=True)
    follow_up_overdue = serializers.SerializerMethodField(
        help_text="Whether the next follow-up is past due."
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "description",
            "causes",
            "operational_goal",
            "kind",
            "responsible_organisation",
            "partners",
            "starts_on",
            "ends_on",
            "status",
            "status_reason",
            "next_follow_up_on",
            "follow_up_overdue",
            "funding_source",
            "funding_amount",
            "funding_state",
            "area",
            "categories",
            "comparison_area",
            "buffer_area",
            "indicator",
            "follow_ups",
        ]

    def get_follow_up_overdue(self, measure: Measure) -> bool:
        return measure.follow_up_overdue(self.context["today"])


class ActionPlanSerializer(serializers.ModelSerializer):
    problems = ProblemSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    review_date = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="The plan's page.")
    exports = serializers.SerializerMethodField(
        help_text="The plan in Brå's table as a Word document (landscape A4) and a PDF; "
        "fetched with the same token as the API."
    )

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "title",
            "area",
            "period_start",
            "period_end",
            "status",
            "decided_by",
            "decided_at",
            "review_date",
            "situation_report",
            "situation_report_title",
            "situation_report_date",
            "summary",
            "url",
            "problems",
            "measures",
            "exports",
        ]

    def get_url(self, plan: ActionPlan) -> str:
        return plan.get_absolute_url()

    @extend_schema_field(DocumentLinksSerializer)
    def get_exports(self, plan: ActionPlan) -> dict[str, str]:
        return document_links(self.context, "plans:plan_export", plan.pk)


# --- /api/v1/problems/ and /api/v1/measures/ -------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    analysis_url = serializers.CharField(read_only=True, help_text="The Analys page with it.")

    class Meta:
        model = Evidence
        fields = ["id", "title", "note", "selection", "analysis_url"]


class CauseDetailSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Cause
        fields = ["id", "title", "description", "position", "evidence", "measures"]


class ProblemDetailSerializer(serializers.ModelSerializer):
    """A problem with its orsaksanalys: causes, each with its evidence and measures."""

    causes = CauseDetailSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    priority_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "plan",
            "title",
            "description",
            "priority",
            "priority_area",
            "areas",
            "categories",
            "evidence",
            "causes",
            "url",
        ]


class FollowUpDetailSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "on", "status", "text", "author"]

    def get_author(self, follow_up: FollowUp) -> str | None:
        author = follow_up.author
        if author is None:
            return None
        return author.get_full_name() or author.get_username()


class IndicatorValueSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    on = serializers.DateField(allow_null=True)
    source = serializers.CharField(help_text="Where the value comes from.")


class IndicatorReadingSerializer(serializers.ModelSerializer):
    """An indicator with its baseline and current value as computed for the user."""

    baseline_value = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()
    progress_percent = serializers.SerializerMethodField(
        help_text="How far from the baseline to the target (0 baseline, 100 target reached)."
    )
    problem = serializers.SerializerMethodField(help_text="Why a value could not be computed.")

    class Meta:
        model = Indicator
        fields = [
            *INDICATOR_SETTINGS,
            "baseline_value",
            "current",
            "progress_percent",
            "problem",
        ]

    def _reading(self, indicator: Indicator) -> IndicatorReading:
        readings = self.context.setdefault("indicator_readings", {})
        if indicator.pk not in readings:
            readings[indicator.pk] = read_indicator(
                self.context["request"].user, indicator, self.context["today"]
            )
        return readings[indicator.pk]

    @extend_schema_field(IndicatorValueSerializer)
    def get_baseline_value(self, indicator: Indicator) -> dict:
        return IndicatorValueSerializer(self._reading(indicator).baseline).data

    @extend_schema_field(IndicatorValueSerializer)
    def get_current(self, indicator: Indicator) -> dict:
        return IndicatorValueSerializer(self._reading(indicator).current).data

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_progress_percent(self, indicator: Indicator) -> float | None:
        return self._reading(indicator).progress

    def get_problem(self, indicator: Indicator) -> str:
        return self._reading(indicator).problem


def _remember_effects(context: dict[str, Any], measures: list[Measure]) -> None:
    """Compute the measures' evaluations and indicator readings together (the same few
    queries for any number of measures) and keep them in the serializer context."""
    effects = measure_effects(context["request"].user, measures, context["today"])
    evaluations = context.setdefault("evaluations", {})
    readings = context.setdefault("indicator_readings", {})
    for measure in measures:
        found = effects[measure.pk]
        evaluations[measure.pk] = (found.evaluation, found.no_evaluation)
        if found.reading is not None:
            readings[measure.indicator.pk] = found.reading


class MeasureListSerializer(serializers.ListSerializer):
    """Measures with their evaluations and indicator values computed for the whole list at
    once, then serialised one by one."""

    def to_representation(self, data: Any) -> list[Any]:
        measures = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        _remember_effects(self.context, measures)
        return super().to_representation(measures)


class MeasureDetailSerializer(MeasureSerializer):
    """A measure with its follow-ups, its indicator's values and its evaluation."""

    follow_ups = FollowUpDetailSerializer(many=True, read_only=True)
    indicator = IndicatorReadingSerializer(read_only=True, allow_null=True)
    evaluation = serializers.SerializerMethodField(
        help_text="The evaluation of the measure's effect; null when there is none."
    )
    evaluation_note = serializers.SerializerMethodField(help_text="Why there is no evaluation.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(MeasureSerializer.Meta):
        list_serializer_class = MeasureListSerializer
        fields = [
            "id",
            "plan",
            *MeasureSerializer.Meta.fields[1:],
            "chosen_after_peak",
            "evaluation",
            "evaluation_note",
            "url",
        ]

    def to_representation(self, instance: Measure) -> dict[str, Any]:
        if instance.pk not in self.context.get("evaluations", {}):  # not listed: one alone
            _remember_effects(self.context, [instance])
        return super().to_representation(instance)

    def _evaluation(self, measure: Measure) -> tuple[Evaluation | None, str]:
        return self.context["evaluations"][measure.pk]

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, measure: Measure) -> dict | None:
        evaluation, _reason = self._evaluation(measure)
        return None if evaluation is None else EvaluationSerializer(evaluation).data

    def get_evaluation_note(self, measure: Measure) -> str:
        return self._evaluation(measure)[1]
