"""What the task worker's job rows share: their states, whether they have finished and how far
they have come (the job pages' progress bar and polling read ``finished`` and ``percent``), and
what keeps a job from outliving its worker unnoticed.

A running job beats: ``heartbeat_at`` is renewed by a thread beside the work (and with each
progress update) every fifth of ``TRYGG_JOB_STALE_SECONDS``. A job whose worker was killed, lost
its machine or hung stops beating; ``fail_stale_jobs`` (run by ``trygg worker`` when it starts
and then periodically, and by ``trygg jobs --check``) marks it failed with the reason, and
``retry_job`` starts it again from its page or ``trygg jobs --retry ID``. A stored upload (which
may hold personal data) is deleted when a job ends; an interrupted job keeps its upload for
``TRYGG_JOB_KEEP_UPLOAD_HOURS`` so that it can be started again, then ``purge_uploads`` deletes
it (the worker runs it with the check; ``trygg jobs --purge`` at once).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


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
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    # The dotted path of the task that runs the job (its one argument is the job's id).
    task_path: ClassVar[str] = ""
    # The FileField holding a stored upload the job needs to run, if it has one.
    upload_field: ClassVar[str | None] = None

    class Meta:
        abstract = True

    def progress_counts(self) -> tuple[int, int | None]:
        """The units done and the units in all (``None`` or 0 while not known)."""
        raise NotImplementedError

    def record_failure(self, reason: str) -> list[str]:
        """Put the reason the job failed on the row; the names of the fields it set."""
        raise NotImplementedError

    def reset_progress(self) -> list[str]:
        """Forget the progress and outcome of an earlier run; the names of the fields reset."""
        raise NotImplementedError

    def has_upload(self) -> bool:
        """Whether the job still keeps a stored upload (an import's file)."""
        return self.upload_field is not None and bool(getattr(self, self.upload_field))

    def delete_upload(self) -> list[str]:
        """Delete the stored upload, if any; the names of the fields to save."""
        if self.upload_field is None or not self.has_upload():
            return []
        getattr(self, self.upload_field).delete(save=False)
        return [self.upload_field]

    @property
    def can_retry(self) -> bool:
        """A failed job can be started again when it still has what it needs to run."""
        return self.is_failed

    def claim(self) -> bool:
        """Take a queued job for this worker: one conditional UPDATE, so that of two tasks for
        the same job (a retry beside a leftover, two workers) exactly one runs it."""
        now = timezone.now()
        taken = (
            type(self)
            ._default_manager.filter(pk=self.pk, status=self.State.QUEUED)
            .update(status=self.State.RUNNING, started_at=now, heartbeat_at=now)
        )
        if taken:
            self.status = self.State.RUNNING
            self.started_at = self.heartbeat_at = now
        return bool(taken)

    @contextmanager
    def beating(self) -> Iterator[None]:
        """Renew ``heartbeat_at`` from a thread of its own while the body runs."""
        heart = Heartbeat(type(self), self.pk)
        heart.start()
        try:
            yield
        finally:
            heart.stop()

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


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TRYGG_JOB_STALE_SECONDS)


def heartbeat_interval() -> float:
    """Seconds between two beats: five fit in the stale window, and at most half a minute."""
    return min(30.0, settings.TRYGG_JOB_STALE_SECONDS / 5)


class Heartbeat:
    """A daemon thread renewing a running job's ``heartbeat_at`` until stopped.

    The thread has its own database connection (Django's are per thread), so the beats are
    seen at once even while the job writes in a long transaction on PostgreSQL. A beat that
    fails (the database is away, or SQLite's single writer is busy) is logged and the next one
    tried. Inside an atomic block (the immediate task backend in a test's transaction) nobody
    else could see the job's row, so no thread is started.
    """

    def __init__(self, model: type[BackgroundJob], pk: int) -> None:
        self.model = model
        self.pk = pk
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if connection.in_atomic_block:
            return
        self.thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.model._meta.label}-{self.pk}", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()

    def beat(self) -> None:
        self.model._default_manager.filter(pk=self.pk, status=JobState.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    def _run(self) -> None:
        from django.db import connections

        try:
            while not self.stopped.wait(heartbeat_interval()):
                try:
                    self.beat()
                except DatabaseError as error:
                    logger.warning("heartbeat of job %s failed: %s", self.pk, error)
                    connections.close_all()  # open a new connection for the next beat
        finally:
            connections.close_all()


def job_models() -> list[type[BackgroundJob]]:
    """Every concrete kind of job (import jobs, export jobs)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BackgroundJob) and not model._meta.abstract
    ]


def fail_stale_jobs(now: dt.datetime | None = None) -> list[BackgroundJob]:
    """Mark failed every running job whose heartbeat is older than the stale window."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    failed: list[BackgroundJob] = []
    with translation.override(settings.LANGUAGE_CODE):
        for model in job_models():
            with transaction.atomic():
                stale = model._default_manager.select_for_update(skip_locked=True).filter(
                    Q(heartbeat_at__lt=cutoff)
                    | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),
                    status=JobState.RUNNING,
                )
                for job in stale:
                    seen = job.heartbeat_at or job.started_at or now
                    reason = gettext(
                        "The job stopped: the task worker running it stopped answering "
                        "(last sign of life %(when)s). Start it again."
                    ) % {"when": formats.date_format(timezone.localtime(seen), "Y-m-d H:i:s")}
                    _fail(job, reason, now)
                    logger.warning("job %s %s is stale: marked failed", model.__name__, job.pk)
                    failed.append(job)
    return failed


def _fail(job: BackgroundJob, reason: str, now: dt.datetime) -> None:
    job.status = JobState.FAILED
    job.finished_at = now
    job.save(update_fields=["status", "finished_at", *job.record_failure(reason)])
    _fail_queue_entries(job, now)


def _fail_queue_entries(job: BackgroundJob, now: dt.datetime) -> None:
    """The task worker's own record of the dead run (django-tasks-db's queue row) would say
    "running" for ever: it failed too."""
    if not job.task_path or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=job.task_path, args_kwargs__args=[job.pk]
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="trygg.lib.jobs.StaleJob",
        traceback="The job's heartbeat stopped: its worker was stopped or lost.",
    )


def purge_uploads(now: dt.datetime | None = None, *, keep: dt.timedelta | None = None) -> int:
    """Delete the stored uploads of jobs that ended, once the window to start an interrupted
    one again is over, and of jobs still queued that long after they were created (abandoned:
    they are marked failed). The number of uploads deleted."""
    now = now or timezone.now()
    cutoff = now - (keep if keep is not None else keep_uploads_for())
    deleted = 0
    with translation.override(settings.LANGUAGE_CODE):
        for model in job_models():
            if model.upload_field is None:
                continue
            ended = Q(status=JobState.DONE) | Q(status=JobState.FAILED, finished_at__lt=cutoff)
            abandoned = Q(status=JobState.QUEUED, created_at__lt=cutoff)
            with transaction.atomic():
                jobs = (
                    model._default_manager.select_for_update(skip_locked=True)
                    .filter(ended | abandoned)
                    .exclude(**{model.upload_field: ""})
                )
                for job in jobs:
                    fields = job.delete_upload()
                    if job.is_queued:
                        job.status = JobState.FAILED
                        job.finished_at = now
                        fields += ["status", "finished_at"]
                        fields += job.record_failure(
                            gettext("The job was never started; its upload has been deleted.")
                        )
                    job.save(update_fields=fields)
                    deleted += 1
    return deleted


def keep_uploads_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.TRYGG_JOB_KEEP_UPLOAD_HOURS)


def retry_job(job: BackgroundJob) -> bool:
    """Queue a failed job again and hand it to the task worker; False if it cannot be."""
    model = type(job)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=job.pk)
        if not locked.can_retry:
            return False
        locked.status = JobState.QUEUED
        locked.started_at = locked.finished_at = locked.heartbeat_at = None
        locked.save(
            update_fields=[
                "status", "started_at", "finished_at", "heartbeat_at", *locked.reset_progress(),
            ]
        )  # fmt: skip
    import_string(model.task_path).enqueue(job.pk)
    job.refresh_from_db()
    return True
