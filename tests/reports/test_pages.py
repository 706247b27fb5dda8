import datetime as dt

import pytest
from django.urls import reverse

from tests.reports.conftest import make_report
from trygg.reports.models import BlockKind, ReportBlock, ReportStatus, SituationReport


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def test_list_shows_reports_and_the_menu_entry(world, alice, report):
    response = alice.get(reverse("reports:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lägesbild 2022, Hägersten-Älvsjö" in html
    assert 'href="/lagesbild/"' in html and "Lägesbild" in html


def test_report_page_shows_sections_charts_and_tables(world, incidents, alice, report):
    response = alice.get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "1. Kartläggning" in html and "3. Analys" in html
    assert "<svg" in html
    assert "<strong>Trygghetsmätningar</strong>" in html
    assert "Totalt" in html


def test_markdown_is_sanitised(world, alice, report):
    block = report.blocks.get(title="Västberga")
    ReportBlock.objects.filter(pk=block.pk).update(
        text="Hej <script>alert(1)</script> [x](javascript:alert(2)) <b onclick='x()'>fet</b>"
    )
    html = alice.get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "onclick" not in html


def test_coordinator_adds_edits_moves_and_removes_blocks(world, alice, report):
    url = reverse("reports:block_add", args=[report.pk])
    response = alice.post(
        url, {"section": "analys", "kind": "text", "title": "Långbro", "text": "Ungdomar samlas."}
    )
    assert response.status_code == 302
    block = report.blocks.get(title="Långbro")
    response = alice.post(
        reverse("reports:block_edit", args=[report.pk, block.pk]),
        {"section": "analys", "kind": "text", "title": "Långbro", "text": "Lugnare."},
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.text == "Lugnare."
    alice.post(reverse("reports:block_move", args=[report.pk, block.pk]), {"riktning": "upp"})
    titles = [b.title for b in report.blocks.filter(section="analys").order_by("order")]
    assert titles == ["Långbro", "Västberga"]
    alice.post(reverse("reports:block_delete", args=[report.pk, block.pk]))
    assert not report.blocks.filter(title="Långbro").exists()


def test_figure_block_stores_its_selection(world, alice, report):
    response = alice.post(
        reverse("reports:block_add", args=[report.pk]),
        {
            "section": "kartlaggning",
            "kind": "time_pattern",
            "title": "Månader",
            "pattern": "monthly",
            "start": "2022-09-01",
            "end": "2023-08-31",
        },
    )
    assert response.status_code == 302
    block = report.blocks.get(title="Månader")
    assert block.selection == {"start": "2022-09-01", "end": "2023-08-31", "pattern": "monthly"}


def test_remiss_comment_and_approval_through_the_pages(world, incidents, client, report):
    client.force_login(world.alice)
    client.post(reverse("reports:submit", args=[report.pk]))
    client.force_login(world.bob)
    block = report.blocks.first()
    client.post(reverse("reports:comment", args=[report.pk, block.pk]), {"text": "Lägg till X"})
    assert block.comments.get().author == world.bob
    assert "Lägg till X" in client.get(report.get_absolute_url()).content.decode()
    # bob is a reporter: he may not approve.
    assert client.get(reverse("reports:approve", args=[report.pk])).status_code == 403
    client.force_login(world.alice)
    response = client.post(
        reverse("reports:approve", args=[report.pk]),
        {"body": "Lokala brottsförebyggande rådet", "day": "2023-09-15"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.GODKAND
    assert report.approved_at == dt.date(2023, 9, 15)
    # No edit buttons on an approved version, and edits by URL are refused.
    html = client.get(report.get_absolute_url()).content.decode()
    assert reverse("reports:block_add", args=[report.pk]) not in html
    client.post(
        reverse("reports:block_edit", args=[report.pk, block.pk]),
        {"section": "analys", "kind": "text", "title": "Ändrad", "text": "x"},
    )
    block.refresh_from_db()
    assert block.title != "Ändrad"


def test_new_version_and_compare_pages(world, alice, approved):
    response = alice.post(reverse("reports:new_version", args=[approved.pk]))
    draft = SituationReport.objects.get(replaces=approved)
    assert response["Location"] == draft.get_absolute_url()
    block = draft.blocks.get(title="Västberga")
    alice.post(
        reverse("reports:block_edit", args=[draft.pk, block.pk]),
        {"section": "analys", "kind": "text", "title": "Västberga", "text": "Helt ny text."},
    )
    html = alice.get(reverse("reports:versions", args=[draft.pk])).content.decode()
    assert "Helt ny text." in html
    assert "ändrad" in html


def test_pages_respect_the_area(world, client, report):
    client.force_login(world.dave)  # coordinator of Skärholmen
    assert client.get(report.get_absolute_url()).status_code == 403
    assert client.get(reverse("reports:block_add", args=[report.pk])).status_code == 403
    client.force_login(world.erin)
    assert client.get(reverse("reports:list")).status_code == 403
    client.force_login(world.bob)
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:block_add", args=[report.pk])).status_code == 403


def test_a_reporter_sees_frozen_figures_of_an_approved_report(world, client, approved):
    client.force_login(world.bob)
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "Totalt" in html and "<svg" in html


@pytest.mark.parametrize("kind", [BlockKind.STATISTICS, BlockKind.HOTSPOTS])
def test_other_figure_kinds_render_or_explain(world, incidents, alice, report, kind):
    from trygg.reports import actions

    actions.add_block(world.alice, report, section="kartlaggning", kind=kind, title="Extra")
    assert alice.get(report.get_absolute_url()).status_code == 200


def test_a_remiss_comment_with_a_personnummer_is_refused(world, incidents, client, report):
    client.force_login(world.alice)
    client.post(reverse("reports:submit", args=[report.pk]))
    client.force_login(world.bob)
    block = report.blocks.first()
    response = client.post(
        reverse("reports:comment", args=[report.pk, block.pk]),
        {"text": "Fråga 19121212-1212 om saken"},
    )
    assert not block.comments.exists()
    assert response.status_code == 200
    page = response.content.decode()
    assert "personnummer" in page
    assert "Fråga 19121212-1212 om saken</textarea>" in page  # kept, not lost


def test_a_draft_out_for_comments_reads_the_same_for_every_reader(world, incidents, client):
    """The figures come from the report's own scope: a reporter and a coordinator see the same
    statistics and counts (before, a reporter read "Ingen officiell statistik matchar urvalet")."""
    from decimal import Decimal

    from trygg.reports import actions
    from trygg.reports.models import Section
    from trygg.statistics.models import StatisticSeries, StatisticValue, Unit

    series = StatisticSeries.objects.create(
        name="Anmälda brott (Polisen)", code="anmalda-brott", unit=Unit.ANTAL
    )
    StatisticValue.objects.create(
        series=series,
        area=world.district,
        period_kind="year",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        value=Decimal("4711"),
    )
    report = make_report(
        world,
        "Lägesbild för alla",
        (Section.KARTLAGGNING, BlockKind.COUNTS, "Anmälda brott per kategori"),
        (Section.ANNAN_INFORMATION, BlockKind.STATISTICS, "Officiell statistik"),
    )
    actions.submit_for_comments(world.alice, report)

    def figures(user):
        client.force_login(user)
        response = client.get(report.get_absolute_url())
        assert response.status_code == 200
        return [(view.block.title, view.figure, view.error) for view in _blocks(response)]

    coordinator = figures(world.alice)
    assert all(error is None for _title, _figure, error in coordinator)
    assert "4711" in str(coordinator[1][1]["rows"]) or "4 711" in str(coordinator[1][1]["rows"])
    for reader in (world.bob,):  # a reporter for a housing company in the district
        seen = figures(reader)
        for (title, figure, error), (_t, theirs, their_error) in zip(
            coordinator, seen, strict=True
        ):
            assert their_error == error, title
            assert {k: v for k, v in theirs.items() if k != "computed_at"} == {
                k: v for k, v in figure.items() if k != "computed_at"
            }, title


def _blocks(response):
    return [view for section in response.context["doc"].sections for view in section.blocks]
