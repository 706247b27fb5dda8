"""How areas look in the REST API."""

from __future__ import annotations

from rest_framework import serializers

from trygg.places.models import Area


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "code",
            "population",
            "police_classification",
            "classification_year",
        ]
        read_only_fields = fields
