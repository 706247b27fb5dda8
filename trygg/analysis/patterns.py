"""When incidents happen: a weekday × hour matrix and a monthly seasonal profile.

Hours are Stockholm wall-clock hours. Incidents whose time of day is unknown (date only) are
left out of the hour matrix and counted separately; they still count in the monthly profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from trygg.analysis.counts import count_incidents, filtered_incidents, selection_periods, within
from trygg.analysis.selection import Selection
from trygg.lib.periods import STOCKHOLM, Period, PeriodKind, periods_between

WEEKDAYS = 7
HOURS = 24


@dataclass(frozen=True)
class WeekdayHour:
    matrix: tuple[tuple[int, ...], ...]  # [weekday Monday=0][hour 0–23]
    unknown_time: int

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.matrix)

    @property
    def by_weekday(self) -> list[int]:
        return [sum(row) for row in self.matrix]

    @property
    def by_hour(self) -> list[int]:
        return [sum(row[h] for row in self.matrix) for h in range(HOURS)]


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
    matrix = [[0] * HOURS for _ in range(WEEKDAYS)]
    if span is None:
        return WeekdayHour(tuple(tuple(r) for r in matrix), 0)
    queryset = filtered_incidents(selection).filter(within("occurred_at", [span.bounds()]))
    unknown = queryset.filter(time_unknown=True).count()
    rows = (
        queryset.filter(time_unknown=False)
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
    return WeekdayHour(tuple(tuple(r) for r in matrix), unknown)


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
