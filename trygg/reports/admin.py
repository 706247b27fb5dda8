from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from trygg.reports.models import Comment, ExportJob, ReportBlock, SituationReport


class BlockInline(admin.StackedInline):
    model = ReportBlock
    extra = 0
    fields = ["order", "section", "kind", "title", "text", "selection", "frozen"]
    readonly_fields = ["frozen"]

    def has_change_permission(
        self, request: HttpRequest, obj: SituationReport | None = None
    ) -> bool:
        return obj is None or not obj.is_locked

    def has_add_permission(self, request: HttpRequest, obj: SituationReport | None = None) -> bool:
        return obj is None or not obj.is_locked

    def has_delete_permission(
        self, request: HttpRequest, obj: SituationReport | None = None
    ) -> bool:
        return obj is None or not obj.is_locked


@admin.register(SituationReport)
class SituationReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "area", "status", "approved_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [BlockInline]
    raw_id_fields = ["replaces", "approved_by", "created_by"]

    def has_change_permission(
        self, request: HttpRequest, obj: SituationReport | None = None
    ) -> bool:
        # An approved lägesbild is an allmän handling: it is changed by a new version only.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_locked)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["block", "author", "created_at"]
    raw_id_fields = ["block", "author"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Export jobs, to see what failed and why; they are made by the export links only."""

    list_display = ["report", "format", "status", "steps_done", "steps_total", "created_at"]
    list_filter = ["status", "format"]
    exclude = ["content"]
    readonly_fields = [
        "report", "format", "status", "steps_done", "steps_total", "filename", "size",
        "renderer", "error", "requested_by", "created_at", "started_at", "finished_at",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportJob]:
        return super().get_queryset(request).defer("content").select_related("report")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
