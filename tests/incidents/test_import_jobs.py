"""Import jobs: upload, the task, progress, the result page, who may see them."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from trygg.incidents.imports import jobs
from trygg.incidents.models import ImportJob, Incident, IncidentRollup

pytestmark = pytest.mark.django_db
HEADER = "kategori;tidpunkt;område;beskrivning"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(*lines, name="rapport.csv"):
    file = io.BytesIO(("\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n").encode())
    file.name = name
    return file


def post(client, file, **fields):
    return client.post(reverse("incidents:import"), {"file": file, **fields})


def test_upload_runs_a_job_and_redirects_to_its_result(client, world):
    client.force_login(world.alice)
    response = post(
        client,
        upload("klotter;2023-09-14 21:30;Liljeholmen;Tags", "stold;14/9 2023;Liljeholmen;"),
        organisation=world.sdf.pk,
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:import_job", args=[job.pk])
    assert job.status == ImportJob.State.DONE
    assert job.user == world.alice and job.organisation == world.sdf
    assert job.rows_total == job.rows_processed == 2
    assert job.result["created"] == 2 and job.result["written"] is True
    assert job.started_at <= job.finished_at
    assert not job.file  # the upload is not kept
    assert Incident.objects.filter(organisation=world.sdf).count() == 2
    assert sum(IncidentRollup.objects.values_list("count", flat=True)) == 2

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "2" in html and "job-progress.js" not in html  # finished: no polling
    listing = client.get(reverse("incidents:import")).content.decode()
    assert "rapport.csv" in listing and response["Location"] in listing


def test_a_bad_file_imports_nothing_and_lists_every_bad_row(client, world):
    client.force_login(world.alice)
    response = post(
        client,
        upload(
            "klotter;2023-09-14;Liljeholmen;",
            "okänd;2023-09-14;Liljeholmen;",
            "klotter;igår;Liljeholmen;",
            "klotter;2023-09-14;Liljeholmen;Mannen 811228-9874",
        ),
        organisation=world.sdf.pk,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.FAILED
    found = {(p["line"], p["column"]) for p in job.result["problems"]}
    assert found == {(3, "kategori"), (4, "tidpunkt"), (5, "beskrivning")}
    assert Incident.objects.count() == 0
    html = client.get(response["Location"]).content.decode()
    assert "okänd" in html and "igår" in html and "beskrivning" in html
    assert "811228-9874" not in html  # the message names the column, never the number

    download = client.get(reverse("incidents:import_job_problems", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert {tuple(r[:2]) for r in rows[1:]} == {("3", "kategori"), ("4", "tidpunkt"),
                                                ("5", "beskrivning")}  # fmt: skip
    assert len(rows) - 1 == len(job.result["problems"])  # every one, nothing lost


def test_skip_invalid_and_dry_run_reach_the_import(client, world):
    client.force_login(world.alice)
    lines = ("klotter;2023-09-14;Liljeholmen;", "okänd;2023-09-14;Liljeholmen;")
    post(client, upload(*lines), organisation=world.sdf.pk, skip_invalid="on", dry_run="on")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.DONE
    assert job.result["dry_run"] is True and job.result["written"] is False
    assert job.result["created"] == 1 and job.result["problems"][0]["line"] == 3
    assert Incident.objects.count() == 0


def test_an_unreadable_file_fails_with_the_reason(client, world):
    client.force_login(world.alice)
    post(client, upload(name="gammal.xls"))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.FAILED and "xls" in job.result["failure"]


def test_the_police_feed_runs_as_a_job(client, world, fixtures_dir):
    import gzip

    lines = gzip.decompress((fixtures_dir / "polisen-events-2023-2025.jsonl.gz").read_bytes())
    file = io.BytesIO(gzip.compress(b"\n".join(lines.splitlines()[:50])))
    file.name = "events.jsonl.gz"
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="admin", is_superuser=True))  # the whole country
    post(client, file)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.DONE and job.format == "polisen"
    assert job.result["created"] + job.result["skipped"] == 50


def test_progress_endpoint(client, world):
    job = ImportJob.objects.create(
        user=world.alice, filename="stor.csv", rows_total=1000, rows_processed=250,
        status=ImportJob.State.RUNNING,
    )  # fmt: skip
    client.force_login(world.alice)
    status = client.get(reverse("incidents:import_job_status", args=[job.pk])).json()
    assert status == {
        "status": "running", "status_label": status["status_label"], "rows_total": 1000,
        "rows_processed": 250, "percent": 25, "finished": False,
    }  # fmt: skip
    page = client.get(reverse("incidents:import_job", args=[job.pk])).content.decode()
    assert "job-progress.js" in page and 'value="25"' in page


def test_progress_is_recorded_while_the_job_runs(world, monkeypatch):
    seen = []
    original = jobs._Progress.__call__

    def spy(self, done, total):
        original(self, done, total)
        # The job as the worker holds it, not a query: on PostgreSQL the import's COPY is
        # open on this connection while it reports progress.
        seen.append((self.job.status, done, total))

    monkeypatch.setattr(jobs._Progress, "__call__", spy)
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)
    job = ImportJob.objects.create(user=world.alice, organisation=world.sdf, filename="r.csv")
    job.file.save("r.csv", ContentFile(upload("klotter;2023-09-14;Liljeholmen;").read()))
    jobs.run_import_job(job.pk)
    assert seen[0] == ("running", 0, 1)  # read: one row to check
    assert all(status == "running" for status, _done, _total in seen)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_processed == 1


def test_a_job_runs_once(world):
    job = ImportJob.objects.create(user=world.alice, filename="r.csv")
    job.file.save("r.csv", ContentFile(upload("klotter;2023-09-14;Liljeholmen;").read()))
    jobs.run_import_job(job.pk)
    jobs.run_import_job(job.pk)
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        ("alice", True),  # the owner
        ("dave", False),  # a coordinator elsewhere
        ("bob", False),  # a reporter in the organisation's area
        ("carol", False),  # an analyst, not a coordinator
        ("erin", False),
    ],
)
def test_who_sees_a_job(client, world, actor, sees):
    job = ImportJob.objects.create(user=world.alice, organisation=world.sdf, filename="r.csv")
    client.force_login(getattr(world, actor))
    for name in ("import_job", "import_job_status", "import_job_problems"):
        response = client.get(reverse(f"incidents:{name}", args=[job.pk]))
        assert response.status_code == (200 if sees else 403), name


def test_coordinators_of_the_organisations_area_see_a_colleagues_job(client, world):
    from tests.factories import MembershipFactory, UserFactory
    from trygg.accounts.models import Role

    colleague = UserFactory(username="frida")
    MembershipFactory(
        user=colleague, organisation=world.police, role=Role.ANALYTIKER, area=world.district
    )
    job = ImportJob.objects.create(user=colleague, organisation=world.housing, filename="r.csv")
    client.force_login(world.alice)  # coordinates Hägersten-Älvsjö, where the housing company is
    assert client.get(reverse("incidents:import_job", args=[job.pk])).status_code == 200
    client.force_login(world.dave)
    assert client.get(reverse("incidents:import_job", args=[job.pk])).status_code == 403


def test_reporters_cannot_upload(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("incidents:import")).status_code == 403
    assert post(client, upload("klotter;2023-09-14;Liljeholmen;")).status_code == 403
    assert not ImportJob.objects.exists()


def test_the_import_page_lists_only_the_users_own_recent_jobs(client, world):
    ImportJob.objects.create(user=world.alice, filename="mina.csv")
    ImportJob.objects.create(user=world.dave, filename="andras.csv")
    client.force_login(world.alice)
    html = client.get(reverse("incidents:import")).content.decode()
    assert "mina.csv" in html and "andras.csv" not in html


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_progress_shows_while_rows_are_written(world, monkeypatch):
    """Rows are written in one transaction; the page, on another connection, still sees them
    counted (PostgreSQL only: SQLite has a single writer, see jobs._Progress)."""
    from django.db import connections

    from trygg.incidents.defaults import ensure_default_categories
    from trygg.incidents.imports import tables
    from trygg.incidents.models import Category

    main = connections["default"]
    if main.vendor != "postgresql":
        pytest.skip("progress during the write transaction needs a second writer")
    ensure_default_categories(Category)  # the transactional flush removed the migration's
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)
    observer = type(main)(main.settings_dict.copy(), "default")
    seen = []
    original = jobs._Progress.__call__

    def spy(self, done, total):
        original(self, done, total)
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT rows_processed FROM incidents_importjob WHERE id = %s", [self.job.pk]
            )
            seen.append((main.in_atomic_block, cursor.fetchone()[0]))

    monkeypatch.setattr(jobs._Progress, "__call__", spy)
    job = ImportJob.objects.create(user=world.alice, organisation=world.sdf, filename="r.csv")
    lines = [f"klotter;2023-09-{d:02d};Liljeholmen;" for d in range(1, 6)]
    job.file.save("r.csv", ContentFile(upload(*lines).read()))
    try:
        jobs.run_import_job(job.pk)
    finally:
        observer.close()
    written = [rows for in_transaction, rows in seen if in_transaction]
    assert written == [2, 4, 5]  # seen from outside while the transaction was open
    assert Incident.objects.count() == 5
