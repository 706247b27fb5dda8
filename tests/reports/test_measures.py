"""The measures block: the action plan's priorities and measures with traffic lights, live in a
draft, frozen on approval, in the page and every export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from tests.reports.conftest import download
from trygg.plans.models import Measure
from trygg.reports import actions
from trygg.reports.compare import compare
from trygg.reports.figures import block_figure
from trygg.reports.models import BlockKind, ExportJob

LIGHTS = {
    "SSPF": "Grön: enligt plan",
    "Samverkan Fokus Älvsjö": "Gul: risk för avvikelse",
    "En väg in": "Röd: avviker",
}


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def _block(report):
    block = report.blocks.get(kind=BlockKind.MEASURES)
    block.report = report
    return block


def _approve(world, report):
    return actions.approve(
        world.alice, report, body="Lokala brottsförebyggande rådet", day=dt.date(2023, 9, 15)
    )


def test_measures_are_grouped_by_priority_with_their_lights(world, measures_report):
    figure, error = block_figure(_block(measures_report))
    assert error is None
    rows = [(row[0], row[1], row[3]) for row in figure["rows"]]
    assert rows == [
        (
            "Unga i risk för kriminalitet",
            "Samverkan Fokus Älvsjö",
            LIGHTS["Samverkan Fokus Älvsjö"],
        ),
        ("Unga i risk för kriminalitet", "SSPF", LIGHTS["SSPF"]),
        ("Utsatta platser", "Samverkan Fokus Älvsjö", LIGHTS["Samverkan Fokus Älvsjö"]),
        ("Övriga insatser", "En väg in", LIGHTS["En väg in"]),
    ]
    assert figure["statuses"] == ["gul", "gron", "gul", "rod"]
    assert figure["rows"][3][4] == "Rutinen är inte förankrad"
    assert "Åtgärdsplan 2023–2024" in figure["note"]


def test_page_shows_the_lights(world, alice, measures_report):
    html = alice.get(measures_report.get_absolute_url()).content.decode()
    assert 'class="status status--rod">Röd: avviker</span>' in html
    assert 'scope="colgroup" colspan="4">Utsatta platser</th>' in html


def test_without_a_plan_the_block_says_so_and_approval_is_refused(world, measures_report):
    from trygg.plans.models import ActionPlan

    ActionPlan.objects.update(status="utkast")  # no decided plan for the area any more
    figure, error = block_figure(_block(measures_report))
    assert figure is None
    assert error == "Ingen åtgärdsplan finns för området."
    with pytest.raises(actions.WorkflowError):
        _approve(world, measures_report)


def test_the_plan_based_on_the_lagesbild_is_preferred(world, measures_report, action_plan):
    from trygg.plans.models import ActionPlan

    other = ActionPlan.objects.create(
        title="Äldre plan",
        area=world.district,
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2021, 12, 31),
        status="utkast",
        situation_report=measures_report,
    )
    other.measures.create(title="Trygghetsvandring", responsible_organisation=world.sdf)
    figure, _error = block_figure(_block(measures_report))
    assert [row[1] for row in figure["rows"]] == ["Trygghetsvandring"]


def _docx_measures(content):
    document = Document(io.BytesIO(content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Åtgärd")
    found = {}
    for row in table.rows[1:]:
        cells = row.cells
        if cells[0]._tc is cells[-1]._tc:  # a priority across the table
            continue
        fill = cells[2]._tc.tcPr.xpath("./w:shd/@w:fill")
        found[cells[0].text] = (cells[2].text, fill[0] if fill else None)
    return found


def _pptx_measures(content):
    deck = Presentation(io.BytesIO(content))
    slide = next(
        s for s in deck.slides if s.shapes.title.text == "Prioriterade områden och insatser"
    )
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    found = {}
    for row in list(table.rows)[1:]:
        cells = list(row.cells)
        if cells[0].is_merge_origin:
            continue
        runs = cells[2].text_frame.paragraphs[0].runs
        found[cells[0].text] = (cells[2].text, str(runs[0].font.color.rgb))
    return found, slide.notes_slide.notes_text_frame.text


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_exports_show_measures_with_coloured_lights_frozen_on_approval(
    world, alice, measures_report
):
    approved = _approve(world, measures_report)
    assert approved.blocks.get(kind=BlockKind.MEASURES).frozen["statuses"] == [
        "gul", "gron", "gul", "rod",
    ]  # fmt: skip

    docx_before = _docx_measures(download(alice, approved, "docx"))
    assert docx_before == {
        "Samverkan Fokus Älvsjö": (LIGHTS["Samverkan Fokus Älvsjö"], "FFF4D6"),
        "SSPF": (LIGHTS["SSPF"], "E9F6EC"),
        "En väg in": (LIGHTS["En väg in"], "FDE8E8"),
    }
    pptx_before, notes = _pptx_measures(download(alice, approved, "pptx"))
    assert pptx_before == {
        "Samverkan Fokus Älvsjö": ("● " + LIGHTS["Samverkan Fokus Älvsjö"], "7A4B00"),
        "SSPF": ("● " + LIGHTS["SSPF"], "1D6B34"),
        "En väg in": ("● " + LIGHTS["En väg in"], "A4161A"),
    }
    assert "En väg in" in notes and "Rutinen är inte förankrad" in notes
    pdf_before = _pdf_text(download(alice, approved, "pdf"))
    for title, light in LIGHTS.items():
        assert title in pdf_before and light in pdf_before

    # A follow-up turns SSPF red and a measure is added: the approved exports do not change.
    Measure.objects.filter(title="SSPF").update(status="rod")
    Measure.objects.create(
        plan=Measure.objects.first().plan, title="Ny insats", responsible_organisation=world.sdf
    )
    ExportJob.objects.all().delete()  # render again rather than serve the cached files
    assert _docx_measures(download(alice, approved, "docx")) == docx_before
    assert _pptx_measures(download(alice, approved, "pptx"))[0] == pptx_before
    pdf_after = _pdf_text(download(alice, approved, "pdf"))
    assert pdf_after == pdf_before and "Ny insats" not in pdf_after

    # The next version is live again, and the comparison names the changed light.
    draft = actions.new_version(world.alice, approved)
    diff = next(d for d in compare(approved, draft) if d.title.startswith("Prior"))
    assert diff.change == "changed"
    changed = {(c.row, c.column): (c.old, c.new) for c in diff.cells}
    assert changed[("Unga i risk för kriminalitet · SSPF", "Status")] == (
        LIGHTS["SSPF"],
        "Röd: avviker",
    )
    assert "Övriga insatser · Ny insats" in diff.rows_added


def test_a_long_plan_continues_on_more_slides(world, alice, measures_report, action_plan):
    for n in range(30):
        action_plan.measures.create(
            title=f"Insats {n:02d}", responsible_organisation=world.police, status="gul"
        )
    response = alice.get(reverse("reports:export", args=[measures_report.pk, "pptx"]))
    deck = Presentation(io.BytesIO(response.content))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[1] == "Prioriterade områden och insatser"
    assert titles[2] == "Prioriterade områden och insatser (forts.)"
    shown = []
    for slide in deck.slides:
        for shape in slide.shapes:
            height = sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
            assert shape.top + height <= deck.slide_height
            if shape.has_table:
                shown += [row.cells[0].text for row in list(shape.table.rows)[1:]]
    assert {f"Insats {n:02d}" for n in range(30)} <= set(shown)


def test_a_measures_block_is_added_on_the_page_with_a_chosen_plan(
    world, alice, report, action_plan
):
    from trygg.plans.models import ActionPlan

    other = ActionPlan.objects.create(
        title="Skärholmens plan",
        area=world.skarholmen,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    form = alice.get(reverse("reports:block_add", args=[report.pk])).content.decode()
    assert "Åtgärdsplan 2023–2024" in form and other.title not in form  # alice's areas only
    response = alice.post(
        reverse("reports:block_add", args=[report.pk]),
        {
            "section": "analys",
            "kind": "measures",
            "title": "Insatser",
            "text": "",
            "plan": action_plan.pk,
        },
    )
    assert response.status_code == 302
    block = report.blocks.get(kind=BlockKind.MEASURES)
    assert block.selection == {"plan_id": action_plan.pk}
    html = alice.get(report.get_absolute_url()).content.decode()
    assert "Samverkan Fokus Älvsjö" in html and "status--gul" in html
