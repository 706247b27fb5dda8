"""Jobs that survive their worker: heartbeats, stale jobs failed with a reason, starting a failed
job again (page and command), uploads deleted when a job ends or is abandoned; on PostgreSQL a
real ``trygg worker`` subprocess killed mid-job, and one whose connection is terminated."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from trygg.incidents.models import ImportJob, Incident
from trygg.lib.jobs import Heartbeat, fail_stale_jobs, purge_uploads, retry_job

HEADER = "kategori;tidpunkt;område;beskrivning"
ROOT = Path(__file__).resolve().parent.parent.parent
STALE = "slutade svara"  # the Swedish reason of a job whose worker stopped


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def csv_bytes(rows: int) -> bytes:
    lines = [
        f"klotter;2023-09-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d};Liljeholmen;rad {i}"
        for i in range(rows)
    ]
    return ("\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n").encode()


def stored_job(world, rows: int = 3, **fields) -> ImportJob:
    job = ImportJob.objects.create(
        user=world.alice,
        organisation=world.sdf,
        filename="rapport.csv",
        options={"language": "sv"},
        **fields,
    )
    job.file.save("rapport.csv", ContentFile(csv_bytes(rows)))
    return job


def interrupted(world, minutes_ago: float = 10, rows: int = 3) -> ImportJob:
    """A job whose worker died while running it: running, its last beat long ago."""
    beat = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return stored_job(
        world, rows, status=ImportJob.State.RUNNING, started_at=beat, heartbeat_at=beat
    )


@pytest.mark.django_db
def test_a_job_whose_heartbeat_stopped_is_failed_with_a_swedish_reason(world):
    stale = interrupted(world, minutes_ago=10)
    fresh = interrupted(world, minutes_ago=0.5)
    queued = stored_job(world)
    assert [job.pk for job in fail_stale_jobs()] == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == ImportJob.State.FAILED and stale.finished_at is not None
    assert STALE in stale.result["failure"]
    assert stale.can_retry  # the file was kept for that
    fresh.refresh_from_db()
    queued.refresh_from_db()
    assert fresh.status == ImportJob.State.RUNNING and queued.status == ImportJob.State.QUEUED
    assert fail_stale_jobs() == []


@pytest.mark.django_db
def test_a_failed_job_is_started_again_from_its_page_and_runs_to_the_end(client, world):
    job = interrupted(world)
    fail_stale_jobs()
    client.force_login(world.alice)
    page = client.get(reverse("incidents:import_job", args=[job.pk])).content.decode()
    assert STALE in page and reverse("incidents:import_job_retry", args=[job.pk]) in page
    assert client.get(reverse("incidents:import_job_retry", args=[job.pk])).status_code == 405
    response = client.post(reverse("incidents:import_job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE  # the immediate backend ran it at once
    assert job.result["created"] == 3 and job.rows_processed == 3
    assert not job.file  # ended: the upload is deleted
    assert Incident.objects.count() == 3
    # Done now: it cannot be started a second time.
    assert retry_job(job) is False


@pytest.mark.django_db
def test_a_job_that_ended_on_its_own_cannot_be_started_again(client, world):
    job = stored_job(world)
    job.file.delete(save=False)
    job.status = ImportJob.State.FAILED
    job.result = {"failure": "Filen gick inte att läsa."}
    job.save()
    client.force_login(world.alice)
    page = client.get(reverse("incidents:import_job", args=[job.pk])).content.decode()
    assert reverse("incidents:import_job_retry", args=[job.pk]) not in page
    client.post(reverse("incidents:import_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.State.FAILED


@pytest.mark.django_db
def test_someone_else_cannot_start_a_job_again(client, world):
    job = interrupted(world)
    fail_stale_jobs()
    client.force_login(world.dave)
    assert client.post(reverse("incidents:import_job_retry", args=[job.pk])).status_code in (
        403,
        404,
    )
    job.refresh_from_db()
    assert job.status == ImportJob.State.FAILED


@pytest.mark.django_db
def test_purge_deletes_uploads_of_ended_and_abandoned_jobs_only(world, media):
    now = timezone.now()
    long_ago = now - dt.timedelta(days=3)
    old_failure = interrupted(world)
    fail_stale_jobs()
    ImportJob.objects.filter(pk=old_failure.pk).update(finished_at=long_ago)
    recent_failure = interrupted(world)
    fail_stale_jobs()
    abandoned = stored_job(world)
    ImportJob.objects.filter(pk=abandoned.pk).update(created_at=long_ago)
    waiting = stored_job(world)
    paths = {
        job.pk: Path(job.file.path) for job in (old_failure, recent_failure, abandoned, waiting)
    }
    assert purge_uploads() == 2
    for job in (old_failure, recent_failure, abandoned, waiting):
        job.refresh_from_db()
    assert not old_failure.file and not paths[old_failure.pk].exists()
    assert not old_failure.can_retry
    assert not abandoned.file and not paths[abandoned.pk].exists()
    assert abandoned.status == ImportJob.State.FAILED and abandoned.result["failure"]
    assert recent_failure.file and paths[recent_failure.pk].exists()  # may still run again
    assert waiting.file and waiting.status == ImportJob.State.QUEUED


@pytest.mark.django_db
def test_the_jobs_command_checks_retries_and_purges(world):
    job = interrupted(world)
    out = io.StringIO()
    call_command("jobs", "--check", stdout=out)
    assert f"import:{job.pk} marked failed" in out.getvalue()
    out = io.StringIO()
    call_command("jobs", stdout=out)
    assert f"import:{job.pk}\tfailed" in out.getvalue() and "can run again" in out.getvalue()
    call_command("jobs", "--retry", str(job.pk), stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE and Incident.objects.count() == 3
    with pytest.raises(Exception, match="only a failed job"):
        call_command("jobs", "--retry", f"import:{job.pk}", stdout=io.StringIO())
    with pytest.raises(Exception, match="no such job"):
        call_command("jobs", "--retry", "999999", stdout=io.StringIO())
    other = interrupted(world)
    fail_stale_jobs()
    out = io.StringIO()
    call_command("jobs", "--purge", "--keep-hours", "0", stdout=out)
    assert "1 upload(s) deleted" in out.getvalue()
    other.refresh_from_db()
    assert not other.file


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_from_a_thread_of_its_own(world, settings):
    settings.TRYGG_JOB_STALE_SECONDS = 1  # a beat every 0.2 s
    job = interrupted(world, minutes_ago=10)
    before = job.heartbeat_at
    heart = Heartbeat(ImportJob, job.pk)
    heart.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.heartbeat_at > before:
                break
            time.sleep(0.1)
    finally:
        heart.stop()
    assert job.heartbeat_at > before
    assert fail_stale_jobs() == []  # it beat within the window


# PostgreSQL: a real worker process, as `trygg worker` runs beside gunicorn.

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a worker process beside the test needs a shared server database (PostgreSQL)",
)
WORKER_STALE_SECONDS = 2


@pytest.fixture
def db_queue(settings):
    """Tasks go to the database queue that a worker process reads, not run at once."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TRYGG_JOB_STALE_SECONDS = WORKER_STALE_SECONDS


def start_worker(media: Path, *extra: str) -> subprocess.Popen:
    db = connection.settings_dict
    login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    url = f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "test-only-secret-key-never-used-in-production",
        "DEBUG": "false",
        "MEDIA_ROOT": str(media),
        "TRYGG_JOB_STALE_SECONDS": str(WORKER_STALE_SECONDS),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "trygg", "worker"),
            *("--no-reload", "--no-startup-delay", "--interval", "0.2", *extra),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def status_of(job: ImportJob) -> str:
    job.refresh_from_db()
    return job.status


def stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return worker.stdout.read().decode(errors="replace") if worker.stdout else ""


def seed_categories() -> None:
    from trygg.incidents.defaults import ensure_default_categories
    from trygg.incidents.models import Category

    ensure_default_categories(Category)  # the transactional flush removed the migration's


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_a_failed_job_that_runs_again_to_the_end(
    client, world, media, db_queue
):
    seed_categories()
    rows = 30000  # so that the kill 0.3 s after the start lands in the import, not after it
    client.force_login(world.alice)
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "stor.csv"
    response = client.post(
        reverse("incidents:import"), {"file": upload, "organisation": world.sdf.pk}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.State.QUEUED
    stored = Path(job.file.path)

    worker = start_worker(media)
    try:
        wait_for(lambda: status_of(job) == ImportJob.State.RUNNING, 60, "the worker to start")
        time.sleep(0.3)
        worker.kill()  # SIGKILL: no handler, no clean-up, as when a machine is lost
        worker.wait(timeout=10)
    finally:
        output = stop(worker)
    assert status_of(job) == ImportJob.State.RUNNING, output  # it died mid-job
    assert Incident.objects.count() == 0  # its transaction was rolled back

    failed = wait_for(fail_stale_jobs, WORKER_STALE_SECONDS * 5, "the job to turn stale")
    assert [j.pk for j in failed] == [job.pk]
    from django_tasks_db.models import DBTaskResult

    # The queue's record of the dead run failed with it; nothing says "running" any more.
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]
    job.refresh_from_db()
    assert job.status == ImportJob.State.FAILED and STALE in job.result["failure"]
    assert stored.exists()  # kept to start it again

    response = client.post(reverse("incidents:import_job_retry", args=[job.pk]))
    assert response.status_code == 302 and status_of(job) == ImportJob.State.QUEUED
    worker = start_worker(media, "--batch")
    try:
        worker.wait(timeout=120)
    finally:
        output = stop(worker)
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE, (job.result, output)
    assert job.result["created"] == rows and Incident.objects.count() == rows
    assert not job.file and not stored.exists()  # ended: the upload is gone


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_the_next_job_after_its_connection_is_terminated(world, media, db_queue):
    seed_categories()
    worker = start_worker(media)
    try:
        own = connection.cursor().connection.info.backend_pid

        def worker_connections() -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> %s AND backend_type = 'client backend'",
                    [own],
                )
                return [pid for (pid,) in cursor.fetchall()]

        for _round in range(2):
            pids = wait_for(worker_connections, 60, "the worker to connect")
            with connection.cursor() as cursor:
                for pid in pids:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            wait_for(lambda p=pids: not set(p) & set(worker_connections()), 10, "termination")
            job = stored_job(world)
            from trygg.incidents.imports.jobs import run_import

            run_import.enqueue(job.pk)
            wait_for(lambda j=job: status_of(j) == ImportJob.State.DONE, 60, "the next job")
            assert worker.poll() is None  # still running
        assert Incident.objects.count() == 6
    finally:
        output = stop(worker)
    assert "Traceback" not in output, output


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_job_fails_the_job_not_the_worker(world, media, db_queue):
    """The worker loses the database while importing: it reconnects, finds the job stale
    itself, and runs it again to the end when it is started again."""
    from trygg.incidents.imports.jobs import run_import

    seed_categories()
    rows = 30000  # so that the drop 0.3 s after the start lands in the import, not after it
    worker = start_worker(media)
    try:
        own = connection.cursor().connection.info.backend_pid
        job = stored_job(world, rows=rows)
        run_import.enqueue(job.pk)
        wait_for(lambda: status_of(job) == ImportJob.State.RUNNING, 60, "the job to start")
        time.sleep(0.3)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> %s"
                " AND backend_type = 'client backend'",
                [own],
            )
        assert status_of(job) == ImportJob.State.RUNNING
        # The worker's own check (every half stale window) fails the silent job.
        wait_for(
            lambda: status_of(job) == ImportJob.State.FAILED,
            WORKER_STALE_SECONDS * 10,
            "the worker to fail the stale job",
        )
        assert STALE in job.result["failure"] and Incident.objects.count() == 0
        assert worker.poll() is None
        assert retry_job(job)
        wait_for(lambda: status_of(job) == ImportJob.State.DONE, 120, "the job to run again")
        assert Incident.objects.count() == rows and not job.file
        assert worker.poll() is None
    finally:
        output = stop(worker)
    # The drop reached the worker: in its loop ("Database unavailable", it reconnects) or in the
    # job, which logs that it lost the database; either way the worker went on (asserted above).
    assert "Database unavailable" in output or "lost the database" in output, output


@pytest.mark.django_db
def test_two_tasks_for_one_job_run_it_once(world, media):
    """A retry beside a leftover task, or two workers: the job is claimed by one of them."""
    from trygg.lib.jobs import JobState

    job = stored_job(world, status=JobState.QUEUED)
    first = ImportJob.objects.get(pk=job.pk)
    second = ImportJob.objects.get(pk=job.pk)
    assert first.claim() is True
    assert second.claim() is False
    job.refresh_from_db()
    assert job.status == JobState.RUNNING and job.started_at is not None
