"""``/api/v1/action-plans/``: the plans a user may see, each with its problems and measures;
``/api/v1/problems/`` with their orsaksanalys and ``/api/v1/measures/`` with follow-ups,
indicator values and the evaluation of their effect. Read-only, scoped like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from trygg.lib.params import choice_param, id_param
from trygg.plans.models import ActionPlan, Cause, Measure, Problem, TrafficLight
from trygg.plans.permissions import visible_measures, visible_plans
from trygg.plans.serializers import (
    ActionPlanSerializer,
    MeasureDetailSerializer,
    ProblemDetailSerializer,
)


class ActionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionPlanSerializer

    def get_queryset(self) -> QuerySet[ActionPlan]:
        return (
            visible_plans(self.request.user)
            .prefetch_related(
                Prefetch(
                    "problems",
                    queryset=Problem.objects.select_related("priority_area").prefetch_related(
                        "areas", "categories", "causes"
                    ),
                ),
                Prefetch(
                    "measures",
                    queryset=Measure.objects.select_related("plan", "indicator")
                    .prefetch_related("causes", "partners", "categories", "follow_ups")
                    .order_by("title"),
                ),
            )
            .order_by("-period_start", "title", "id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


PLAN_PARAMETER = OpenApiParameter("plan", OpenApiTypes.INT, description="Only this plan's.")


@extend_schema_view(list=extend_schema(parameters=[PLAN_PARAMETER]))
class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProblemDetailSerializer

    def get_queryset(self) -> QuerySet[Problem]:
        problems = (
            Problem.objects.filter(plan__in=visible_plans(self.request.user))
            .select_related("priority_area")
            .prefetch_related(
                "areas",
                "categories",
                "evidence",
                Prefetch(
                    "causes",
                    queryset=Cause.objects.prefetch_related("evidence", "measures"),
                ),
            )
            .order_by("plan", "priority", "title", "id")
        )
        plan = id_param(self.request.query_params, "plan")
        return problems if plan is None else problems.filter(plan=plan)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PLAN_PARAMETER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=TrafficLight.values),
        ]
    )
)
class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeasureDetailSerializer

    def get_queryset(self) -> QuerySet[Measure]:
        measures = (
            visible_measures(self.request.user)
            .select_related("plan", "indicator", "indicator__measure", "indicator__series")
            .prefetch_related(
                "causes",
                "partners",
                "categories",
                "follow_ups__author",
                "indicator__areas",
                "indicator__categories",
            )
            .order_by("plan", "title", "id")
        )
        plan = id_param(self.request.query_params, "plan")
        if plan is not None:
            measures = measures.filter(plan=plan)
        status = choice_param(self.request.query_params, "status", TrafficLight.values)
        if status:
            measures = measures.filter(status=status)
        return measures

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}
