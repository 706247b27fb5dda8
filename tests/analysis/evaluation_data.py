"""Incidents planted around a measure's start, for the evaluation tests (pages, API, charts).

``plant`` spreads a given number of incidents evenly over the before window and over the
after window of each area; ``standard_dataset`` is the usual case: treated Liljeholmen 100 → 70 (a
planted 30 % drop), comparison Skärholmen 60 → 60, buffer Gröndal 40 → 36, plus incidents of
another category in Liljeholmen that must not count.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import AreaFactory
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Source

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.date(2023, 3, 1)
DAYS = 61  # 1 March – 30 April; before: 29 December – 28 February
BEFORE_START = START - dt.timedelta(days=DAYS)
END = dt.date(2023, 4, 30)


def spread(area, category, first: dt.date, n: int) -> list[IncidentDraft]:
    return [
        IncidentDraft(
            category=category,
            occurred_at=dt.datetime.combine(
                first + dt.timedelta(days=i * DAYS // n), dt.time(12), tzinfo=STOCKHOLM
            ),
            area=area,
        )
        for i in range(n)
    ]


def plant(rows, category) -> None:
    """``rows``: (area, count before, count after) each."""
    drafts = []
    for area, before, after in rows:
        drafts += spread(area, category, BEFORE_START, before)
        drafts += spread(area, category, START, after)
    record_incidents(drafts, source=Source.IMPORT)


def standard_dataset(world):
    category, other = Category.objects.filter(children__isnull=True).order_by("id")[:2]
    grondal = AreaFactory(name="Gröndal", parent=world.district)
    plant([(world.liljeholmen, 100, 70), (world.skarholmen, 60, 60), (grondal, 40, 36)], category)
    record_incidents(spread(world.liljeholmen, other, START, 50), source=Source.IMPORT)
    return category, grondal
