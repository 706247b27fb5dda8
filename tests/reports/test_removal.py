"""Removing a lägesbild block or a comment asks first on its own page, says what goes with it,
and can be undone from the version history until the report is approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from trygg.reports import actions
from trygg.reports.models import Comment, ReportBlock


@pytest.fixture
def commented(world, report):
    actions.submit_for_comments(world.alice, report)
    block = report.blocks.get(title="Västberga")
    actions.add_comment(world.bob, block, "Saknar Västberga allé")
    actions.add_comment(world.alice, block, "Läggs till")
    return block


def test_removing_a_block_asks_first_and_says_its_comments_go_with_it(
    client, world, report, commented
):
    client.force_login(world.alice)
    url = reverse("reports:block_delete", args=[report.pk, commented.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ta bort blocket" in html and "Västberga" in html and "2 kommentarer" in html
    assert ReportBlock.objects.filter(pk=commented.pk).exists()  # asking removes nothing
    assert client.post(url).status_code == 302
    assert not ReportBlock.objects.filter(pk=commented.pk).exists()
    assert not Comment.objects.filter(block_id=commented.pk).exists()


def test_a_removed_block_is_restored_with_its_comments_from_the_version_history(
    client, world, report, commented
):
    client.force_login(world.alice)
    client.post(reverse("reports:block_delete", args=[report.pk, commented.pk]))
    history = client.get(reverse("reports:versions", args=[report.pk])).content.decode()
    assert "Borttaget ur den här versionen" in history and "Västberga" in history
    restore = reverse("reports:block_restore", args=[report.pk, commented.pk])
    assert restore in history
    assert client.post(restore).status_code == 302
    block = ReportBlock.objects.get(pk=commented.pk)
    assert block.text == "Problem med missbrukare vid Västberga Gårdsväg."
    assert sorted(block.comments.values_list("text", flat=True)) == [
        "Läggs till",
        "Saknar Västberga allé",
    ]
    history = client.get(reverse("reports:versions", args=[report.pk])).content.decode()
    assert restore not in history


def test_the_author_edits_and_removes_their_comment_and_the_coordinator_restores_it(
    client, world, report, commented
):
    mine = commented.comments.get(author=world.bob)
    client.force_login(world.bob)
    edit = reverse("reports:comment_edit", args=[report.pk, mine.pk])
    assert client.post(edit, {"text": "Saknar Västberga allé och torget"}).status_code == 302
    mine.refresh_from_db()
    assert mine.text == "Saknar Västberga allé och torget"
    assert mine.history.count() == 2  # created, changed
    # Someone else's comment: neither edited nor removed by bob.
    theirs = commented.comments.get(author=world.alice)
    assert (
        client.get(reverse("reports:comment_edit", args=[report.pk, theirs.pk])).status_code == 403
    )
    delete = reverse("reports:comment_delete", args=[report.pk, theirs.pk])
    assert client.post(delete).status_code == 403
    # His own: asked, then removed.
    delete = reverse("reports:comment_delete", args=[report.pk, mine.pk])
    assert "Saknar Västberga allé och torget" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not Comment.objects.filter(pk=mine.pk).exists()
    # The coordinator sees it among the removed and restores it.
    client.force_login(world.alice)
    history = client.get(reverse("reports:versions", args=[report.pk])).content.decode()
    restore = reverse("reports:comment_restore", args=[report.pk, mine.pk])
    assert restore in history
    client.post(restore)
    assert Comment.objects.get(pk=mine.pk).text == "Saknar Västberga allé och torget"


def test_after_approval_nothing_is_removed_or_restored(client, world, report, commented):
    client.force_login(world.alice)
    client.post(reverse("reports:block_delete", args=[report.pk, commented.pk]))
    actions.approve(
        world.alice, report, body="Lokala brottsförebyggande rådet", day=dt.date(2023, 9, 15)
    )
    restore = reverse("reports:block_restore", args=[report.pk, commented.pk])
    assert restore not in client.get(reverse("reports:versions", args=[report.pk])).content.decode()
    client.post(restore)
    assert not ReportBlock.objects.filter(pk=commented.pk).exists()
    other = report.blocks.first()
    client.post(reverse("reports:block_delete", args=[report.pk, other.pk]))
    assert ReportBlock.objects.filter(pk=other.pk).exists()
