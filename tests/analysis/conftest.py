"""A reproducible set of incidents over the test world for the analysis tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from trygg.incidents.actions import IncidentDraft, record_incidents, review_incidents
from trygg.incidents.models import Category, Incident, Source, Status


def make_incidents(world, count: int = 400, seed: int = 7) -> list[Incident]:
    """Incidents from 2021-08 to 2023-09 in every area, with times that straddle DST changes,
    month ends and year ends, several categories, organisations and sources; some rejected."""
    rng = random.Random(seed)
    leaves = list(Category.objects.filter(children__isnull=True).order_by("id")[:8])
    areas = [world.district, world.liljeholmen, world.skarholmen, world.stockholm]
    organisations = [world.sdf, world.police, world.housing, None]
    tricky = [
        datetime(2023, 3, 31, 22, 30, tzinfo=UTC),  # 1 April 00:30 in Stockholm
        datetime(2022, 12, 31, 23, 15, tzinfo=UTC),  # New Year's Day in Stockholm
        datetime(2022, 8, 31, 22, 5, tzinfo=UTC),  # 1 September: a new reporting year
        datetime(2023, 3, 26, 1, 30, tzinfo=UTC),  # the DST change
        datetime(2022, 10, 30, 0, 30, tzinfo=UTC),
        datetime(2023, 1, 1, 23, 0, tzinfo=UTC),  # Monday of ISO week 1 in Stockholm
    ]
    start = datetime(2021, 8, 1, tzinfo=UTC)
    by_source: dict[str, list[IncidentDraft]] = {}
    for index in range(count):
        when = (
            tricky[index]
            if index < len(tricky)
            else start + timedelta(minutes=rng.randrange(0, 60 * 24 * 790))
        )
        draft = IncidentDraft(
            category=rng.choice(leaves),
            occurred_at=when,
            area=rng.choice(areas),
            organisation=rng.choice(organisations),
            description="",
        )
        source = rng.choice([Source.WEBB, Source.IMPORT, Source.POLISEN])
        by_source.setdefault(source, []).append(draft)
    for source, drafts in by_source.items():
        record_incidents(drafts, source=source)
    rejected = list(Incident.objects.order_by("id")[::9])
    review_incidents(rejected, status=Status.AVVISAD, user=world.carol)
    return list(Incident.objects.all())


@pytest.fixture
def incidents(world):
    return make_incidents(world)
