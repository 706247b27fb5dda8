"""Statistics values as plain data, for analysis pages, the API and documents.

``series_values`` answers "which official figures are there for these series, areas,
categories and dates" with :class:`StatValue` rows that carry everything a table or chart
needs (names, unit, source, whether the figures are made up for the demo, the period's key and
label), limited to what the user may see. It never formats numbers for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q

from trygg.accounts.models import AnyUser
from trygg.statistics.models import StatisticValue, Unit, stored_period
from trygg.statistics.permissions import visible_series, visible_values


@dataclass(frozen=True)
class StatValue:
    series_id: int
    series_name: str
    unit: str  # a Unit value: "antal", "andel" (percent) or "per_1000"
    source: str
    is_demo: bool
    area_id: int
    area_name: str
    category_id: int | None
    category_name: str | None
    period_kind: str  # a PeriodKind value
    period_key: str  # "2021/22", "2023", "2023-Q1", …
    period_label: str  # in the active language
    period_start: date
    period_end: date  # inclusive
    value: float
    note: str

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label)


FIELDS = (
    "series_id",
    "series__name",
    "series__unit",
    "series__source",
    "series__is_demo",
    "area_id",
    "area__name",
    "category_id",
    "category__name",
    "series__default_category_id",
    "series__default_category__name",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "note",
)


def series_values(
    series_ids: Iterable[int] | None = None,
    area_ids: Iterable[int] | None = None,
    category_ids: Iterable[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    user: AnyUser | None = None,
) -> list[StatValue]:
    """The values of the given series (all when None) that the user may see.

    - ``area_ids``: values of exactly these areas. Figures are not added up over sub-areas,
      because a percentage or a rate cannot be; ask for the areas you want.
    - ``category_ids``: values of exactly these categories; a value without a category counts
      as its series' default category (and is reported with it). Pass a category's
      descendants yourself to include sub-categories.
    - ``start`` / ``end`` (inclusive dates): values whose whole period lies within them, so a
      figure for 2021 is not shown for a selection that covers half of 2021.
    - ``user``: None means no restriction (trusted callers such as approved documents);
      otherwise only areas the user's coordinator or analyst roles cover.

    Ordered by series name, area name, category name (values without one first), period
    start and period kind.
    """
    values = visible_values(user) if user is not None else StatisticValue.objects.all()
    if user is not None:
        values = values.filter(series__in=visible_series(user))
    if series_ids is not None:
        values = values.filter(series__in=list(series_ids))
    if area_ids is not None:
        values = values.filter(area__in=list(area_ids))
    if category_ids is not None:
        ids = list(category_ids)
        values = values.filter(
            Q(category__in=ids) | Q(category__isnull=True, series__default_category__in=ids)
        )
    if start is not None:
        values = values.filter(period_start__gte=start)
    if end is not None:
        values = values.filter(period_end__lte=end)
    rows = values.order_by(
        "series__name",
        "series_id",
        "area__name",
        "area_id",
        F("category__name").asc(nulls_first=True),
        "period_start",
        "period_kind",
    ).values_list(*FIELDS)
    result = []
    for (
        series_id,
        series_name,
        unit,
        source,
        is_demo,
        area_id,
        area_name,
        category_id,
        category_name,
        default_id,
        default_name,
        kind,
        period_start,
        period_end,
        value,
        note,
    ) in rows:
        period = stored_period(kind, period_start, period_end)
        if category_id is None:
            category_id, category_name = default_id, default_name
        result.append(
            StatValue(
                series_id=series_id,
                series_name=series_name,
                unit=unit,
                source=source,
                is_demo=is_demo,
                area_id=area_id,
                area_name=area_name,
                category_id=category_id,
                category_name=category_name,
                period_kind=str(kind),
                period_key=period.key,
                period_label=period.label,
                period_start=period_start,
                period_end=period_end,
                value=float(value),
                note=note,
            )
        )
    return result
