import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from trygg.incidents.models import Incident
from trygg.reports import actions
from trygg.reports.compare import compare
from trygg.reports.figures import block_figure
from trygg.reports.models import BlockKind, ReportStatus, Section


def _counts_block(report):
    return report.blocks.get(kind=BlockKind.COUNTS)


def test_blocks_read_in_the_laws_section_order(report):
    titles = [b.title for b in actions.ordered_blocks(report)]
    assert titles == [
        "Framtagande av lokal lägesbild",
        "Anmälda brott per kategori och rapportår",
        "Förändringar",
        "Veckodag och timme",
        "Västberga",
    ]


def test_move_block_swaps_within_its_section(world, report):
    block = report.blocks.get(kind=BlockKind.CHANGES)
    actions.move_block(world.alice, block, -1)
    titles = [b.title for b in actions.ordered_blocks(report)]
    assert titles[1:3] == ["Förändringar", "Anmälda brott per kategori och rapportår"]
    # The last block of a section stays where it is when moved down.
    last = report.blocks.get(title="Västberga")
    actions.move_block(world.alice, last, +1)
    assert [b.title for b in actions.ordered_blocks(report)][-1] == "Västberga"


def test_draft_figures_are_live_and_counted(world, incidents, report):
    figure, error = block_figure(_counts_block(report))
    assert error is None
    assert figure["headers"] == ["Kategori", "2021/22", "2022/23"]
    total_row = figure["rows"][-1]
    assert total_row[0] == "Totalt"
    assert sum(total_row[1:]) > 0
    assert figure["chart"]["labels"] == [row[0] for row in figure["rows"][:-1]]


def test_approval_freezes_every_figure_and_records_who(world, approved):
    assert approved.status == ReportStatus.GODKAND
    assert approved.approved_by == world.alice
    assert approved.approved_body == "Lokala brottsförebyggande rådet"
    assert approved.approved_at == dt.date(2023, 9, 15)
    for block in approved.blocks.all():
        assert (block.frozen is not None) == block.is_figure


def test_figures_of_an_approved_version_do_not_follow_live_data(world, approved):
    block = _counts_block(approved)
    before, _error = block_figure(block)
    # Live data changes after approval: a third of the incidents disappear.
    Incident.objects.filter(
        pk__in=list(Incident.objects.values_list("pk", flat=True)[::3])
    ).delete()
    block.refresh_from_db()
    after, _error = block_figure(block)
    assert after == before
    # A fresh draft computed now does see the change.
    draft = actions.new_version(world.alice, approved)
    live, _error = block_figure(_counts_block(draft))
    assert live["rows"][-1] != before["rows"][-1]


@pytest.mark.parametrize(
    "edit",
    [
        lambda u, r: actions.add_block(u, r, section=Section.ANALYS, kind=BlockKind.TEXT),
        lambda u, r: actions.update_block(u, r.blocks.first(), text="Ändrad"),
        lambda u, r: actions.move_block(u, r.blocks.last(), -1),
        lambda u, r: actions.delete_block(u, r.blocks.first()),
        lambda u, r: actions.update_report(u, r, title="Ny titel"),
        lambda u, r: actions.approve(u, r, body="Rådet", day=dt.date(2023, 10, 1)),
    ],
)
def test_an_approved_version_refuses_every_edit(world, approved, edit):
    texts = [(b.title, b.text, b.order, b.frozen) for b in approved.blocks.all()]
    with pytest.raises(actions.ReportLocked):
        edit(world.alice, approved)
    approved.refresh_from_db()
    assert approved.title == "Lägesbild 2022, Hägersten-Älvsjö"
    assert approved.approved_at == dt.date(2023, 9, 15)
    assert [(b.title, b.text, b.order, b.frozen) for b in approved.blocks.all()] == texts


def test_only_coordinators_of_the_area_approve(world, incidents, report):
    for user in (world.bob, world.carol, world.dave, world.erin):
        with pytest.raises(PermissionDenied):
            actions.approve(user, report, body="Rådet", day=dt.date(2023, 9, 1))
    report.refresh_from_db()
    assert report.status == ReportStatus.UTKAST


def test_remiss_takes_comments_from_partners_and_only_then(world, report):
    block = report.blocks.first()
    with pytest.raises(actions.WorkflowError):
        actions.add_comment(world.bob, block, "För tidigt")
    actions.submit_for_comments(world.alice, report)
    comment = actions.add_comment(world.bob, block, "Lägg till Långbro.")
    assert comment.author == world.bob
    with pytest.raises(PermissionDenied):
        actions.add_comment(world.dave, block, "Inte mitt område")
    # The author still edits on remiss.
    actions.update_block(world.alice, block, text="Ny text")


def test_a_new_version_copies_blocks_and_supersedes_the_old_on_approval(world, approved):
    draft = actions.new_version(world.alice, approved)
    assert (draft.version, draft.status, draft.replaces) == (2, ReportStatus.UTKAST, approved)
    assert [b.title for b in actions.ordered_blocks(draft)] == [
        b.title for b in actions.ordered_blocks(approved)
    ]
    assert all(b.frozen is None for b in draft.blocks.all())
    with pytest.raises(actions.WorkflowError):
        actions.new_version(world.alice, approved)
    actions.approve(world.alice, draft, body="Rådet", day=dt.date(2024, 9, 1))
    approved.refresh_from_db()
    assert approved.status == ReportStatus.ERSATT
    assert [v.version for v in draft.versions()] == [1, 2]


def test_compare_shows_text_lines_and_figure_cells(world, approved):
    draft = actions.new_version(world.alice, approved)
    text_block = draft.blocks.get(title="Västberga")
    actions.update_block(
        world.alice, text_block, text="Problem med missbrukare vid Västberga Gårdsväg.\nLugnare nu."
    )
    actions.add_block(
        world.alice, draft, section=Section.ANALYS, kind=BlockKind.TEXT, title="Långbro"
    )
    Incident.objects.filter(
        pk__in=list(Incident.objects.values_list("pk", flat=True)[::2])
    ).delete()
    diffs = {d.title: d for d in compare(approved, draft)}
    assert diffs["Västberga"].change == "changed"
    assert ("+", "Lugnare nu.") in diffs["Västberga"].text
    assert diffs["Långbro"].change == "added"
    counts = diffs["Anmälda brott per kategori och rapportår"]
    assert counts.change == "changed"
    total = next(c for c in counts.cells if c.row == "Totalt" and c.column == "2022/23")
    assert total.old != total.new
    assert diffs["Framtagande av lokal lägesbild"].change == "same"


def test_approval_is_refused_when_a_figure_cannot_be_computed(world, incidents, report):
    # No meeting is planned, so the next-meeting block has nothing to show.
    actions.add_block(world.alice, report, section=Section.ANALYS, kind=BlockKind.NEXT_MEETING)
    with pytest.raises(actions.WorkflowError):
        actions.approve(world.alice, report, body="Rådet", day=dt.date(2023, 9, 1))
    report.refresh_from_db()
    assert report.status == ReportStatus.UTKAST
    assert all(b.frozen is None for b in report.blocks.all())


def test_text_blocks_of_an_approved_version_show_no_figure_note(world, approved):
    block = approved.blocks.get(title="Västberga")
    assert block_figure(block) == (None, None)
