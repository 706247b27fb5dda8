"""Export jobs: a large lägesbild export made by the task worker, with progress per block.

``export_or_job`` is what the export link does: a small export is rendered in the request; a
large one (``exports.is_large``) finds a running or reusable job or starts one
(``start_export_job``, which enqueues the task ``run_export``). ``run_export_job`` (the task's
body) renders the file, writing the steps done to the job as each block is rendered, and keeps
the file on the job. ``trygg db_worker`` runs the task (django-tasks-db keeps the queue in the
database); tests run it at once with the immediate backend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.accounts.models import User
from trygg.reports.content import document
from trygg.reports.exports import EXPORTERS
from trygg.reports.models import ExportJob, SituationReport

logger = logging.getLogger(__name__)

# Jobs are deleted this many days after they finished or, if they never did, were created
# (when a new job starts).
KEEP_DAYS = 7
# A job queued or running for longer than this is taken to be lost (a stopped worker) and is
# not waited for again.
STALE_AFTER = dt.timedelta(hours=1)


@cache
def renderer_fingerprint() -> str:
    """A hash of the code that turns a report into a file: a cached export of an approved
    version is served again only while this code is unchanged."""
    root = Path(__file__).resolve().parent
    files = [
        *sorted((root / "exports").glob("*.py")),
        root / "content.py",
        root / "figures.py",
        root / "markup.py",
        root.parent / "analysis" / "charts.py",
        root.parent / "templates" / "reports" / "print.html",
    ]
    digest = hashlib.sha256()
    for path in files:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def filename(report: SituationReport, fmt: str) -> str:
    return f"{slugify(f'{report.title}-v{report.version}') or 'lagesbild'}.{fmt}"


def cached_export(report: SituationReport, fmt: str) -> ExportJob | None:
    """A finished export of an approved (frozen) version made by the current code."""
    if not report.is_locked:
        return None
    return (
        ExportJob.objects.filter(
            report=report,
            format=fmt,
            status=ExportJob.State.DONE,
            renderer=renderer_fingerprint(),
        )
        .defer("content")
        .order_by("-finished_at", "-pk")
        .first()
    )


def pending_export(report: SituationReport, fmt: str, user: User) -> ExportJob | None:
    """A job for the same file that is still queued or running, to follow instead of
    starting another (anyone's for an approved version, the user's own for a draft)."""
    jobs = ExportJob.objects.filter(
        report=report,
        format=fmt,
        status__in=(ExportJob.State.QUEUED, ExportJob.State.RUNNING),
        created_at__gte=timezone.now() - STALE_AFTER,
    )
    if not report.is_locked:
        jobs = jobs.filter(requested_by=user)
    return jobs.defer("content").order_by("-created_at", "-pk").first()


def start_export_job(report: SituationReport, fmt: str, user: User) -> ExportJob:
    """A queued job for the export, handed to the task worker."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}")
    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    # Finished a while ago, or never finished (a worker that was stopped): gone.
    ExportJob.objects.filter(Q(finished_at__lt=cutoff) | Q(created_at__lt=cutoff)).delete()
    job = ExportJob.objects.create(
        report=report,
        format=fmt,
        filename=filename(report, fmt),
        requested_by=user,
    )
    run_export.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task
def run_export(job_id: int) -> None:
    """Render a large export (an ExportJob) and keep the file on the job."""
    run_export_job(job_id)


def run_export_job(job_id: int) -> None:
    """Render a queued job's file and keep it (or the reason it failed) on the job."""
    job = ExportJob.objects.select_related("report__area", "requested_by").get(pk=job_id)
    if not job.claim():  # not queued, or another task took it
        return
    exporter = EXPORTERS[job.format]
    with translation.override(settings.LANGUAGE_CODE), job.beating():
        try:
            # A job that names no requester shows the live data to nobody.
            doc = document(job.report)
            job.steps_total = exporter.steps(doc)
            job.steps_done = 0
            job.save(update_fields=["steps_total", "steps_done"])
            content = exporter.export(doc, _Progress(job))
        except (OperationalError, InterfaceError):
            # The database went away: nothing can be recorded; the job stops beating, is
            # marked failed when found stale, and can be started again.
            logger.exception("export job %s lost the database", job.pk)
            raise
        except Exception:
            logger.exception("export job %s failed", job.pk)
            job.status = ExportJob.State.FAILED
            job.error = _(
                "The export stopped on an internal error. Try again; if it fails again, "
                "tell the system administrator (export job %(id)s)."
            ) % {"id": job.pk}
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            raise
        job.content = content
        job.size = len(content)
        job.renderer = renderer_fingerprint()
        job.status = ExportJob.State.DONE
        job.steps_done = job.steps_total
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "content", "size", "renderer", "status", "steps_done", "finished_at",
            ]
        )  # fmt: skip


class _Progress:
    """The exporter's ``progress`` callback: the steps done, written to the job's row.

    A render runs outside any transaction, so the page's polling sees each update at once.
    """

    def __init__(self, job: ExportJob) -> None:
        self.job = job

    def __call__(self, done: int, total: int) -> None:
        if done == self.job.steps_done and total == self.job.steps_total:
            return
        ExportJob.objects.filter(pk=self.job.pk).update(
            steps_done=done, steps_total=total, heartbeat_at=timezone.now()
        )
        self.job.steps_done, self.job.steps_total = done, total
