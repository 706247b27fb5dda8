"""What the task worker's job rows share: their states, whether they have finished and how far
they have come (the job pages' progress bar and polling read ``finished`` and ``percent``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class BackgroundJob(models.Model):
    """Abstract base of a job run by the task worker (an import, an export).

    It has the state and times every job has; a job says how much of its work is done in
    ``progress_counts``.
    """

    State = JobState
    status = models.CharField(
        _("status"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    def progress_counts(self) -> tuple[int, int | None]:
        """The units done and the units in all (``None`` or 0 while not known)."""
        raise NotImplementedError

    def mark_running(self) -> None:
        """The worker has taken the job: say so, and when, on its row."""
        self.status = self.State.RUNNING
        self.started_at = timezone.now()
        self.save(update_fields=["status", "started_at"])

    @property
    def is_queued(self) -> bool:
        return self.status == self.State.QUEUED

    @property
    def is_done(self) -> bool:
        return self.status == self.State.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.State.FAILED

    @property
    def finished(self) -> bool:
        return self.is_done or self.is_failed

    @property
    def percent(self) -> int:
        if self.is_done:
            return 100
        done, total = self.progress_counts()
        if not total:
            return 0
        return min(100, round(100 * done / total))
