"""A coordinator exports a lägesbild as PDF: the job page follows the export and offers the file."""

import datetime as dt

import pytest

from tests.browser.conftest import serious_violations
from tests.browser.test_import_jobs import sign_in
from tests.reports.conftest import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved(live_server, world):
    from trygg.reports import actions
    from trygg.reports.models import BlockKind, Section

    report = make_report(
        world,
        "Lägesbild 2022",
        (
            Section.ANALYS,
            BlockKind.TEXT,
            "Västberga",
            "Problem med missbrukare vid Västberga Gårdsväg.",
        ),
        period_end=dt.date(2022, 8, 31),
    )
    return actions.approve(
        world.alice, report, body="Lokala brottsförebyggande rådet", day=dt.date(2022, 12, 8)
    )


def test_clicking_pdf_leads_to_the_download(live_server, page, approved):
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{approved.get_absolute_url()}")
    page.get_by_role("link", name="PDF").click()
    page.wait_for_url("**/export/*/")
    link = page.get_by_role("link", name="Ladda ned")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "lagesbild-2022-v1.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
    assert serious_violations(page) == []


def test_the_job_page_polls_until_the_file_is_ready(live_server, page, world, approved):
    from trygg.reports.jobs import run_export_job
    from trygg.reports.models import ExportJob

    job = ExportJob.objects.create(report=approved, format="pdf", requested_by=world.alice)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    assert page.get_by_role("progressbar").is_visible()
    assert page.get_by_text("Väntar på sin tur").is_visible()
    assert serious_violations(page) == []

    run_export_job(job.pk)  # what the worker does; the page polls and then offers the file
    page.get_by_role("link", name="Ladda ned").wait_for(timeout=30_000)
    assert page.get_by_role("progressbar").count() == 0
    assert page.get_by_text("Filen är klar.").is_visible()
