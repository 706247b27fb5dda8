"""``trygg purge-text``: free text older than the retention settings is replaced by a marker
in the rows and in their history, while counts, categories and places stay."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from trygg.collaboration.models import CitizenPromise, PromiseFollowUp
from trygg.front.retention import PURGED, purge_text
from trygg.incidents.actions import IncidentDraft, record_incidents, update_incident
from trygg.incidents.models import Category, CountedRollup, Incident, IncidentRollup, Source
from trygg.plans.models import ActionPlan, FollowUp, Measure, TrafficLight
from trygg.reports.models import Comment, ReportBlock, SituationReport

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - dt.timedelta(days=400)


def rollups() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        sorted(IncidentRollup.objects.values_list("month", "area", "category", "count")),
        sorted(CountedRollup.objects.values_list("year", "area", "category", "m01", "m09")),
    )


@pytest.fixture
def texts(world):
    """One old and one new row of every kind, each with text and a history of edits."""
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    drafts = [
        IncidentDraft(
            category=category,
            occurred_at=NOW - dt.timedelta(days=days),
            area=world.liljeholmen,
            place=f"Porten {days}",
            description=f"Klotter {days}",
        )
        for days in (500, 5)
    ]
    record_incidents(drafts, source=Source.WEBB, user=world.alice)
    old_incident, new_incident = Incident.objects.order_by("occurred_at")
    # Bulk recording writes no history; an edit gives the old incident a history row.
    update_incident(old_incident, {"description": "Klotter 500, sanerat"}, world.alice)
    Incident.objects.filter(pk=old_incident.pk).update(created_at=OLD)
    Incident.history.filter(id=old_incident.pk).update(created_at=OLD)

    plan = ActionPlan.objects.create(
        title="Plan",
        area=world.district,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    measure = Measure.objects.create(
        plan=plan, title="Nattvandring", responsible_organisation=world.housing
    )
    old_follow_up = FollowUp.objects.create(
        measure=measure, on=OLD.date(), status=TrafficLight.values[0], text="Gick bra"
    )
    old_follow_up.text = "Gick bra, tio vuxna"
    old_follow_up.save()
    FollowUp.objects.filter(pk=old_follow_up.pk).update(created_at=OLD)
    new_follow_up = FollowUp.objects.create(
        measure=measure, on=NOW.date(), status=TrafficLight.values[0], text="Ny"
    )

    promise = CitizenPromise.objects.create(
        title="Löftet", promise="Vi lovar", area=world.liljeholmen,
        starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31),
    )  # fmt: skip
    old_note = PromiseFollowUp.objects.create(
        promise=promise, due_on=OLD.date(), done_on=OLD.date(), note="Klart"
    )
    new_note = PromiseFollowUp.objects.create(promise=promise, due_on=NOW.date(), note="Snart")

    report = SituationReport.objects.create(
        title="Lägesbild", area=world.district, period_start="2025-09-01", period_end="2026-08-31"
    )
    block = ReportBlock.objects.create(
        report=report, section=ReportBlock._meta.get_field("section").choices[0][0],
        kind=ReportBlock._meta.get_field("kind").choices[0][0],
    )  # fmt: skip
    old_comment = Comment.objects.create(block=block, author=world.bob, text="Håller med")
    Comment.objects.filter(pk=old_comment.pk).update(created_at=OLD)
    Comment.history.filter(id=old_comment.pk).update(created_at=OLD)
    # A comment deleted long ago: only its history row holds the text.
    gone = Comment.objects.create(block=block, author=world.bob, text="Borttagen kommentar")
    gone_pk = gone.pk
    gone.delete()
    Comment.history.filter(id=gone_pk).update(created_at=OLD)
    new_comment = Comment.objects.create(block=block, author=world.bob, text="Ny kommentar")
    return {
        "old": [old_incident, old_follow_up, old_note, old_comment],
        "new": [new_incident, new_follow_up, new_note, new_comment],
        "gone_comment": gone_pk,
    }


def text_of(row) -> list[str]:
    fields = {Incident: ["description", "place"], PromiseFollowUp: ["note"]}.get(
        type(row), ["text"]
    )
    fresh = type(row).objects.get(pk=row.pk)
    history = type(row).history.filter(id=row.pk)
    return [getattr(fresh, f) for f in fields] + [
        value for f in fields for value in history.values_list(f, flat=True)
    ]


def test_off_by_default_keeps_everything(texts):
    before = [text_of(row) for row in texts["old"]]
    out = io.StringIO()
    call_command("purge-text", stdout=out)
    assert [text_of(row) for row in texts["old"]] == before
    assert "incidents: kept (no retention set)" in out.getvalue()


def test_purges_old_text_in_rows_and_history(texts, settings):
    for name in ("INCIDENT", "FOLLOW_UP", "COMMENT"):
        setattr(settings, f"TRYGG_{name}_TEXT_RETENTION_DAYS", 365)
    new_before = [text_of(row) for row in texts["new"]]
    rollups_before = rollups()
    old_incident = texts["old"][0]
    counted = Incident.objects.count(), Incident.history.count()

    out = io.StringIO()
    call_command("purge-text", "--dry-run", stdout=out)
    assert "incidents: would purge 1 rows and 1 history rows older than 365 days" in out.getvalue()
    assert "measure-follow-ups: would purge 1 rows and 2 history rows" in out.getvalue()
    assert "promise-follow-ups: would purge 1 rows and 1 history rows" in out.getvalue()
    assert "comments: would purge 1 rows and 3 history rows" in out.getvalue()
    assert text_of(old_incident)[0] == "Klotter 500, sanerat"  # a dry run writes nothing

    call_command("purge-text", stdout=io.StringIO())
    for row in texts["old"]:
        assert set(text_of(row)) == {PURGED}, row
    assert set(Comment.history.filter(id=texts["gone_comment"]).values_list("text", flat=True)) == {
        PURGED
    }
    assert [text_of(row) for row in texts["new"]] == new_before
    # The rows stay with their category, area and time; the rollups count the same.
    fresh = Incident.objects.get(pk=old_incident.pk)
    assert (fresh.category_id, fresh.area_id, fresh.occurred_at) == (
        old_incident.category_id, old_incident.area_id, old_incident.occurred_at,
    )  # fmt: skip
    assert fresh.version == old_incident.version + 1
    assert (Incident.objects.count(), Incident.history.count()) == counted
    assert rollups() == rollups_before

    # A second run has nothing left to do.
    assert [(r.rows, r.history_rows) for r in purge_text()] == [(0, 0)] * 4


def test_each_kind_by_its_own_setting_in_bulk_updates(
    texts, settings, django_assert_max_num_queries
):
    for name in ("INCIDENT", "FOLLOW_UP", "COMMENT"):
        setattr(settings, f"TRYGG_{name}_TEXT_RETENTION_DAYS", 0)
    settings.TRYGG_COMMENT_TEXT_RETENTION_DAYS = 30
    # Two UPDATEs per kind at most (history and rows), whatever the number of rows.
    with django_assert_max_num_queries(4):
        results = purge_text()
    assert [(r.kind, r.rows) for r in results] == [
        ("incidents", 0), ("measure-follow-ups", 0), ("promise-follow-ups", 0), ("comments", 1),
    ]  # fmt: skip
    assert text_of(texts["old"][0])[0] == "Klotter 500, sanerat"
