"""Periods the crime-prevention work counts in, and conversions between keys and date ranges.

A council compares *reporting years* (1 September – 31 August, labelled "2021/22"), EST works in
*tertials* and weeks, official statistics come per calendar year, quarter or month, and an
evaluation looks at any date range. A :class:`Period` is one such interval of whole days; its
``key`` is a stable text form ("2021/22", "2023", "2023-T1", "2023-Q1", "2023-03", "2023-W05",
"2023-01-01..2023-02-14") that round-trips through :func:`parse_period`.

Days are days in Sweden: :meth:`Period.bounds` gives aware datetimes at Stockholm midnight, so a
period is exactly right across daylight-saving changes and year ends whatever ``TIME_ZONE`` says.
Periods hold inclusive ``start`` and ``end`` dates (what people write and read); ``stop`` is the
exclusive day after ``end`` (what queries use).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_FIRST_MONTH = 9


class PeriodKind(StrEnum):
    REPORTING_YEAR = "reporting_year"
    YEAR = "year"
    TERTIAL = "tertial"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    RANGE = "range"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    PeriodKind.REPORTING_YEAR: gettext_lazy("reporting year"),
    PeriodKind.YEAR: gettext_lazy("calendar year"),
    PeriodKind.TERTIAL: gettext_lazy("tertial"),
    PeriodKind.QUARTER: gettext_lazy("quarter"),
    PeriodKind.MONTH: gettext_lazy("month"),
    PeriodKind.WEEK: gettext_lazy("week"),
    PeriodKind.RANGE: gettext_lazy("date range"),
}

# Kinds that repeat, so that "the previous period" and "the N before" make sense.
REPEATING = (
    PeriodKind.REPORTING_YEAR,
    PeriodKind.YEAR,
    PeriodKind.TERTIAL,
    PeriodKind.QUARTER,
    PeriodKind.MONTH,
    PeriodKind.WEEK,
)


class PeriodError(ValueError):
    """A period key or range that cannot be read; the message says what was expected."""


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_start(year: int, month: int, months: int = 0) -> date:
    y, m = _add_months(year, month, months)
    return date(y, m, 1)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind = PeriodKind.RANGE
    # Only reporting years depend on it; start, end and kind identify a period.
    first_month: int = field(default=DEFAULT_FIRST_MONTH, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("A period cannot end before it starts."))

    # -- conversions -------------------------------------------------------------------------

    @property
    def stop(self) -> date:
        """The day after the last day: the exclusive end used in queries."""
        return self.end + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.stop - self.start).days

    def bounds(self, tz: ZoneInfo = STOCKHOLM) -> tuple[datetime, datetime]:
        """Aware datetimes [start, stop) at local midnight (Stockholm unless told otherwise)."""
        return (
            datetime.combine(self.start, time(0), tzinfo=tz),
            datetime.combine(self.stop, time(0), tzinfo=tz),
        )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def month_aligned(self) -> bool:
        """True when the period is a run of whole calendar months."""
        return self.start.day == 1 and self.stop.day == 1

    def whole_months(self) -> tuple[date, date] | None:
        """[first, stop) of the whole calendar months inside the period (first days of months),
        or None when it holds no whole month; the days before and after are its edges."""
        start = self.start
        first = start if start.day == 1 else _month_start(start.year, start.month, 1)
        stop = self.stop.replace(day=1)
        return (first, stop) if first < stop else None

    def months(self) -> list[date]:
        """First days of the calendar months the period touches."""
        first = self.start.replace(day=1)
        result = []
        while first <= self.end:
            result.append(first)
            first = _month_start(first.year, first.month, 1)
        return result

    # -- keys and labels ---------------------------------------------------------------------

    @property
    def key(self) -> str:
        s = self.start
        match self.kind:
            case PeriodKind.REPORTING_YEAR:
                if self.first_month == 1:
                    return f"{s.year}"
                return f"{s.year}/{(s.year + 1) % 100:02d}"
            case PeriodKind.YEAR:
                return f"{s.year}"
            case PeriodKind.TERTIAL:
                return f"{s.year}-T{(s.month - 1) // 4 + 1}"
            case PeriodKind.QUARTER:
                return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
            case PeriodKind.MONTH:
                return f"{s.year}-{s.month:02d}"
            case PeriodKind.WEEK:
                year, week, _day = s.isocalendar()
                return f"{year}-W{week:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """How a Swedish reader expects to see the period (in the active language)."""
        s = self.start
        match self.kind:
            case PeriodKind.REPORTING_YEAR | PeriodKind.YEAR:
                return self.key
            case PeriodKind.TERTIAL:
                return _("T%(number)d %(year)d") % {
                    "number": (s.month - 1) // 4 + 1,
                    "year": s.year,
                }
            case PeriodKind.QUARTER:
                return _("Q%(number)d %(year)d") % {
                    "number": (s.month - 1) // 3 + 1,
                    "year": s.year,
                }
            case PeriodKind.MONTH:
                return f"{MONTHS[s.month]} {s.year}"
            case PeriodKind.WEEK:
                year, week, _day = s.isocalendar()
                return _("week %(week)d %(year)d") % {"week": week, "year": year}
        return f"{_format_day(self.start)} – {_format_day(self.end)}"

    def __str__(self) -> str:
        return self.label

    # -- moving in time ----------------------------------------------------------------------

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier when negative), of the same kind.

        A date range moves by its own length, so "the previous range" is the equally long range
        just before it.
        """
        if steps == 0:
            return self
        s = self.start
        match self.kind:
            case PeriodKind.REPORTING_YEAR | PeriodKind.YEAR:
                return period_of(
                    self.kind, _month_start(s.year, s.month, 12 * steps), self.first_month
                )
            case PeriodKind.TERTIAL:
                return period_of(self.kind, _month_start(s.year, s.month, 4 * steps))
            case PeriodKind.QUARTER:
                return period_of(self.kind, _month_start(s.year, s.month, 3 * steps))
            case PeriodKind.MONTH:
                return period_of(self.kind, _month_start(s.year, s.month, steps))
            case PeriodKind.WEEK:
                return period_of(self.kind, s + timedelta(weeks=steps))
        length = timedelta(days=self.days * steps)
        return Period(self.start + length, self.end + length, PeriodKind.RANGE, self.first_month)

    def previous(self, count: int = 1) -> list[Period]:
        """The ``count`` periods just before this one, oldest first."""
        return [self.shift(-n) for n in range(count, 0, -1)]

    def next(self) -> Period:
        return self.shift(1)


def _format_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def period_of(kind: PeriodKind | str, day: date, first_month: int = DEFAULT_FIRST_MONTH) -> Period:
    """The period of ``kind`` that contains ``day``."""
    kind = PeriodKind(kind)
    if not 1 <= first_month <= 12:
        raise PeriodError(_("The first month of the reporting year must be 1–12."))
    match kind:
        case PeriodKind.REPORTING_YEAR:
            year = day.year if day.month >= first_month else day.year - 1
            start = date(year, first_month, 1)
            return Period(
                start, _month_start(year, first_month, 12) - timedelta(days=1), kind, first_month
            )
        case PeriodKind.YEAR:
            return Period(date(day.year, 1, 1), date(day.year, 12, 31), kind, first_month)
        case PeriodKind.TERTIAL | PeriodKind.QUARTER:
            length = 4 if kind is PeriodKind.TERTIAL else 3
            month = (day.month - 1) // length * length + 1
            start = date(day.year, month, 1)
            end = _month_start(day.year, month, length) - timedelta(days=1)
            return Period(start, end, kind, first_month)
        case PeriodKind.MONTH:
            start = day.replace(day=1)
            end = _month_start(day.year, day.month, 1) - timedelta(days=1)
            return Period(start, end, kind, first_month)
        case PeriodKind.WEEK:
            start = day - timedelta(days=day.weekday())
            return Period(start, start + timedelta(days=6), kind, first_month)
    return Period(day, day, PeriodKind.RANGE, first_month)


def local_date(moment: datetime) -> date:
    """The Stockholm calendar day of an aware datetime."""
    if moment.tzinfo is None:
        raise PeriodError("naive datetime")
    return moment.astimezone(STOCKHOLM).date()


def periods_between(
    kind: PeriodKind | str, start: date, end: date, first_month: int = DEFAULT_FIRST_MONTH
) -> list[Period]:
    """Every period of ``kind`` that overlaps [start, end] (inclusive), in order.

    For ``range`` the answer is the one range itself.
    """
    kind = PeriodKind(kind)
    if end < start:
        raise PeriodError(_("A period cannot end before it starts."))
    if kind is PeriodKind.RANGE:
        return [Period(start, end, kind, first_month)]
    return list(_iterate(period_of(kind, start, first_month), end))


def _iterate(period: Period, end: date) -> Iterator[Period]:
    while period.start <= end:
        yield period
        period = period.shift(1)


# "2009-10" would be October 2009; a hyphen only separates reporting years written in full.
_REPORTING_YEAR = re.compile(r"^(\d{4})\s*(?:/\s*(\d{2}|\d{4})|-\s*(\d{4}))$")
_YEAR = re.compile(r"^(\d{4})$")
_TERTIAL = re.compile(r"^(?:(\d{4})\s*[- ]?\s*T\s*([1-3])|T\s*([1-3])\s*[- ]?\s*(\d{4}))$", re.I)
_QUARTER = re.compile(
    r"^(?:(\d{4})\s*[- ]?\s*(?:Q|KV\.?)\s*([1-4])|(?:Q|KV\.?)\s*([1-4])\s*[- ]?\s*(\d{4}))$", re.I
)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(
    r"^(?:(\d{4})\s*-?\s*(?:W|V\.?)\s*(\d{1,2})|(?:W|V\.?)\s*(\d{1,2})\s*,?\s*(\d{4}))$", re.I
)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|/|\s-\s)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(
    text: str, kind: PeriodKind | str | None = None, first_month: int = DEFAULT_FIRST_MONTH
) -> Period:
    """Read a period key (and the common ways people write them) back into a :class:`Period`.

    Accepts "2021/22" and "2021/2022" (reporting year), "2023" (calendar year, or reporting year
    when ``kind`` says so and the first month is January), "2023-T1" / "T1 2023", "2023-Q1" /
    "kv1 2023", "2023-03", "2023-W05" / "v. 5 2023", and "2023-01-01..2023-02-14". When ``kind``
    is given the text must be of that kind.
    """
    value = " ".join(str(text).split())
    wanted = PeriodKind(kind) if kind else None
    period = _parse(value, wanted, first_month)
    if period is None or (wanted is not None and period.kind is not wanted):
        if wanted is not None:
            raise PeriodError(
                _("“%(value)s” is not a %(kind)s (for example %(example)s).")
                % {"value": value, "kind": wanted.label, "example": EXAMPLES[wanted]}
            )
        raise PeriodError(
            _(
                "“%(value)s” is not a period. Write e.g. 2021/22 (reporting year), 2023, 2023-T1, "
                "2023-Q1, 2023-03, 2023-W05 or 2023-01-01..2023-02-14."
            )
            % {"value": value}
        )
    return period


EXAMPLES = {
    PeriodKind.REPORTING_YEAR: "2021/22",
    PeriodKind.YEAR: "2023",
    PeriodKind.TERTIAL: "2023-T1",
    PeriodKind.QUARTER: "2023-Q1",
    PeriodKind.MONTH: "2023-03",
    PeriodKind.WEEK: "2023-W05",
    PeriodKind.RANGE: "2023-01-01..2023-02-14",
}


def _parse(value: str, wanted: PeriodKind | None, first_month: int) -> Period | None:
    try:
        if match := _REPORTING_YEAR.match(value):
            first, written = int(match[1]), match[2] or match[3]
            second = int(written)
            expected = first + 1 if len(written) == 4 else (first + 1) % 100
            if second != expected:
                return None
            return period_of(PeriodKind.REPORTING_YEAR, date(first, first_month, 1), first_month)
        if match := _YEAR.match(value):
            year = int(match[1])
            if wanted is PeriodKind.REPORTING_YEAR:
                if first_month != 1:
                    return None
                return period_of(PeriodKind.REPORTING_YEAR, date(year, 1, 1), 1)
            return period_of(PeriodKind.YEAR, date(year, 1, 1), first_month)
        if match := _TERTIAL.match(value):
            written_year, number = (match[1], match[2]) if match[1] else (match[4], match[3])
            return period_of(
                PeriodKind.TERTIAL, date(int(written_year), (int(number) - 1) * 4 + 1, 1)
            )
        if match := _QUARTER.match(value):
            written_year, number = (match[1], match[2]) if match[1] else (match[4], match[3])
            return period_of(
                PeriodKind.QUARTER, date(int(written_year), (int(number) - 1) * 3 + 1, 1)
            )
        if match := _MONTH.match(value):
            return period_of(PeriodKind.MONTH, date(int(match[1]), int(match[2]), 1))
        if match := _WEEK.match(value):
            written_year, week = (match[1], match[2]) if match[1] else (match[4], match[3])
            return period_of(PeriodKind.WEEK, date.fromisocalendar(int(written_year), int(week), 1))
        if match := _RANGE.match(value):
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            if end < start:
                return None
            return Period(start, end, PeriodKind.RANGE, first_month)
    except ValueError:
        return None
    return None


# Stockholm calendar months, as the monthly rollups count them ----------------------------------


def month_of(moment: datetime) -> date:
    """The first day of the Stockholm calendar month in which an aware datetime falls."""
    return moment.astimezone(STOCKHOLM).date().replace(day=1)


def months_of(moments: Iterable[datetime]) -> set[date]:
    return {month_of(m) for m in moments}


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_start(month: date) -> datetime:
    """Midnight on the month's first day in Stockholm, as an aware datetime.

    Midnight always exists there: the clocks change at 02:00/03:00.
    """
    return datetime(month.year, month.month, 1, tzinfo=STOCKHOLM)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first``'s to ``last``'s, both included."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


# Adding years and months to a day (review dates) -------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
