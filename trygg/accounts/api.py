"""``/api/v1/organisations/``: the organisations a user may see, read-only."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from trygg.accounts.models import Organisation
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.serializers import OrganisationSerializer


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return visible_organisations(self.request.user).order_by("name", "id")
