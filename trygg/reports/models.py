"""The lägesbild as a document: versions of a SituationReport made of ordered blocks.

A report follows the law's structure in three sections (kartläggning, annan information,
analys). Each block is text (Markdown) or a figure that is computed from a stored selection.
On approval every figure block gets ``frozen`` (its table and chart data), and from then on
the version never changes: rendering and exporting it never touch live data. Writes with rules
(remiss, approval, new versions, editing) live in ``trygg.reports.actions``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.lib.dates import check_dates
from trygg.lib.jobs import BackgroundJob
from trygg.lib.periods import PeriodKind
from trygg.lib.safetext import LONG_TEXT, SHORT_TEXT, SafeCharField, SafeTextField


class ReportStatus(models.TextChoices):
    UTKAST = "utkast", _("draft")
    PA_REMISS = "pa_remiss", _("out for comments")
    GODKAND = "godkand", _("approved")
    ERSATT = "ersatt", _("superseded")


LOCKED_STATUSES = (ReportStatus.GODKAND, ReportStatus.ERSATT)


class SituationReportQuerySet(models.QuerySet["SituationReport"]):
    def approved(self) -> SituationReportQuerySet:
        return self.filter(status=ReportStatus.GODKAND)


class SituationReport(models.Model):
    title = SafeCharField(_("title"), max_length=200)
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    period_kind = models.CharField(
        _("period kind"),
        max_length=20,
        choices=[(kind.value, kind.label) for kind in PeriodKind],
        default=PeriodKind.REPORTING_YEAR,
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.UTKAST
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_body = SafeCharField(
        _("approving body"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Lokala brottsförebyggande rådet”."),
    )
    approved_at = models.DateField(_("approved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = SituationReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-period_end", "title", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.GODKAND)
                | models.Q(approved_at__isnull=False),
                name="report_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})" if self.version > 1 else self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    def clean(self) -> None:
        # The admin's form: the pages write through trygg.reports.actions with checked forms.
        check_dates(
            events={"approved_at": self.approved_at},
            planned={"period_start": self.period_start, "period_end": self.period_end},
        )

    @property
    def is_draft(self) -> bool:
        """A draft not yet sent out for comments."""
        return self.status == ReportStatus.UTKAST

    @property
    def is_out_for_comments(self) -> bool:
        return self.status == ReportStatus.PA_REMISS

    @property
    def is_approved(self) -> bool:
        """The approved version in force (a later approved version supersedes it)."""
        return self.status == ReportStatus.GODKAND

    @property
    def is_locked(self) -> bool:
        """Approved and superseded versions are official documents: nothing in them changes."""
        return self.status in LOCKED_STATUSES

    def versions(self) -> list[SituationReport]:
        """Every version in this report's chain, oldest first."""
        first = self
        while first.replaces is not None:
            first = first.replaces
        chain = [first]
        while True:
            following = SituationReport.objects.filter(replaces=chain[-1]).order_by("pk").first()
            if following is None:
                return chain
            chain.append(following)


class Section(models.TextChoices):
    KARTLAGGNING = "kartlaggning", _("Survey of the situation")
    ANNAN_INFORMATION = "annan_information", _("Other information")
    ANALYS = "analys", _("Analysis")


class BlockKind(models.TextChoices):
    TEXT = "text", _("Text")
    COUNTS = "counts", _("Incidents per category and period")
    CHANGES = "changes", _("Tested changes")
    STATISTICS = "statistics", _("Official statistics")
    TIME_PATTERN = "time_pattern", _("Time pattern")
    HOTSPOTS = "hotspots", _("Hotspots")
    NEAR_REPEATS = "near_repeats", _("Near repeats")
    MEASURES = "measures", _("Priorities and measures")
    NEXT_MEETING = "next_meeting", _("Next meeting")


FIGURE_KINDS = (
    BlockKind.COUNTS,
    BlockKind.CHANGES,
    BlockKind.STATISTICS,
    BlockKind.TIME_PATTERN,
    BlockKind.HOTSPOTS,
    BlockKind.NEAR_REPEATS,
    BlockKind.MEASURES,
    BlockKind.NEXT_MEETING,
)


class ReportBlock(models.Model):
    report = models.ForeignKey(
        SituationReport, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("report")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=BlockKind.choices)
    title = SafeCharField(_("title"), max_length=200, blank=True)
    text = SafeTextField(
        _("text"), blank=True, max_length=LONG_TEXT, help_text=_("Markdown: **bold**, - lists.")
    )
    selection = models.JSONField(_("selection"), default=dict, blank=True)
    frozen = models.JSONField(_("frozen figures"), null=True, blank=True)
    # The same block across versions: compare matches blocks by it.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report block")
        verbose_name_plural = _("report blocks")
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_figure(self) -> bool:
        return self.kind in FIGURE_KINDS


class Comment(models.Model):
    """A partner's remark on a block while the report is out for comments (på remiss)."""

    block = models.ForeignKey(
        ReportBlock, on_delete=models.CASCADE, related_name="comments", verbose_name=_("block")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = SafeTextField(_("comment"), max_length=SHORT_TEXT * 2)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class ExportJob(BackgroundJob):
    """A large export (a PDF, a big DOCX or PPTX) made by the task worker, with its progress.

    The file is kept in the database (``content``) rather than in MEDIA, so a worker on another
    machine needs no shared disk and the file goes when the job or the report goes. A finished
    export of an approved version is the same for every reader (its figures are frozen) and is
    served again while ``renderer`` (a fingerprint of the export code) still matches; a draft's
    export was made with its requester's view of the live data and is theirs alone.
    """

    report = models.ForeignKey(
        SituationReport,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("report"),
    )
    format = models.CharField(_("format"), max_length=10)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveIntegerField(_("steps"), null=True, blank=True)
    filename = SafeCharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    renderer = models.CharField(_("renderer"), max_length=64, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["report", "format", "status"], name="exportjob_lookup")]

    def __str__(self) -> str:
        return f"{self.report} ({self.format}, {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export_job", args=[self.report_id, self.pk])

    def progress_counts(self) -> tuple[int, int | None]:
        return self.steps_done, self.steps_total

    task_path = "trygg.reports.jobs.run_export"

    def record_failure(self, reason: str) -> list[str]:
        self.error = reason
        return ["error"]

    def reset_progress(self) -> list[str]:
        self.error = ""
        self.steps_done = 0
        self.steps_total = None
        return ["error", "steps_done", "steps_total"]
