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


FILTER_PARAMETERS = [
    OpenApiParameter("fran", OpenApiTypes.DATE, description="Occurred on or after this date."),
    OpenApiParameter("till", OpenApiTypes.DATE, description="Occurred on or before this date."),
    OpenApiParameter("omrade", OpenApiTypes.INT, description="Area id, sub-areas included."),
    OpenApiParameter(
        "kategori", OpenApiTypes.INT, description="Category id, sub-categories included."
    ),
    OpenApiParameter("organisation", OpenApiTypes.INT, description="Reporting organisation id."),
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
VERSIONED_UPDATE = extend_schema(parameters=[IF_MATCH], responses={200: ETAG_HEADER, 412: STALE})


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(responses={200: ETAG_HEADER}),
    create=extend_schema(
        responses={
            201: OpenApiResponse(
                IncidentSerializer, description="Recorded; its URL in the Location header."
            ),
            200: OpenApiResponse(
                IncidentSerializer,
                description="The external id was recorded before: the incident recorded "
                "first, its URL in the Location header.",
            ),
            409: OpenApiResponse(
                description="The external id is already used by a report the user cannot see."
            ),
        }
    ),
    update=VERSIONED_UPDATE,
    partial_update=VERSIONED_UPDATE,
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
