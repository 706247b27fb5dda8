"""The exports read back with python-docx, python-pptx and pypdf: same content, frozen numbers."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from tests.reports.conftest import download
from trygg.analysis.charts import swedish_number
from trygg.incidents.models import Incident
from trygg.reports.actions import ordered_blocks
from trygg.reports.models import BlockKind, ExportJob


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


_download = download


def _frozen_total(report):
    block = report.blocks.get(kind=BlockKind.COUNTS)
    return block.frozen["rows"][-1]  # ["Totalt", n1, n2]


def test_docx_has_headings_toc_tables_charts_and_page_numbers(world, alice, approved):
    document = Document(io.BytesIO(_download(alice, approved, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Kartläggning" in headings and "3. Analys" in headings
    assert "Anmälda brott per kategori och rapportår" in headings
    assert "Västberga" in headings
    xml = document.element.xml
    assert "TOC \\o" in xml
    assert "PAGE" in document.sections[0].footer._element.xml
    assert len(document.inline_shapes) == 3  # counts, changes, weekday × hour
    total = _frozen_total(approved)
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Totalt", *[swedish_number(n) for n in total[1:]]] in cells
    assert "15 september 2023" in "\n".join(p.text for p in document.paragraphs)


def test_pptx_is_16_9_with_one_slide_per_block_and_numbers_in_the_notes(world, alice, approved):
    deck = Presentation(io.BytesIO(_download(alice, approved, "pptx")))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    blocks = ordered_blocks(approved)
    assert len(deck.slides) == 1 + len(blocks)
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[0] == approved.title
    assert titles[1:] == [b.title for b in blocks]
    counts_slide = deck.slides[1 + [b.kind for b in blocks].index(BlockKind.COUNTS)]
    assert any(shape.shape_type == 13 for shape in counts_slide.shapes)  # a picture
    notes = counts_slide.notes_slide.notes_text_frame.text
    total = _frozen_total(approved)
    assert "Totalt | " + " | ".join(swedish_number(n) for n in total[1:]) in notes
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width + 1
            assert shape.top + shape.height <= deck.slide_height + 1


def test_pdf_is_a4_with_the_same_content(world, alice, approved):
    content = _download(alice, approved, "pdf")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Kartläggning" in text and "Västberga" in text
    total = _frozen_total(approved)
    assert swedish_number(total[1]) in text


@pytest.mark.parametrize("fmt", ["docx", "pptx", "pdf"])
def test_exports_keep_the_frozen_numbers_after_live_data_changes(world, alice, approved, fmt):
    before = _download(alice, approved, fmt)
    Incident.objects.filter(
        pk__in=list(Incident.objects.values_list("pk", flat=True)[::2])
    ).delete()
    ExportJob.objects.all().delete()  # render again rather than serve the cached file
    after = _download(alice, approved, fmt)

    def numbers(content: bytes) -> str:
        if fmt == "docx":
            document = Document(io.BytesIO(content))
            return str([[c.text for c in r.cells] for t in document.tables for r in t.rows])
        if fmt == "pptx":
            deck = Presentation(io.BytesIO(content))
            return str([s.notes_slide.notes_text_frame.text for s in deck.slides])
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)

    assert numbers(after) == numbers(before)


def test_exports_need_read_access(world, client, approved):
    client.force_login(world.dave)
    assert client.get(reverse("reports:export", args=[approved.pk, "docx"])).status_code == 403
    client.force_login(world.alice)
    assert client.get(reverse("reports:export", args=[approved.pk, "odt"])).status_code == 404


@pytest.mark.parametrize("with_text", [False, True])
def test_a_long_table_goes_on_over_more_slides_and_keeps_every_row(world, approved, with_text):
    from trygg.reports.content import BlockView, DocumentView, SectionView
    from trygg.reports.exports import pptx as pptx_export

    block = ordered_blocks(approved)[0]
    block.text = "Tabellen nedan listar alla platser." if with_text else ""
    figure = {"headers": ["Plats", "Händelser"], "rows": [[f"Plats {n:02d}", n] for n in range(40)]}
    doc = DocumentView(
        approved, [SectionView("analys", "3. Analys", [BlockView(block, figure, None)])]
    )
    deck = Presentation(io.BytesIO(pptx_export.render(doc)))

    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[1] == block.title
    assert titles[2:] == [f"{block.title} (forts.)"] * (len(titles) - 2)
    shown = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows = list(shape.table.rows)
                assert [c.text for c in rows[0].cells] == ["Plats", "Händelser"]
                shown += [row.cells[0].text for row in rows[1:]]
    assert shown == [f"Plats {n:02d}" for n in range(40)]  # none left out, in order
    assert "Plats 39" in deck.slides[1].notes_slide.notes_text_frame.text
