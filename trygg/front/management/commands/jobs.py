"""``trygg jobs``: the task worker's jobs — list, check for stale ones, start one again, purge.

    trygg jobs                  # the jobs not finished, and the failed ones that can run again
    trygg jobs --check          # mark failed the running jobs whose heartbeat stopped
    trygg jobs --retry ID       # start a failed job again (an import: ID, an export: export:ID)
    trygg jobs --purge          # delete the uploads of ended and abandoned jobs

``trygg worker`` does ``--check`` and ``--purge`` itself when it starts and then periodically;
from cron they also cover a worker that is not running.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from trygg.lib.jobs import BackgroundJob, JobState, fail_stale_jobs, job_models, purge_uploads
from trygg.lib.jobs import retry_job as start_again


def _kind(model: type[BackgroundJob]) -> str:
    return model.__name__.removesuffix("Job").lower()


class Command(BaseCommand):
    help = "List, check, restart and purge the task worker's jobs (imports and exports)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="mark failed the jobs whose heartbeat stopped"
        )
        parser.add_argument(
            "--retry",
            metavar="ID",
            action="append",
            default=[],
            help="start a failed job again: an import job's id, or KIND:ID (export:12)",
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="delete the stored uploads of ended and abandoned jobs",
        )
        parser.add_argument(
            "--keep-hours",
            type=int,
            default=None,
            help="with --purge: keep interrupted jobs' uploads this long "
            "(default TRYGG_JOB_KEEP_UPLOAD_HOURS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        acted = False
        if options["check"]:
            acted = True
            failed = fail_stale_jobs()
            for job in failed:
                self.stdout.write(f"{_kind(type(job))}:{job.pk} marked failed (stale heartbeat)")
            self.stdout.write(f"{len(failed)} stale job(s) marked failed")
        for ref in options["retry"]:
            acted = True
            job = self._job(ref)
            if not start_again(job):
                raise CommandError(
                    f"{ref}: only a failed job that still has what it needs can run again "
                    f"(status {job.status})"
                )
            self.stdout.write(f"{_kind(type(job))}:{job.pk} queued again")
        if options["purge"]:
            acted = True
            keep = options["keep_hours"]
            deleted = purge_uploads(keep=None if keep is None else dt.timedelta(hours=keep))
            self.stdout.write(f"{deleted} upload(s) deleted")
        if not acted:
            self._list()

    def _job(self, ref: str) -> BackgroundJob:
        kind, _sep, number = ref.rpartition(":")
        models = {_kind(model): model for model in job_models()}
        model = models.get(kind or "import")
        if model is None or not number.isdigit():
            raise CommandError(f"{ref}: expected ID or KIND:ID with KIND one of {sorted(models)}")
        try:
            return model._default_manager.get(pk=int(number))
        except model.DoesNotExist:
            raise CommandError(f"{ref}: no such job") from None

    def _list(self) -> None:
        for model in job_models():
            jobs = model._default_manager.filter(
                Q(status__in=(JobState.QUEUED, JobState.RUNNING)) | Q(status=JobState.FAILED)
            ).order_by("-created_at")[:100]
            for job in jobs:
                if job.is_failed and not job.can_retry:
                    continue
                beat = job.heartbeat_at.isoformat(timespec="seconds") if job.heartbeat_at else "-"
                retry = "  (can run again)" if job.can_retry else ""
                self.stdout.write(
                    f"{_kind(model)}:{job.pk}\t{job.status}\t{job.percent} %\t"
                    f"heartbeat {beat}{retry}"
                )
