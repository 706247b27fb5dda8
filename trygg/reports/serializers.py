from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.reports.exports import EXPORTERS
from trygg.reports.models import SituationReport


class ExportLinksSerializer(serializers.Serializer):
    docx = serializers.URLField()
    pptx = serializers.URLField()
    pdf = serializers.URLField()


class SituationReportSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The report's page.")
    exports = serializers.SerializerMethodField(
        help_text="The same content as a Word document, a 16:9 deck and an A4 PDF."
    )
    approved_by = serializers.StringRelatedField()

    class Meta:
        model = SituationReport
        fields = [
            "id",
            "title",
            "area",
            "version",
            "status",
            "period_kind",
            "period_start",
            "period_end",
            "replaces",
            "approved_by",
            "approved_body",
            "approved_at",
            "created_at",
            "updated_at",
            "url",
            "exports",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.URLField())
    def get_url(self, report: SituationReport) -> str:
        return self._absolute(report.get_absolute_url())

    @extend_schema_field(ExportLinksSerializer)
    def get_exports(self, report: SituationReport) -> dict[str, Any]:
        from django.urls import reverse

        return {
            fmt: self._absolute(reverse("reports:export", args=[report.pk, fmt]))
            for fmt in EXPORTERS
        }
