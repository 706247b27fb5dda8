"""The demo lägesbild: the seed's sections, approved with frozen figures, and a draft."""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from pptx import Presentation

from tests.reports.conftest import download
from trygg.accounts.models import User
from trygg.compliance.duties import Status, checklist
from trygg.places.models import Area
from trygg.reports.actions import ordered_blocks
from trygg.reports.models import BlockKind, ReportStatus, SituationReport

pytestmark = pytest.mark.django_db(transaction=True)

SEED_TITLES = [
    "Polisens statistik: anmälda brott per rapportår",
    "Framtagande av lokal lägesbild",
    "Sammanfattning utifrån enkät och övrig inkommen information",
    "Västberga",
    "Älvsjö/Solberga",
    "Fruängen",
    "Liljeholmen",
    "Långbro",
    "Prioriterade områden och insatser",
    "Stadsövergripande prioriterade samverkansområden",
    "Kommande möten",
]


def test_demo_lagesbild_is_approved_exports_and_has_a_draft():
    call_command("demo", stdout=StringIO())
    approved = SituationReport.objects.get(
        title="Lägesbild 2022 och handlingsplan 2023, Hägersten-Älvsjö"
    )
    assert approved.status == ReportStatus.GODKAND
    assert approved.approved_at == dt.date(2022, 12, 8)
    titles = [b.title for b in ordered_blocks(approved)]
    for title in SEED_TITLES:
        assert title in titles
    assert all(b.frozen for b in approved.blocks.all() if b.is_figure)
    statistics = approved.blocks.get(kind=BlockKind.STATISTICS).frozen
    assert statistics["headers"][1:] == ["2019/20", "2020/21", "2021/22"]
    meeting = approved.blocks.get(kind=BlockKind.NEXT_MEETING).frozen
    assert "13 oktober 2023" in meeting["rows"][0][1]
    assert "Paddan" in meeting["rows"][0][2]

    measures = approved.blocks.get(kind=BlockKind.MEASURES).frozen
    lights = dict(zip((row[1] for row in measures["rows"]), measures["statuses"], strict=True))
    assert lights["Samverkan Fokus Älvsjö/Solberga"] == "gron"
    assert lights["En väg in – rutin för avhoppare"] == "rod"
    assert lights["Ökad trygghet i Resecentrum"] == "gul"

    draft = SituationReport.objects.get(replaces=approved)
    assert (draft.status, draft.version) == (ReportStatus.UTKAST, 2)

    # The checklist: the lägesbild is fulfilled in the seed's autumn.
    district = Area.objects.get(name="Hägersten-Älvsjö")
    duties = {d.key: d for d in checklist(district, dt.date(2023, 9, 29))}
    assert duties["lagesbild"].status == Status.UPPFYLLT

    client = Client()
    client.force_login(User.objects.get(username="samordnare"))
    assert client.get(approved.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:versions", args=[draft.pk])).status_code == 200
    for fmt in ("docx", "pptx", "pdf"):
        content = download(client, approved, fmt)
        if fmt == "pptx":
            deck = Presentation(io.BytesIO(content))
            assert len(deck.slides) == 1 + approved.blocks.count()
            slide = next(
                s for s in deck.slides if s.shapes.title.text == "Prioriterade områden och insatser"
            )
            table = next(shape.table for shape in slide.shapes if shape.has_table)
            cells = [cell.text for row in table.rows for cell in row.cells]
            assert "● Röd: avviker" in cells and "Unga i risk för kriminalitet" in cells
        if fmt == "docx":
            document = Document(io.BytesIO(content))
            headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
            assert "Västberga" in headings
