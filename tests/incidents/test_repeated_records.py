"""record_incidents when another writer records the same external ids between the look-up
and the insert: the lost race counts as already recorded, on SQLite (INSERTs) and
PostgreSQL (COPY) alike."""

import datetime as dt

import pytest
from django.utils import timezone

from trygg.incidents import actions
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, IncidentRollup, Source

pytestmark = pytest.mark.django_db


def draft(world, external_id):
    return IncidentDraft(
        category=Category.objects.get(code="klotter"),
        occurred_at=timezone.now() - dt.timedelta(days=2),
        area=world.liljeholmen,
        external_id=external_id,
    )


@pytest.fixture
def late_look_up(monkeypatch):
    """The first look-up for recorded external ids sees none, as if a concurrent writer
    committed them right after it; later look-ups see the table as it is."""
    real = actions._existing_external_ids
    calls = []

    def look_up(source, ids):
        calls.append(list(ids))
        return set() if len(calls) == 1 else real(source, ids)

    monkeypatch.setattr(actions, "_existing_external_ids", look_up)
    return calls


def test_a_batch_that_loses_the_race_writes_the_rest(world, late_look_up):
    record_incidents([draft(world, "p-2")], source=Source.POLISEN)
    first_count = IncidentRollup.objects.get().count
    result = record_incidents(
        [draft(world, i) for i in ("p-1", "p-2", "p-3")], source=Source.POLISEN
    )
    assert len(late_look_up) == 2  # the insert was tried, failed and was written again
    assert result.already_recorded == 1
    assert sorted(i.external_id for i in result.created) == ["p-1", "p-3"]
    assert all(i.pk is not None for i in result.created)
    assert Incident.objects.filter(source=Source.POLISEN).count() == 3
    assert IncidentRollup.objects.get().count == first_count + 2


def test_a_conflict_that_is_not_a_recorded_id_is_not_hidden(world, monkeypatch):
    def fails(incidents):
        raise actions.IntegrityError("some other constraint")

    monkeypatch.setattr(actions, "_bulk_insert", fails)
    monkeypatch.setattr(actions, "_copy_insert", fails)
    with pytest.raises(actions.IntegrityError):
        record_incidents([draft(world, "q-1"), draft(world, "q-2")], source=Source.POLISEN)
    assert not Incident.objects.exists()
