"""A coordinator uploads a file and follows the import job to its result."""

import pytest

from tests.browser.conftest import serious_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "\ufeffkategori;tidpunkt;område;latitud;longitud;beskrivning\r\n"
    "klotter;2023-09-14 21:30;Liljeholmen;;;Nytt klotter vid entrén\r\n"
    "skadegorelse;14/9 2023;;59,3105;18,0235;Krossad ruta\r\n"
    "okänd;2023-09-14;Liljeholmen;;;\r\n"
)


@pytest.fixture
def site(live_server, settings, tmp_path, world):
    from trygg.incidents.defaults import ensure_default_categories
    from trygg.incidents.models import Category

    ensure_default_categories(Category)  # a transactional test's flush removed the migration's
    settings.MEDIA_ROOT = tmp_path
    return live_server


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base_url}/")


def upload(page, base_url, content, *, skip_invalid=False):
    page.goto(f"{base_url}/handelser/importera/")
    page.get_by_label("Fil", exact=True).set_input_files(
        files=[{"name": "rapport.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    if skip_invalid:
        page.get_by_label("Importera de giltiga raderna").check()
    page.get_by_role("button", name="Importera", exact=True).click()
    page.wait_for_url("**/handelser/importera/*/")


def test_upload_shows_every_bad_row_then_the_fixed_file_imports(site, page):
    sign_in(page, site.url, "alice")
    upload(page, site.url, CSV)
    assert page.get_by_role("heading", name="Ingenting importerades").is_visible()
    assert page.get_by_role("cell", name="4", exact=True).first.is_visible()  # the line
    assert page.get_by_role("cell", name="kategori", exact=True).first.is_visible()
    assert page.get_by_role("cell", name="okänd kategori ”okänd”").is_visible()
    assert serious_violations(page) == []

    fixed = CSV.replace("okänd", "klotter")
    upload(page, site.url, fixed)
    assert page.get_by_text("3 händelser importerades").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Importera en annan fil").click()
    assert page.get_by_role("link", name="rapport.csv").count() == 2  # both jobs listed


def test_the_job_page_shows_progress_and_then_the_result(site, page):
    from django.core.files.base import ContentFile

    from trygg.accounts.models import User
    from trygg.incidents.imports.jobs import run_import_job
    from trygg.incidents.models import ImportJob

    user = User.objects.get(username="alice")
    job = ImportJob.objects.create(user=user, filename="rapport.csv", rows_total=3)
    job.file.save("rapport.csv", ContentFile(CSV.replace("okänd", "klotter").encode()))
    sign_in(page, site.url, "alice")
    page.goto(f"{site.url}/handelser/importera/{job.pk}/")
    assert page.get_by_role("progressbar").is_visible()
    assert page.get_by_text("Väntar på sin tur").is_visible()
    assert serious_violations(page) == []

    run_import_job(job.pk)  # what the worker does; the page polls and then shows the result
    job.refresh_from_db()
    assert job.status == "done", job.result
    page.get_by_text("3 händelser importerades").wait_for(timeout=30_000)
    assert page.get_by_role("progressbar").count() == 0
