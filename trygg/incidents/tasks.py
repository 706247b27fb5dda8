"""Background tasks of the incidents app (Django's task framework, ``django.tasks``).

In production and development the tasks run in ``trygg db_worker`` (django-tasks-db keeps
the queue in the database); tests run them at once with the immediate backend.
"""

from __future__ import annotations

from django.tasks import task

from trygg.incidents import jobs


@task
def run_import(job_id: int) -> None:
    """Import an uploaded file (an ImportJob) and record its outcome on the job."""
    jobs.run_import_job(job_id)
