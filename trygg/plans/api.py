"""``/api/v1/action-plans/``: the plans a user may see, each with its problems and measures."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from rest_framework import viewsets

from trygg.plans.models import ActionPlan, Measure, Problem
from trygg.plans.permissions import visible_plans
from trygg.plans.serializers import ActionPlanSerializer


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
