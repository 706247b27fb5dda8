"""Large exports as background jobs: progress per block, the same file as a direct export, a
recorded failure, cached files of approved versions, and who may fetch what."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from trygg.reports import jobs
from trygg.reports.content import document
from trygg.reports.exports import EXPORTERS, is_large
from trygg.reports.models import BlockKind, ExportJob, ReportBlock


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


@pytest.fixture
def all_large(settings):
    """Every DOCX and PPTX counts as large, as a report with many charts would."""
    settings.TRYGG_EXPORT_DIRECT_CHARTS = 0


def _structure(fmt, content):
    """What a reader sees: headings, paragraphs and tables; slides, their texts and notes."""
    if fmt == "docx":
        doc = Document(io.BytesIO(content))
        return (
            [p.text for p in doc.paragraphs],
            [[c.text for c in row.cells] for t in doc.tables for row in t.rows],
            len(doc.inline_shapes),
        )
    if fmt == "pptx":
        deck = Presentation(io.BytesIO(content))
        return [
            (
                [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame],
                [
                    c.text
                    for s in slide.shapes
                    if s.has_table
                    for r in s.table.rows
                    for c in r.cells
                ],
                slide.notes_slide.notes_text_frame.text,
            )
            for slide in deck.slides
        ]
    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


@pytest.mark.parametrize("fmt", ["docx", "pptx", "pdf"])
def test_job_makes_the_same_file_as_a_direct_export(world, alice, approved, all_large, fmt):
    response = alice.get(reverse("reports:export", args=[approved.pk, fmt]))
    assert response.status_code == 303
    job = ExportJob.objects.get(report=approved, format=fmt)
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ExportJob.State.DONE, job.error
    assert job.requested_by == world.alice
    blocks = approved.blocks.count()
    assert job.steps_total == blocks + (2 if fmt == "pdf" else 1)
    assert job.steps_done == job.steps_total and job.percent == 100
    assert job.filename.endswith(f"-v1.{fmt}") and job.size == len(job.content)

    page = alice.get(job.get_absolute_url()).content.decode()
    file_url = reverse("reports:export_job_file", args=[approved.pk, job.pk])
    assert f'href="{file_url}"' in page and "Ladda ned" in page
    response = alice.get(file_url)
    assert response["Content-Type"] == EXPORTERS[fmt].content_type
    assert f'filename="{job.filename}"' in response["Content-Disposition"]
    direct = EXPORTERS[fmt].export(document(approved))
    assert _structure(fmt, response.content) == _structure(fmt, direct)


@pytest.mark.parametrize("fmt", ["docx", "pptx", "pdf"])
def test_progress_is_written_block_by_block_from_zero_to_the_total(world, approved, fmt):
    job = ExportJob.objects.create(report=approved, format=fmt, requested_by=world.alice)
    assert (job.steps_done, job.percent) == (0, 0)
    doc = document(approved)
    total = EXPORTERS[fmt].steps(doc)
    writer = jobs._Progress(job)
    seen = []

    def progress(done, steps):
        writer(done, steps)
        seen.append(ExportJob.objects.values_list("steps_done", "steps_total").get(pk=job.pk))

    EXPORTERS[fmt].export(doc, progress)
    assert seen == [(n, total) for n in range(1, total + 1)]


def test_a_failing_export_is_recorded_and_shown_in_swedish(world, alice, approved):
    block = approved.blocks.get(kind=BlockKind.COUNTS)
    broken = dict(block.frozen, chart={"type": "paj", "labels": ["x"]})
    ReportBlock.objects.filter(pk=block.pk).update(frozen=broken)

    response = alice.get(reverse("reports:export", args=[approved.pk, "pdf"]))
    job = ExportJob.objects.get(report=approved)
    assert response.status_code == 303
    assert job.status == ExportJob.State.FAILED
    assert job.finished_at is not None and job.content is None
    assert job.error.startswith("Exporten avbröts av ett internt fel.")
    page = alice.get(job.get_absolute_url()).content.decode()
    assert "Exporten misslyckades" in page and "Försök igen" in page
    status = alice.get(reverse("reports:export_job_status", args=[approved.pk, job.pk])).json()
    assert status["finished"] and status["status"] == "failed" and status["download_url"] is None
    file_url = reverse("reports:export_job_file", args=[approved.pk, job.pk])
    assert alice.get(file_url).status_code == 404


def test_small_exports_answer_directly_and_the_threshold_is_a_setting(
    world, alice, approved, settings
):
    assert not is_large(approved, "docx") and is_large(approved, "pdf")
    response = alice.get(reverse("reports:export", args=[approved.pk, "docx"]))
    assert response.status_code == 200 and not ExportJob.objects.exists()
    settings.TRYGG_EXPORT_DIRECT_CHARTS = 2  # the report draws three charts
    response = alice.get(reverse("reports:export", args=[approved.pk, "docx"]))
    assert response.status_code == 303 and ExportJob.objects.count() == 1


def test_an_approved_versions_file_is_served_again_a_drafts_is_made_anew(
    world, alice, report, approved
):
    from django.test import Client

    client = Client()  # another reader beside alice
    first = alice.get(reverse("reports:export", args=[approved.pk, "pdf"]))
    job = ExportJob.objects.get()
    again = alice.get(reverse("reports:export", args=[approved.pk, "pdf"]))
    assert first.status_code == 303 and again.status_code == 200
    assert again.content == bytes(job.content)
    assert ExportJob.objects.count() == 1
    # Another reader of the area gets the same frozen file, and may open the job.
    client.force_login(world.bob)
    assert client.get(reverse("reports:export", args=[approved.pk, "pdf"])).content == again.content
    assert client.get(job.get_absolute_url()).status_code == 200

    from trygg.reports import actions

    draft = actions.new_version(world.alice, approved)
    for _n in range(2):
        assert alice.get(reverse("reports:export", args=[draft.pk, "pdf"])).status_code == 303
    draft_jobs = ExportJob.objects.filter(report=draft)
    assert draft_jobs.count() == 2
    # A draft's file was made with its requester's view of the live data: theirs alone.
    assert client.get(draft_jobs.first().get_absolute_url()).status_code == 404
    # Someone outside the area reads neither.
    client.force_login(world.dave)
    assert client.get(job.get_absolute_url()).status_code == 403


def test_a_queued_job_is_followed_rather_than_started_again(world, alice, approved):
    queued = ExportJob.objects.create(report=approved, format="pdf", requested_by=world.alice)
    response = alice.get(reverse("reports:export", args=[approved.pk, "pdf"]))
    assert response["Location"] == queued.get_absolute_url()
    assert ExportJob.objects.count() == 1
    page = alice.get(queued.get_absolute_url()).content.decode()
    assert "Väntar på sin tur" in page and "<progress" in page
    assert 'data-steps-template="Steg %(done)s av %(total)s"' in page  # for the script


def test_a_json_client_gets_202_and_polls_to_the_file(world, alice, approved):
    response = alice.get(
        reverse("reports:export", args=[approved.pk, "pdf"]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    job = ExportJob.objects.get()
    assert response["Location"] == f"http://testserver{job.get_absolute_url()}"
    assert body["status_url"].endswith(
        reverse("reports:export_job_status", args=[approved.pk, job.pk])
    )
    status = alice.get(body["status_url"]).json()
    assert status["finished"] and status["percent"] == 100
    pdf = alice.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_old_finished_jobs_are_deleted_when_a_new_one_starts(world, approved):
    import datetime as dt

    from django.utils import timezone

    old = jobs.start_export_job(approved, "pdf", world.alice)
    ExportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=jobs.KEEP_DAYS + 1)
    )
    lost = ExportJob.objects.create(report=approved, format="docx")  # its worker was stopped
    ExportJob.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - dt.timedelta(days=jobs.KEEP_DAYS + 1)
    )
    recent = ExportJob.objects.create(report=approved, format="pptx")
    new = jobs.start_export_job(approved, "pdf", world.alice)
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}


def test_admin_shows_jobs_without_their_files(admin_client, world, approved):
    job = jobs.start_export_job(approved, "pdf", world.alice)
    listing = admin_client.get(reverse("admin:reports_exportjob_changelist"))
    assert listing.status_code == 200 and "pdf" in listing.content.decode()
    detail = admin_client.get(reverse("admin:reports_exportjob_change", args=[job.pk]))
    assert detail.status_code == 200 and job.filename in detail.content.decode()


def test_a_job_without_a_requester_has_the_figures_every_reader_sees(world, report, incidents):
    # A document's figures come from the report's own scope, not the requester's: a job that
    # names nobody exports the same figures the report page shows (it used to fail on None,
    # then to leave them out).
    job = ExportJob.objects.create(report=report, format="docx")
    jobs.run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.State.DONE, job.error
    texts = [p.text for p in Document(io.BytesIO(job.content)).paragraphs]
    assert "Du får inte se uppgifterna bakom den här figuren." not in texts
    document = Document(io.BytesIO(job.content))
    assert document.tables, "the counts block's table is in the file"


def test_an_export_whose_worker_stopped_is_failed_and_made_again_from_its_page(
    world, alice, approved
):
    import datetime as dt

    from django.utils import timezone

    from trygg.lib.jobs import fail_stale_jobs

    long_ago = timezone.now() - dt.timedelta(minutes=30)
    job = ExportJob.objects.create(
        report=approved,
        format="pdf",
        requested_by=world.alice,
        status=ExportJob.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        steps_done=1,
        steps_total=5,
    )
    assert [stale.pk for stale in fail_stale_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.status == ExportJob.State.FAILED and "slutade svara" in job.error
    page = alice.get(job.get_absolute_url()).content.decode()
    retry_url = reverse("reports:export_job_retry", args=[approved.pk, job.pk])
    assert "slutade svara" in page and retry_url in page
    response = alice.post(retry_url)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ExportJob.State.DONE and job.error == ""
    assert job.steps_done == job.steps_total and job.content
    assert alice.post(retry_url).status_code == 302  # done: nothing to start again
    job.refresh_from_db()
    assert job.status == ExportJob.State.DONE
