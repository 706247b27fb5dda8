"""Import jobs: an uploaded file imported by the task worker, its progress and outcome.

``start_import_job`` stores the upload and enqueues the task ``run_import``; its body,
``run_import_job``, runs ``import_incidents`` and keeps the job's row counts current, so the
job page can show progress while a large file is checked and written. The task runs in
``trygg db_worker`` (django-tasks-db keeps the queue in the database); tests run it at once.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation, User
from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.imports import ImportFailed, IncidentImportReport, import_incidents
from trygg.incidents.models import ImportJob
from trygg.lib.imports import Problem

logger = logging.getLogger(__name__)
# Progress is written at most this often (seconds), so a fast import is not slowed by it.
PROGRESS_INTERVAL = 0.5


def start_import_job(
    user: User,
    upload: UploadedFile,
    *,
    organisation: Organisation | None,
    skip_invalid: bool,
    dry_run: bool,
) -> ImportJob:
    """Store the upload as a queued job and hand it to the task worker."""
    job = ImportJob.objects.create(
        user=user,
        organisation=organisation,
        file=upload,
        filename=(upload.name or "")[-255:],
        options={
            "skip_invalid": skip_invalid,
            "dry_run": dry_run,
            "language": translation.get_language(),
        },
    )
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task
def run_import(job_id: int) -> None:
    """Import an uploaded file (an ImportJob) and record its outcome on the job."""
    run_import_job(job_id)


def run_import_job(job_id: int) -> None:
    """Import a queued job's file and record the outcome on the job."""
    job = ImportJob.objects.select_related("user", "organisation").get(pk=job_id)
    if not job.claim():  # not queued, or another task took it
        return
    progress = _Progress(job)
    options = job.options
    with translation.override(options.get("language") or None), job.beating():
        try:
            with job.file.open("rb") as stored:
                data = stored.read()
            report = import_incidents(
                data,
                job.filename,
                user=job.user,
                organisation=job.organisation,
                skip_invalid=bool(options.get("skip_invalid")),
                dry_run=bool(options.get("dry_run")),
                progress=progress,
            )
        except ImportFailed as error:
            _finish(job, ImportJob.State.FAILED, {"failure": str(error)})
        except IncidentsRefused as refused:
            _finish(job, ImportJob.State.FAILED, {"problems": _problems(refused.problems)})
        except (OperationalError, InterfaceError):
            # The database went away: nothing was written and nothing can be recorded. The job
            # keeps its file and stops beating; it is marked failed when found stale, and can
            # be started again.
            logger.exception("import job %s lost the database", job.pk)
            raise
        except Exception:
            logger.exception("import job %s failed", job.pk)
            _finish(
                job,
                ImportJob.State.FAILED,
                {"failure": _("The import stopped on an internal error; nothing was imported.")},
            )
            raise
        else:
            job.format = report.format
            job.rows_total = job.rows_processed = report.rows
            _finish(job, ImportJob.State.DONE, _report(report))
        finally:
            progress.close()


def _finish(job: ImportJob, status: str, result: dict[str, Any]) -> None:
    job.status = status
    job.result = result
    job.finished_at = timezone.now()
    # The file may hold what was refused (a personnummer, say); the outcome is what is kept.
    if job.file:
        job.file.delete(save=False)
    job.save(
        update_fields=[
            "status", "result", "finished_at", "file", "format", "rows_total", "rows_processed",
        ]
    )  # fmt: skip


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"line": p.line, "column": p.field, "message": p.message} for p in problems]


def _report(report: IncidentImportReport) -> dict[str, Any]:
    return {
        "format": report.format,
        "rows": report.rows,
        "created": report.created,
        "already_recorded": report.already_recorded,
        "refused": report.refused,
        "written": report.written,
        "dry_run": report.dry_run,
        "ignored_columns": report.ignored_columns,
        "areas_created": report.areas_created,
        "skipped": sum(report.skipped_types.values()),
        "problems": _problems(report.problems),
    }


class _Progress:
    """The ``progress`` callback of an import, writing the counts to the job row.

    Rows are written inside the import's transaction, where an update of the job would stay
    invisible to the page until the end; on PostgreSQL the counts therefore go through a
    connection of their own. (SQLite allows one writer at a time: there the counts appear
    as the phases change, outside the write transaction.)
    """

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.last = 0.0
        self.side: Any = None
        wrapper = connections[DEFAULT_DB_ALIAS]
        if wrapper.vendor == "postgresql":
            self.side = type(wrapper)(wrapper.settings_dict.copy(), wrapper.alias)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        beat = timezone.now()
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET rows_processed = %s, rows_total = %s,"
                    " heartbeat_at = %s WHERE id = %s",
                    [done, total, beat, self.job.pk],
                )
        else:
            ImportJob.objects.filter(pk=self.job.pk).update(
                rows_processed=done, rows_total=total, heartbeat_at=beat
            )
        self.job.rows_processed, self.job.rows_total = done, total

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
