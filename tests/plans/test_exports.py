"""The åtgärdsplan as DOCX and PDF, read back: Brå's columns, traffic-light cells, Swedish dates
and numbers, who may download, and the API's links (with a token)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.lib.word import cell_fill
from trygg.plans.actions import record_follow_up
from trygg.plans.models import Cause, Indicator, Measure, Problem

BRÅ = ["Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"]


@pytest.fixture
def full_plan(world, plan, problem, cause, measure):
    """The conftest plan plus a red measure with funding and an indicator under a second
    problem, and a yellow one that works on no cause."""
    school = Problem.objects.create(
        plan=plan, title="Skolan som brottsplats", priority=2, description="Skadegörelse."
    )
    yard = Cause.objects.create(problem=school, title="Skolgården är obevakad kvällstid")
    team = Measure.objects.create(
        plan=plan,
        title="Intensivteamet",
        operational_goal="Metoden utvärderad till 2025.",
        kind="ordinarie",
        responsible_organisation=world.sdf,
        contact_name="Anna Berg",
        starts_on=dt.date(2023, 10, 13),
        ends_on=dt.date(2025, 6, 30),
        status="rod",
        status_reason="Ansökan avslogs.",
        funding_source="Brå",
        funding_amount=1234500,
        funding_state="ansokt",
    )
    team.causes.add(yard)
    team.partners.add(world.police)
    Indicator.objects.create(
        measure=team,
        name="Anmälda skadegörelsebrott",
        baseline="120",
        target_value="90.5",
        target_on=dt.date(2025, 6, 30),
    )
    Measure.objects.create(
        plan=plan,
        title="Information till äldre",
        responsible_organisation=world.police,
        status="gul",
        status_reason="Lokal saknas.",
    )
    record_follow_up(
        measure, on=dt.date(2023, 5, 2), status="gron", text="Bra.", author=world.alice,
        next_follow_up_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    return plan


def _download(client, plan, fmt, **headers):
    return client.get(reverse("plans:plan_export", args=[plan.pk, fmt]), **headers)


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def _docx(alice, plan):
    response = _download(alice, plan, "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="atgardsplan-2023-2024-hagersten-alvsjo.docx"'
    )
    return Document(io.BytesIO(response.content))


def test_docx_is_landscape_a4_with_decision_review_date_and_page_numbers(alice, full_plan):
    document = _docx(alice, full_plan)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert "PAGE" in section.footer._element.xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "Åtgärdsplan 2023–2024, Hägersten-Älvsjö"
    assert "Beslutad av Stadsdelsnämnden den 16 februari 2023" in text
    assert "Ses över senast: 16 februari 2025" in text
    assert "Bygger på lägesbilden: Lägesbild 2022" in text
    assert "3 åtgärder: grön 1, gul 1, röd 1" in text


def test_docx_has_one_brå_table_per_problem_with_coloured_status_cells(alice, full_plan):
    document = _docx(alice, full_plan)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1. Unga samlas och rekryteras",
        "2. Skolan som brottsplats",
        "Åtgärder utan koppling till ett prioriterat problem",
    ]
    assert len(document.tables) == 3
    for table in document.tables:
        assert [c.text for c in table.rows[0].cells] == BRÅ
    walk, team, info = (table.rows[1].cells for table in document.tables)
    assert walk[0].text == "Få vuxna ute på kvällarna"
    assert walk[1].text.startswith("Nattvandring i Liljeholmen\nEngångsinsats")
    assert walk[3].text == "från 1 mars 2023"
    assert walk[4].text == "Bostadsbolaget\nKim Kontakt\nkim@bostadsbolaget.example"
    assert walk[5].text.split("\n") == [
        "Grön – enligt plan",
        "Bra.",  # the follow-up's text became the status reason
        "Följdes upp 2 maj 2023",
        "Nästa uppföljning 1 juni 2023 (förfallet)",
    ]
    assert team[0].text == "Skolgården är obevakad kvällstid"
    assert "Finansiering: Brå, 1\u202f234\u202f500 kr, ansökt" in team[1].text
    assert "Del av ordinarie verksamhet" in team[1].text
    assert "från 120 till 90,5 senast 30 juni 2025" in team[2].text
    assert team[3].text == "13 oktober 2023 – 30 juni 2025"
    assert "Samverkansparter: Polisen" in team[4].text
    assert team[5].text.split("\n") == ["Röd – avviker", "Ansökan avslogs."]
    assert info[0].text == "–" and info[5].text.startswith("Gul – risk för avvikelse")
    fills = [cell_fill(t.rows[1].cells[5]) for t in document.tables]
    assert fills == ["E9F6EC", "FDE8E8", "FFF4D6"]
    assert all(cell_fill(t.rows[1].cells[0]) is None for t in document.tables)


def test_pdf_is_landscape_a4_with_the_same_content(alice, full_plan):
    response = _download(alice, full_plan, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in [
        *BRÅ,
        "Åtgärdsplan 2023–2024, Hägersten-Älvsjö",
        "16 februari 2023",
        "1. Unga samlas och rekryteras",
        "Nattvandring i Liljeholmen",
        "Grön – enligt plan",
        "Röd – avviker",
        "Ansökan avslogs.",
        "13 oktober 2023 – 30 juni 2025",
        "sida 1 / ",
    ]:
        assert expected in text, expected


def test_the_plan_page_offers_both_downloads(alice, full_plan):
    page = alice.get(full_plan.get_absolute_url()).content.decode()
    assert reverse("plans:plan_export", args=[full_plan.pk, "docx"]) in page
    assert reverse("plans:plan_export", args=[full_plan.pk, "pdf"]) in page


def test_an_unknown_format_is_not_found(alice, plan):
    assert _download(alice, plan, "pptx").status_code == 404


@pytest.mark.parametrize(
    ("actor", "status"), [("bob", 200), ("carol", 200), ("dave", 403), ("erin", 403)]
)
def test_downloads_follow_the_plan_page(client, world, plan, actor, status):
    client.force_login(getattr(world, actor))
    assert client.get(plan.get_absolute_url()).status_code == status
    assert _download(client, plan, "docx").status_code == status


def test_anonymous_users_are_sent_to_log_in(client, plan):
    response = _download(client, plan, "pdf")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_the_api_links_download_with_a_token(world, full_plan):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(world.carol)}")
    [found] = api.get("/api/v1/action-plans/").json()["results"]
    path = reverse("plans:plan_export", args=[full_plan.pk, "docx"])
    assert found["exports"] == {
        "docx": f"http://testserver{path}",
        "pdf": f"http://testserver{path[: -len('docx')]}pdf",
    }
    response = api.get(found["exports"]["docx"])
    assert response.status_code == 200
    assert [c.text for c in Document(io.BytesIO(response.content)).tables[0].rows[0].cells] == BRÅ
    assert api.get(found["exports"]["pdf"]).content.startswith(b"%PDF")


def test_a_token_does_not_open_other_areas_plans(world, plan):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(world.dave)}")
    assert api.get(reverse("plans:plan_export", args=[plan.pk, "pdf"])).status_code == 403


def test_a_wrong_token_is_refused(world, plan):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api.get(reverse("plans:plan_export", args=[plan.pk, "docx"]))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_the_schema_documents_the_export_links(world):
    api = APIClient()
    api.force_authenticate(world.alice)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    plan = schema["components"]["schemas"]["ActionPlan"]["properties"]["exports"]
    assert plan["allOf"][0]["$ref"].endswith("/DocumentLinks") or plan["$ref"].endswith(
        "/DocumentLinks"
    )
    links = schema["components"]["schemas"]["DocumentLinks"]["properties"]
    assert set(links) == {"docx", "pdf"}


def test_an_empty_draft_plan_exports_with_its_status(alice, world):
    from trygg.plans.models import ActionPlan

    draft = ActionPlan.objects.create(
        title="Åtgärdsplan 2025", area=world.district,
        period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
    )  # fmt: skip
    text = "\n".join(p.text for p in _docx_of(alice, draft).paragraphs)
    assert "Status: Utkast" in text and "Ses över senast: –" in text
    assert "0 åtgärder: grön 0, gul 0, röd 0" in text
    assert _download(alice, draft, "pdf").content.startswith(b"%PDF")


def _docx_of(client, plan):
    response = _download(client, plan, "docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def test_the_document_is_swedish_when_the_pages_are_in_english(alice, full_plan, settings):
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Measures" in alice.get(full_plan.get_absolute_url()).content.decode()
    document = _docx_of(alice, full_plan)
    assert [c.text for c in document.tables[0].rows[0].cells] == BRÅ
    assert document.tables[0].rows[1].cells[5].text.startswith("Grön – enligt plan")
