"""The pages ask the models whether an agreement is in force and what is overdue, so they say
what the querysets (and through them the law's checklist) say, on the edge days too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.collaboration.models import ActionItem, Agreement, CitizenPromise, PromiseFollowUp

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
NOT_IN_FORCE = '<span class="status status--forfallet">gäller inte</span>'
OVERDUE = '<span class="status status--forfallet">förfallet</span>'


def _valid_dd(page: str) -> str:
    """The "Gäller" line of the agreement's facts."""
    return re.search(r"<dt>Gäller</dt><dd>(.*?)</dd>", page, re.S).group(1)


@pytest.mark.parametrize(
    ("name", "dates"),
    [
        ("start day", lambda t: {"signed_on": t - 30 * DAY, "valid_from": t}),
        ("day before the start", lambda t: {"signed_on": t - 30 * DAY, "valid_from": t + DAY}),
        ("end day", lambda t: {"signed_on": t - 30 * DAY, "valid_until": t}),
        ("day after the end", lambda t: {"signed_on": t - 30 * DAY, "valid_until": t - DAY}),
        ("signed today", lambda t: {"signed_on": t}),
        ("signed tomorrow", lambda t: {"signed_on": t + DAY}),
        ("not signed", lambda t: {}),
    ],
)
def test_the_agreement_page_and_the_queryset_agree_on_being_in_force(
    client, world, agreement, name, dates
):
    today = TODAY()
    Agreement.objects.filter(pk=agreement.pk).update(
        **{"signed_on": None, "valid_from": None, "valid_until": None, **dates(today)}
    )
    agreement.refresh_from_db()
    in_force = Agreement.objects.valid_on(today).filter(pk=agreement.pk).exists()
    assert agreement.is_valid_on(today) is in_force
    client.force_login(world.bob)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert (NOT_IN_FORCE not in _valid_dd(page)) is in_force, name


def test_the_edge_days_are_the_ones_the_rule_names(agreement):
    today = TODAY()
    Agreement.objects.filter(pk=agreement.pk).update(valid_from=today, valid_until=today + DAY)
    in_force = Agreement.objects.filter(pk=agreement.pk)
    assert not in_force.valid_on(today - DAY).exists()
    assert in_force.valid_on(today).exists() and in_force.valid_on(today + DAY).exists()
    assert not in_force.valid_on(today + 2 * DAY).exists()


@pytest.mark.parametrize(("offset", "overdue"), [(-1, True), (0, False), (1, False)])
def test_an_annex_review_is_overdue_from_the_day_after_it_is_due(
    client, world, agreement, offset, overdue
):
    Agreement.objects.filter(pk=agreement.pk).update(annex_review_due=TODAY() + offset * DAY)
    agreement.refresh_from_db()
    assert agreement.annex_review_overdue() is overdue
    client.force_login(world.bob)
    detail = client.get(agreement.get_absolute_url()).content.decode()
    listing = client.get(reverse("collaboration:agreement_list")).content.decode()
    assert (OVERDUE in detail) is overdue
    assert (OVERDUE in listing) is overdue


@pytest.mark.parametrize(
    ("offset", "done"), [(-1, False), (0, False), (-1, True)], ids=["past", "today", "done"]
)
def test_promise_follow_ups_are_overdue_where_the_queryset_says(client, world, offset, done):
    today = TODAY()
    promise = CitizenPromise.objects.create(
        title="Tryggare Älvsjö", promise="Fler vuxna ute.", area=world.district,
        starts_on=today - 60 * DAY, ends_on=today + 300 * DAY,
    )  # fmt: skip
    follow_up = PromiseFollowUp.objects.create(
        promise=promise, due_on=today + offset * DAY, done_on=today if done else None
    )
    overdue = PromiseFollowUp.objects.overdue(today).filter(pk=follow_up.pk).exists()
    assert follow_up.is_overdue(today) is overdue
    client.force_login(world.alice)
    detail = client.get(promise.get_absolute_url()).content.decode()
    listing = client.get(reverse("collaboration:promise_list")).content.decode()
    assert (OVERDUE in detail) is overdue
    assert (OVERDUE in listing) is overdue


@pytest.mark.parametrize(
    ("offset", "done"),
    [(-1, False), (0, False), (None, False), (-1, True)],
    ids=["past", "today", "no due date", "done"],
)
def test_action_items_are_overdue_where_the_queryset_says(
    client, world, council, meeting_on, action, offset, done
):
    today = TODAY()
    meeting = meeting_on(today - 10 * DAY)
    item = action(meeting, due_on=None if offset is None else today + offset * DAY, done=done)
    overdue = ActionItem.objects.overdue(today).filter(pk=item.pk).exists()
    assert item.is_overdue(today) is overdue
    client.force_login(world.alice)
    for url in (meeting.get_absolute_url(), council.get_absolute_url()):
        page = client.get(url).content.decode()
        assert (OVERDUE in page) is overdue, url
