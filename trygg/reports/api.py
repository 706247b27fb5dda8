"""``/api/v1/situation-reports/``: the lägesbild versions the user may read, with export links.

Read-only; ``status`` (utkast, pa_remiss, godkand, ersatt) and ``omrade`` filter the list.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from trygg.lib.params import choice_param, id_param
from trygg.reports.models import ReportStatus, SituationReport
from trygg.reports.permissions import can_read_reports, visible_reports
from trygg.reports.serializers import SituationReportSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=ReportStatus.values, description="Status."
            ),
            OpenApiParameter("omrade", OpenApiTypes.INT, description="Area id."),
        ]
    )
)
class SituationReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SituationReportSerializer

    def get_queryset(self) -> QuerySet[SituationReport]:
        if not can_read_reports(self.request.user):
            raise PermissionDenied
        reports = visible_reports(self.request.user).select_related("approved_by")
        params = self.request.query_params
        if self.action == "list":
            if status := choice_param(params, "status", ReportStatus.values):
                reports = reports.filter(status=status)
            if (area := id_param(params, "omrade")) is not None:
                reports = reports.filter(area=area)
        return reports.order_by("-period_end", "title", "-version", "id")
