"""How statistics series and their values look in the REST API."""

from __future__ import annotations

from rest_framework import serializers

from trygg.statistics.models import StatisticSeries


class StatisticSeriesSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)

    class Meta:
        model = StatisticSeries
        fields = [
            "id",
            "code",
            "name",
            "source",
            "unit",
            "unit_label",
            "description",
            "default_category",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StatValueSerializer(serializers.Serializer):
    """One ``trygg.statistics.queries.StatValue``."""

    series = serializers.IntegerField(source="series_id")
    series_name = serializers.CharField()
    unit = serializers.CharField(help_text="antal, andel (percent) or per_1000")
    is_demo = serializers.BooleanField(help_text="True for figures made up for the demo.")
    area = serializers.IntegerField(source="area_id")
    area_name = serializers.CharField()
    category = serializers.IntegerField(source="category_id", allow_null=True)
    category_name = serializers.CharField(allow_null=True)
    period = serializers.CharField(source="period_key", help_text="e.g. 2021/22, 2023, 2023-03")
    period_kind = serializers.CharField()
    period_label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="The period's last day (inclusive).")
    value = serializers.FloatField()
    note = serializers.CharField(allow_blank=True)


class StatValuesSerializer(serializers.Serializer):
    rows = StatValueSerializer(many=True)
