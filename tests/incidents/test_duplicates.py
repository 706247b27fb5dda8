"""Possible duplicates through real HTTP: offered, merged (counted once), kept apart, separated."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from trygg.incidents.actions import (
    IncidentDraft,
    IncidentsRefused,
    keep_apart,
    merge_incidents,
    record_incidents,
    review_incidents,
)
from trygg.incidents.duplicates import possible_duplicates
from trygg.incidents.models import (
    Category,
    CountedRollup,
    Incident,
    IncidentRollup,
    KeptApart,
    Source,
    Status,
)
from trygg.incidents.rollup import rebuild_rollup

pytestmark = pytest.mark.django_db
PAGE = reverse("incidents:duplicates")
# Two points 33 m apart in Liljeholmen (0.0003° of latitude), and one 111 m away.
HERE = (59.31, 18.02)
NEAR = (59.3103, 18.02)
FAR = (59.311, 18.02)
WHEN = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)


def report(world, point, *, minutes=0, organisation="police", user=None, code="klotter", **kw):
    draft = IncidentDraft(
        category=Category.objects.get(code=code),
        occurred_at=WHEN + dt.timedelta(minutes=minutes),
        latitude=point[0],
        longitude=point[1],
        organisation=getattr(world, organisation),
        **kw,
    )
    source = Source.WEBB if user else Source.IMPORT
    return record_incidents([draft], source=source, user=user).created[0]


def rollup_snapshot():
    wide = Counter(
        {
            tuple(row[:-1]): row[-1]
            for row in IncidentRollup.objects.values_list(
                "month", "area", "category", "organisation", "source", "status", "count"
            )
        }
    )
    narrow = Counter()
    for row in CountedRollup.objects.all():
        for month, n in enumerate(row.monthly(), start=1):
            if n:
                narrow[(row.year, month, row.area_id, row.category_id)] += n
    return wide, narrow


def assert_rollups_are_a_recount():
    before = rollup_snapshot()
    rebuild_rollup()
    assert rollup_snapshot() == before


@pytest.fixture
def pair(world):
    """The police's import and the housing company's reporter (bob) on one event."""
    police = report(world, HERE)
    housing = report(world, NEAR, minutes=40, organisation="housing", user=world.bob)
    return police, housing


def test_close_reports_of_different_reporters_are_offered_to_the_coordinator(client, world, pair):
    police, housing = pair
    report(world, FAR, minutes=10)  # 111 m away
    report(world, NEAR, minutes=200)  # 3 h 20 min later
    report(world, NEAR, minutes=5, code="stold")  # another category
    report(world, HERE, minutes=-90)  # the police again: its own reports are not duplicates
    client.force_login(world.alice)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="card duplicate-group"') == 1
    assert police.reference in html and housing.reference in html
    assert "33 m" in html and "40" in html
    groups = page.context["groups"]
    assert [{i.pk for i in g.incidents} for g in groups] == [{police.pk, housing.pk}]
    # The incident list links to the page for reviewers.
    assert PAGE in client.get(reverse("incidents:list")).content.decode()


def test_reporters_and_other_districts_do_not_review_duplicates(client, world, pair):
    client.force_login(world.bob)
    assert client.get(PAGE).status_code == 403
    client.force_login(world.dave)  # coordinates Skärholmen
    assert client.get(PAGE).context["groups"] == []
    police, housing = pair
    response = client.post(
        PAGE, {"ids": [police.pk, housing.pk], "keep": police.pk, "action": "sla-ihop"}
    )
    assert response.status_code == 302
    assert set(Incident.objects.values_list("status", flat=True)) == {Status.NY}


def test_merging_counts_the_event_once_and_links_the_other_report(client, world, pair):
    police, housing = pair
    assert Incident.objects.counted().count() == 2
    client.force_login(world.alice)
    response = client.post(
        PAGE, {"ids": [police.pk, housing.pk], "keep": police.pk, "action": "sla-ihop"}
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    police.refresh_from_db()
    assert housing.status == Status.SAMMANSLAGEN and housing.duplicate_of == police
    assert housing.reviewed_by == world.alice
    assert police.status == Status.NY and police.duplicate_of is None
    assert list(Incident.objects.counted()) == [police]
    counted = CountedRollup.objects.get()
    assert sum(counted.monthly()) == 1
    assert_rollups_are_a_recount()
    (message,) = [str(m) for m in response.wsgi_request._messages]
    assert police.reference in message
    assert client.get(PAGE).context["groups"] == []
    # Each detail page says where the other is; the history records the merge.
    merged_page = client.get(reverse("incidents:detail", args=[housing.pk])).content.decode()
    assert reverse("incidents:detail", args=[police.pk]) in merged_page
    kept_page = client.get(reverse("incidents:detail", args=[police.pk])).content.decode()
    assert reverse("incidents:detail", args=[housing.pk]) in kept_page
    assert housing.history.first().status == Status.SAMMANSLAGEN


def test_separating_counts_the_report_on_its_own_again(client, world, pair):
    police, housing = pair
    merge_incidents(police, [housing], world.alice)
    client.force_login(world.alice)
    detail = reverse("incidents:detail", args=[housing.pk])
    assert "skilj" in client.get(detail).content.decode()
    response = client.post(PAGE, {"ids": [housing.pk], "action": "skilj", "next": detail})
    assert response["Location"] == detail
    housing.refresh_from_db()
    assert housing.status == Status.NY and housing.duplicate_of is None
    assert Incident.objects.counted().count() == 2
    assert_rollups_are_a_recount()
    # Offered again, since nobody decided to keep them apart.
    assert len(client.get(PAGE).context["groups"]) == 1


def test_kept_apart_is_not_offered_again_until_a_third_report_joins(client, world, pair):
    police, housing = pair
    client.force_login(world.alice)
    client.post(PAGE, {"ids": [police.pk, housing.pk], "action": "hall-isar"})
    assert KeptApart.objects.get().decided_by == world.alice
    assert client.get(PAGE).context["groups"] == []
    assert Incident.objects.counted().count() == 2
    third = report(world, NEAR, minutes=20, organisation="sdf", user=world.alice)
    (group,) = client.get(PAGE).context["groups"]
    assert {i.pk for i in group.incidents} == {police.pk, housing.pk, third.pk}
    # The pair kept apart is not among the group's pairs.
    assert {(p.first.pk, p.second.pk) for p in group.pairs} == {
        (police.pk, third.pk),
        (housing.pk, third.pk),
    }


def test_a_rejected_report_is_neither_kept_nor_merged(client, world, pair):
    police, housing = pair
    review_incidents([police], Status.AVVISAD, world.alice)
    with pytest.raises(IncidentsRefused):
        merge_incidents(police, [housing], world.alice)
    with pytest.raises(IncidentsRefused):
        merge_incidents(housing, [police], world.alice)
    client.force_login(world.alice)
    response = client.post(
        PAGE, {"ids": [police.pk, housing.pk], "keep": police.pk, "action": "sla-ihop"}
    )
    assert response.status_code == 302
    assert Incident.objects.filter(status=Status.SAMMANSLAGEN).count() == 0


def test_the_page_refuses_a_decision_without_enough_reports(client, world, pair):
    police, housing = pair
    client.force_login(world.alice)
    client.post(PAGE, {"ids": [police.pk], "keep": police.pk, "action": "sla-ihop"}, follow=True)
    client.post(PAGE, {"ids": [housing.pk], "action": "hall-isar"})
    client.post(PAGE, {"ids": [police.pk], "action": "skilj"})  # not merged
    assert set(Incident.objects.values_list("status", flat=True)) == {Status.NY}
    assert not KeptApart.objects.exists()


def test_merging_into_a_report_takes_along_what_was_merged_into_the_duplicate(world, pair):
    police, housing = pair
    third = report(world, NEAR, minutes=20, organisation="sdf", user=world.alice)
    merge_incidents(housing, [third], world.alice)
    merge_incidents(police, [housing], world.alice)
    third.refresh_from_db()
    assert third.duplicate_of == police
    assert set(police.duplicates.all()) == {housing, third}
    assert Incident.objects.counted().count() == 1
    assert_rollups_are_a_recount()


def test_the_database_refuses_a_merge_without_its_link(world, pair):
    police, _housing = pair
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=police.pk).update(status=Status.SAMMANSLAGEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=police.pk).update(duplicate_of=police)


def test_the_period_and_area_narrow_the_search(client, world, pair):
    client.force_login(world.alice)
    later = (WHEN + dt.timedelta(days=1)).date().isoformat()
    assert client.get(PAGE, {"fran": later}).context["groups"] == []
    assert len(client.get(PAGE, {"omrade": world.liljeholmen.pk}).context["groups"]) == 1
    # The default period is the last 90 days.
    old = report(world, HERE, minutes=-200 * 24 * 60)
    report(world, NEAR, minutes=-200 * 24 * 60 + 5, organisation="housing", user=world.bob)
    groups = client.get(PAGE).context["groups"]
    assert old.pk not in {i.pk for g in groups for i in g.incidents}
    bad = client.get(PAGE, {"fran": "2023-13-45"})
    assert bad.status_code == 400 and bad.context["filter_form"].errors


def test_keep_apart_is_idempotent(world, pair):
    assert keep_apart(pair, world.alice) == 1
    assert keep_apart(pair, world.alice) == 0
    assert possible_duplicates(Incident.objects.all()) == []
