"""The task worker (``trygg worker``): django-tasks-db's worker, made to outlive the database.

django-tasks-db's ``db_worker`` stops for good on the first ``OperationalError`` that is not a
locked SQLite file (a database restart, a fail-over, ``pg_terminate_backend``), and under the
autoreloader only its thread dies. This loop takes tasks the same way, but on a lost database
it closes the connections, waits (1, 2, 4 … up to 30 seconds) and tries again; with
``CONN_HEALTH_CHECKS`` a connection dropped while the worker was idle is replaced before use.

It also looks after the jobs (``trygg.lib.jobs``): when it starts and then every half stale
window between tasks, it marks failed the running jobs whose heartbeat stopped and deletes the
uploads of jobs that ended.
"""

from __future__ import annotations

import logging
import random
import time

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from trygg.lib.jobs import fail_stale_jobs, purge_uploads, stale_after

logger = logging.getLogger("trygg.worker")

LOST = (OperationalError, InterfaceError)
MAX_BACKOFF_SECONDS = 30.0


class Worker(DatabaseWorker):
    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            # A random short wait, so that workers started together do not poll together.
            time.sleep(random.random())
        self.last_check = -float("inf")
        failures = 0
        while self.running:
            try:
                self.check_jobs()
                if self.run_once():
                    return
                failures = 0
            except LOST as error:
                if isinstance(error, OperationalError) and is_locked_database_exception(
                    error
                ):  # SQLite's one writer: wait a little
                    time.sleep(self.interval)
                    continue
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 2.0 ** (failures - 1))
                logger.warning("Database unavailable (%s); trying again in %.0f s", error, delay)
                _close_connections()
                if self.running:
                    time.sleep(delay)

    def check_jobs(self) -> None:
        """Fail stale jobs and purge ended jobs' uploads, at most every half stale window."""
        now = time.monotonic()
        if now - self.last_check < stale_after().total_seconds() / 2:
            return
        fail_stale_jobs()
        purge_uploads()
        self.last_check = now

    def run_once(self) -> bool:
        """Take and run one task if one is ready; True when the worker should stop."""
        close_old_connections()  # and a health check before the next query
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self.run_task(task_result)
        elif self.batch:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran the maximum of %d tasks - exiting.", self._run_tasks)
            return True
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return False


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except LOST:
            conn.connection = None
