"""When incidents happen: a weekday × hour matrix and a monthly seasonal profile.

Hours are Stockholm wall-clock hours. An incident known only as a time window (``occurred_until``
after ``occurred_at``, e.g. "between 22:00 and 06:00") is spread over the hours of its window by
aoristic weights (``trygg.lib.aoristic``: each hour its share of the window's duration), so the
matrix holds fractions where such incidents are; which incidents are counted, and in which period,
is still decided by the start. Incidents whose time of day is unknown (date only) are left out of
the hour matrix and counted separately; they still count in the monthly profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from trygg.analysis.counts import count_incidents, filtered_incidents, selection_periods, within
from trygg.analysis.selection import Selection
from trygg.lib.aoristic import utc_microseconds, weekday_hour_weights
from trygg.lib.periods import STOCKHOLM, Period, PeriodKind, periods_between

WEEKDAYS = 7
HOURS = 24


Cell = int | float


@dataclass(frozen=True)
class WeekdayHour:
    """Incidents per weekday (Monday = 0) × hour (0–23). A cell is an int where only incidents
    with one known time fall, else the aoristic sum rounded to three decimals; ``windowed``
    counts the incidents spread over a window's hours."""

    matrix: tuple[tuple[Cell, ...], ...]  # [weekday Monday=0][hour 0–23]
    unknown_time: int
    windowed: int = 0

    @property
    def total(self) -> int:
        return round(sum(sum(row) for row in self.matrix))

    @property
    def by_weekday(self) -> list[Cell]:
        # Sums of cells rounded to three decimals: to two, so eight windows sum to 8.
        return [_cell(round(sum(row), 2)) for row in self.matrix]

    @property
    def by_hour(self) -> list[Cell]:
        return [_cell(round(sum(row[h] for row in self.matrix), 2)) for h in range(HOURS)]


def _cell(value: float) -> Cell:
    """A whole number as an int, a fraction rounded to three decimals."""
    rounded = round(float(value), 3)
    return int(rounded) if rounded.is_integer() else rounded


@dataclass(frozen=True)
class MonthlyProfile:
    counts: tuple[int, ...]  # January … December
    occurrences: tuple[int, ...]  # how many times each calendar month lies in the range

    @property
    def means(self) -> list[float | None]:
        return [c / n if n else None for c, n in zip(self.counts, self.occurrences, strict=True)]

    @property
    def total(self) -> int:
        return sum(self.counts)


def _span(selection: Selection) -> Period | None:
    periods = selection_periods(selection)
    if not periods:
        return None
    return Period(periods[0].start, periods[-1].end, PeriodKind.RANGE, selection.first_month)


def weekday_hour(selection: Selection) -> WeekdayHour:
    span = _span(selection)
    matrix = np.zeros((WEEKDAYS, HOURS), dtype=np.float64)
    if span is None:
        return WeekdayHour(_cells(matrix), 0)
    queryset = filtered_incidents(selection).filter(within("occurred_at", [span.bounds()]))
    unknown = queryset.filter(time_unknown=True).count()
    known = queryset.filter(time_unknown=False)
    windowed = known.filter(occurred_until__gt=F("occurred_at"))
    rows = (
        known.exclude(occurred_until__gt=F("occurred_at"))
        .annotate(
            weekday=ExtractIsoWeekDay("occurred_at", tzinfo=STOCKHOLM),
            hour=ExtractHour("occurred_at", tzinfo=STOCKHOLM),
        )
        .values("weekday", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        matrix[row["weekday"] - 1][row["hour"]] += row["n"]
    # occurred_until > occurred_at: never null here.
    windows = [(a, b) for a, b in windowed.values_list("occurred_at", "occurred_until") if b]
    if windows:
        starts = np.array([utc_microseconds(start) for start, _end in windows], dtype=np.int64)
        ends = np.array([utc_microseconds(end) for _start, end in windows], dtype=np.int64)
        matrix += weekday_hour_weights(starts, ends)
    return WeekdayHour(_cells(matrix), unknown, len(windows))


def _cells(matrix: np.ndarray) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(_cell(value) for value in row) for row in matrix.tolist())


def monthly_profile(selection: Selection) -> MonthlyProfile:
    span = _span(selection)
    counts = [0] * 12
    occurrences = [0] * 12
    if span is None:
        return MonthlyProfile(tuple(counts), tuple(occurrences))
    months = periods_between(PeriodKind.MONTH, span.start, span.end)
    for month in months:
        occurrences[month.start.month - 1] += 1
    # The months clipped to the span: whole months from the rollup, the days of a first or
    # last month that the span only partly covers from the incident table.
    clipped = [
        Period(max(m.start, span.start), min(m.end, span.end), PeriodKind.RANGE) for m in months
    ]
    result = count_incidents(selection, ("period",), periods=clipped)
    for row in result.rows:
        assert row.period is not None  # counted by period
        counts[row.period.start.month - 1] += row.count
    return MonthlyProfile(tuple(counts), tuple(occurrences))
