"""How organisations look in the REST API."""

from __future__ import annotations

from rest_framework import serializers

from trygg.accounts.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "area"]
        read_only_fields = fields
