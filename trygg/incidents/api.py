"""``/api/v1/categories/`` and ``/api/v1/incidents/``, scoped like the pages.

The incident list takes the list page's filters (``fran``, ``till``, ``omrade``, ``kategori``,
``organisation``, ``kalla``, ``status``, ``q``); incidents outside what the user may see
answer 404. Creating needs a reporting role; sending an external id that was already recorded
answers the incident recorded first (200, its URL in ``Location``), or 409 if that one is not
the user's to see. Corrections and reviews follow ``update_incident``'s rules; a detail's
``ETag`` is its version, and an update with an ``If-Match`` the row no longer has answers 412
(see ``trygg.lib.versioning``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from trygg.incidents.filters import IncidentFilterForm
from trygg.incidents.models import CategoryQuerySet, IncidentQuerySet, Source, Status
from trygg.incidents.permissions import can_report, visible_categories, visible_incidents
from trygg.incidents.serializers import CategorySerializer, IncidentSerializer
from trygg.lib.versioning import VersionedUpdates, etag


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer

    def get_queryset(self) -> CategoryQuerySet:
        return visible_categories(self.request.user).order_by("sort_order", "name", "id")


ID = {"type": "integer", "minimum": 1}
FILTER_PARAMETERS = [
    OpenApiParameter("fran", OpenApiTypes.DATE, description="Occurred on or after this date."),
    OpenApiParameter("till", OpenApiTypes.DATE, description="Occurred on or before this date."),
    OpenApiParameter("omrade", ID, description="Area id, sub-areas included."),
    OpenApiParameter("kategori", ID, description="Category id, sub-categories included."),
    OpenApiParameter("organisation", ID, description="Reporting organisation id."),
    OpenApiParameter("kalla", OpenApiTypes.STR, enum=Source.values, description="Source."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, description="Status."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text in the description or place."),
]


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag read from the incident; an incident that changed since answers 412.",
)
ETAG_HEADER = OpenApiResponse(
    IncidentSerializer, description="The incident as stored; its version in the ETag header."
)
STALE = OpenApiResponse(
    description="The incident changed since the ETag given in If-Match: fetch it again."
)
IF_MATCH_RULE = (
    " Send the `ETag` you read as `If-Match` to be refused with 412 rather than overwrite a "
    "change made since; without it the update is made whatever changed."
)


WHERE_RULE = (
    "An incident lies in an area: give `area` (an area id you may report in), or `latitude` "
    "and `longitude` (WGS84; the area is then the one the point lies in, among yours), or "
    "both (the point decides; the area is kept when the point lies outside your areas). "
    "Neither answers 400 naming `area`; a point outside your areas without an area answers "
    "400 naming `latitude`."
)
POINT = {"latitude": 59.3098, "longitude": 18.0227}
CREATE_EXAMPLES = [
    OpenApiExample(
        "A report at a point",
        request_only=True,
        value={
            "category": "klotter",
            "occurred_at": "2026-09-14T21:30:00+02:00",
            **POINT,
            "place": "Vid entrén",
            "description": "Nytt klotter på fasaden.",
            "external_id": "fastighet-2026-0914-1",
        },
        description="The area follows from the point. Sending the same `external_id` again "
        "answers 200 with the incident already recorded.",
    ),
    OpenApiExample(
        "A report for a day, time unknown",
        request_only=True,
        value={
            "category": "skadegorelse",
            "occurred_at": "2026-09-15T00:00:00+02:00",
            "time_unknown": True,
            **POINT,
            "description": "Trasig belysning i trappuppgången, upptäckt på morgonen.",
        },
    ),
]
UPDATE_EXAMPLES = [
    OpenApiExample(
        "A correction",
        request_only=True,
        value={
            "category": "klotter",
            "occurred_at": "2026-09-14T21:30:00+02:00",
            "occurred_until": "2026-09-14T23:00:00+02:00",
            **POINT,
            "place": "Vid entrén, port 3",
            "description": "Nytt klotter på fasaden och porten.",
        },
    ),
]
PARTIAL_UPDATE_EXAMPLES = [
    OpenApiExample(
        "A review",
        request_only=True,
        value={"status": "granskad"},
        description="Coordinators and analysts review an incident by setting its status.",
    ),
    OpenApiExample(
        "A corrected place",
        request_only=True,
        value={"place": "Gångtunneln vid stationen"},
    ),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(responses={200: ETAG_HEADER}),
    create=extend_schema(
        description="Report an incident (needs a reporting role). " + WHERE_RULE,
        examples=CREATE_EXAMPLES,
        responses={
            201: OpenApiResponse(
                IncidentSerializer, description="Recorded; its URL in the Location header."
            ),
            200: OpenApiResponse(
                IncidentSerializer,
                description="Recorded before: the same `external_id` was sent again (or at "
                "once), and the incident recorded first is answered, its URL in the Location "
                "header.",
            ),
            409: OpenApiResponse(
                description="The external id is already used by a report the user cannot see."
            ),
        },
    ),
    update=extend_schema(
        description="Correct an incident, every field given. " + WHERE_RULE + IF_MATCH_RULE,
        examples=UPDATE_EXAMPLES,
        parameters=[IF_MATCH],
        responses={200: ETAG_HEADER, 412: STALE},
    ),
    partial_update=extend_schema(
        description="Correct or review an incident, only the fields given. A changed point "
        "moves the incident to the area the point lies in." + IF_MATCH_RULE,
        examples=PARTIAL_UPDATE_EXAMPLES,
        parameters=[IF_MATCH],
        responses={200: ETAG_HEADER, 412: STALE},
    ),
)
class IncidentViewSet(
    VersionedUpdates,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = IncidentSerializer
    # update_incident locks the row and compares the version itself.
    checks_version_itself = True

    def get_queryset(self) -> IncidentQuerySet:
        incidents = visible_incidents(self.request.user).select_related("category")
        if self.action != "list":
            return incidents
        selection = IncidentFilterForm(self.request.query_params, user=self.request.user)
        if not selection.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: list(messages)
                    for name, messages in selection.errors.items()
                }
            )
        return selection.apply(incidents)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_report(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = serializer.save()
        answer = status.HTTP_200_OK if serializer.already_recorded else status.HTTP_201_CREATED
        headers = {
            "Location": reverse("api:incident-detail", args=[incident.pk], request=request),
            "ETag": etag(incident.version),
        }
        return Response(serializer.data, status=answer, headers=headers)
