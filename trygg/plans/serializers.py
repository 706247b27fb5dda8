"""How action plans look in the REST API (read-only): each plan with its problems, causes,
measures (with traffic lights and follow-ups) and status."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.api.documents import DocumentLinksSerializer, document_links
from trygg.plans.models import ActionPlan, Cause, FollowUp, Indicator, Measure, Problem


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
