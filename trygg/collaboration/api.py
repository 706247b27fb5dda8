"""``/api/v1/agreements/``, ``/api/v1/forums/`` and ``/api/v1/meetings/``, scoped like the pages.

Read-only: each list holds what the user may see on the Samverkan pages. Agreements carry their
attached PDFs (``documents``). Meetings can be limited to one forum (``forum``) and to those
still to come (``kommande=1``); each carries an ``ics_url`` for calendar programs. Every file
link takes the API's token.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from trygg.collaboration.models import (
    AgendaItem,
    Agreement,
    AgreementPriority,
    Forum,
    ForumMember,
    Meeting,
)
from trygg.collaboration.permissions import visible_agreements, visible_forums, visible_meetings
from trygg.collaboration.serializers import (
    AgreementSerializer,
    ForumSerializer,
    MeetingSerializer,
)
from trygg.lib.params import flag_param, id_param


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgreementSerializer

    def get_queryset(self) -> QuerySet[Agreement]:
        return (
            visible_agreements(self.request.user)
            .prefetch_related(
                "parties",
                "signatories",
                "documents",
                Prefetch(
                    "priorities",
                    queryset=AgreementPriority.objects.select_related("priority_area"),
                ),
            )
            .order_by("-scope", "title", "id")
        )


class ForumViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ForumSerializer

    def get_queryset(self) -> QuerySet[Forum]:
        return (
            visible_forums(self.request.user)
            .prefetch_related(
                Prefetch("members", queryset=ForumMember.objects.select_related("user"))
            )
            .order_by("name", "id")
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("forum", OpenApiTypes.INT, description="Only this forum's meetings."),
            OpenApiParameter(
                "kommande", OpenApiTypes.BOOL, description="Only meetings still to come."
            ),
        ]
    )
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        meetings = (
            visible_meetings(self.request.user)
            .select_related("forum")
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.select_related("linked_type").order_by(
                        "position", "pk"
                    ),
                ),
                "decisions",
                "action_items__owner",
                "attendees__user",
            )
            .order_by("-starts_at", "id")
        )
        if self.action != "list":
            return meetings
        params = self.request.query_params
        forum = id_param(params, "forum")
        if forum is not None:
            meetings = meetings.filter(forum_id=forum)
        if flag_param(params, "kommande"):
            meetings = meetings.upcoming().order_by("starts_at", "id")
        return meetings
