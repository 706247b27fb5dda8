"""``/api/v1/areas/``: the areas a user's memberships cover, read-only."""

from __future__ import annotations

from rest_framework import viewsets

from trygg.accounts.permissions import visible_areas
from trygg.places.models import AreaQuerySet
from trygg.places.serializers import AreaSerializer


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer

    def get_queryset(self) -> AreaQuerySet:
        return visible_areas(self.request.user).order_by("name", "id")
