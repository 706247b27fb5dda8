"""``/api/v1/compliance/``: the law's duties for an area, computed live like the page.

``omrade`` chooses the area (default: the user's own widest area) and ``datum`` the day
(default: today).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trygg.collaboration.permissions import can_collaborate
from trygg.compliance.duties import checklist
from trygg.compliance.selection import BadSelection, selection
from trygg.compliance.serializers import ChecklistSerializer


class ComplianceView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("omrade", OpenApiTypes.INT, description="Area id."),
            OpenApiParameter("datum", OpenApiTypes.DATE, description="Compute as of this day."),
        ],
        responses=ChecklistSerializer,
    )
    def get(self, request: Request) -> Response:
        if not can_collaborate(request.user):
            raise PermissionDenied
        try:
            area, day = selection(request.user, request.query_params)
        except BadSelection as error:
            name = str(error)
            raise ValidationError({name: [_("Bad value for %(name)s.") % {"name": name}]}) from None
        duties = checklist(area, day)
        data = {
            "area": area.pk,
            "date": day,
            "duties": [
                {
                    "key": duty.key,
                    "title": duty.title,
                    "status": duty.status.value,
                    "due": duty.due,
                    "evidence_url": request.build_absolute_uri(duty.evidence_url)
                    if duty.evidence_url
                    else None,
                    "explanation": duty.explanation,
                }
                for duty in duties
            ],
        }
        return Response(ChecklistSerializer(data).data)
