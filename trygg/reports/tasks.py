"""Background tasks of the lägesbild (Django's task framework, ``django.tasks``).

``trygg db_worker`` runs them (django-tasks-db keeps the queue in the database); tests run them
at once with the immediate backend.
"""

from __future__ import annotations

from django.tasks import task

from trygg.reports import jobs


@task
def run_export(job_id: int) -> None:
    """Render a large export (an ExportJob) and keep the file on the job."""
    jobs.run_export_job(job_id)
