from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trygg.reports.exports import EXPORTERS
from trygg.reports.models import SituationReport

JOB_NOTE = (
    " A large export is made by a background job: the URL then answers a browser 303 See Other"
    " to the job's page, and a request with the API's token or `Accept: application/json`"
    " 202 Accepted with the job's status (`status`, `steps_done`, `steps_total`, `percent`,"
    " `finished`, `error`, `url` of the job's page, `status_url` to poll, and `download_url`"
    " once it is done) and a `Location` header. A finished export of an approved version is"
    " answered at once (200). The export, `status_url` and `download_url` take the API's"
    " `Authorization: Token …` header or a signed-in session; the job's page a session."
)


class ExportLinksSerializer(serializers.Serializer):
    docx = serializers.URLField(
        help_text="Word document. Answered directly (200) unless the report draws more than"
        " TRYGG_EXPORT_DIRECT_CHARTS charts (default 4)." + JOB_NOTE
    )
    pptx = serializers.URLField(
        help_text="16:9 deck. Answered directly (200) unless the report draws more than"
        " TRYGG_EXPORT_DIRECT_CHARTS charts (default 4)." + JOB_NOTE
    )
    pdf = serializers.URLField(help_text="A4 PDF, always made by a background job." + JOB_NOTE)


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
