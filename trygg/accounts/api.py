"""``/api/v1/organisations/`` and ``/api/v1/areas/``: the organisations and areas a user may
see, read-only."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from trygg.accounts.models import Organisation
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.accounts.serializers import OrganisationSerializer
from trygg.places.models import AreaQuerySet
from trygg.places.serializers import AreaSerializer


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return visible_organisations(self.request.user).order_by("name", "id")


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer

    def get_queryset(self) -> AreaQuerySet:
        return visible_areas(self.request.user).order_by("name", "id")
