"""Changes that are tested: is this period really different from the one(s) before?

A coordinator compares this reporting year with the last and wants to know whether a change is
more than chance. Each area × category group compares its count in the current period with the
previous period (or with the mean of the N periods before) by the conditional exact test for two
Poisson counts (``trygg.lib.stats.poisson_exact_tests``), exposures being the days each window
covers. When the current period is not over yet, every earlier window is cut to the same length
("so far this year" against the same part of earlier years).

The EST weekly view asks a narrower question: is this week's count improbably *high* for each
group, given the previous eight weeks? Under a Poisson baseline with the mean of those weeks
(plus half an event, so that a quiet spell does not make one report look extraordinary), the
upper-tail probability says how surprising the week is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.analysis.counts import count_incidents, data_range, harm_weights
from trygg.analysis.selection import Group, Selection
from trygg.lib.periods import Period, PeriodKind, local_date, period_of
from trygg.lib.stats import poisson_exact_tests, poisson_upper_tails

PREVIOUS = "previous"
MEAN = "mean"
DEFAULT_ALPHA = 0.05
WEEKLY_THRESHOLD = 0.01
WEEKLY_BASELINE_WEEKS = 8


@dataclass(frozen=True)
class Window:
    """A period as compared: the whole period, or its first part when it is not over."""

    period: Period  # the full period (for its key and label)
    start: date
    end: date

    @property
    def span(self) -> Period:
        return Period(self.start, self.end, PeriodKind.RANGE, self.period.first_month)

    @property
    def partial(self) -> bool:
        return self.end < self.period.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.partial:
            return _("%(period)s up to %(day)s") % {
                "period": self.period.label,
                "day": f"{self.end.day}/{self.end.month}",
            }
        return self.period.label


@dataclass(frozen=True)
class Change:
    area: Group | None
    category: Group | None
    current: int
    baseline: float  # the previous count, or the mean of the previous counts
    baseline_counts: tuple[int, ...]
    rate_ratio: float | None
    change_percent: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float
    significant: bool
    # Crime harm in the same windows (categories' harm weights), when any category has one.
    harm_current: float | None = None
    harm_baseline: float | None = None

    @property
    def harm_change_percent(self) -> float | None:
        if self.harm_current is None or self.harm_baseline is None or not self.harm_baseline:
            return None
        return (self.harm_current - self.harm_baseline) / self.harm_baseline * 100

    @property
    def direction(self) -> str:
        if not self.significant:
            return "none"
        return "up" if self.current > self.baseline else "down"

    @property
    def verdict(self) -> str:
        if self.direction == "up":
            return _("increase, statistically supported")
        if self.direction == "down":
            return _("decrease, statistically supported")
        return _("no supported change")


@dataclass(frozen=True)
class ChangeResult:
    current: Window
    baseline: tuple[Window, ...]
    comparison: str
    alpha: float
    rows: tuple[Change, ...]
    from_rollup: bool


def current_window(selection: Selection) -> Window | None:
    """The period that contains the selection's end (or the last day with data)."""
    end = selection.end or data_range(selection)[1]
    if end is None:
        return None
    if selection.period_kind is PeriodKind.RANGE:
        start = selection.start or end
        period = Period(start, end, PeriodKind.RANGE, selection.first_month)
        return Window(period, start, end)
    period = period_of(selection.period_kind, end, selection.first_month)
    return Window(period, period.start, min(end, period.end))


def compare_periods(
    selection: Selection,
    *,
    group_by: tuple[str, ...] = ("area", "category"),
    comparison: str = PREVIOUS,
    n_previous: int = 3,
    alpha: float = DEFAULT_ALPHA,
) -> ChangeResult | None:
    """The current period against the previous one, or against the mean of ``n_previous``."""
    if comparison not in (PREVIOUS, MEAN):
        raise ValueError(f"comparison must be {PREVIOUS!r} or {MEAN!r}")
    current = current_window(selection)
    if current is None:
        return None
    steps = 1 if comparison == PREVIOUS else max(1, n_previous)
    baseline = []
    for step in range(steps, 0, -1):
        earlier = current.period.shift(-step)
        baseline.append(Window(earlier, earlier.start, earlier.start + timedelta(current.days - 1)))
    windows = [*baseline, current]
    spans = [w.span for w in windows]
    counts = count_incidents(selection, (*group_by, "period"), periods=spans)

    by_group: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(windows))
    index = {w.span: i for i, w in enumerate(windows)}
    for row in counts.rows:
        assert row.period is not None  # counted by period
        by_group[(row.area, row.category)][index[row.period]] += row.count
    harm_by_group: dict[tuple, list[float]] | None = None
    if harm_weights():
        harm_by_group = defaultdict(lambda: [0.0] * len(windows))
        for row in count_incidents(selection, (*group_by, "period"), periods=spans, harm=True).rows:
            assert row.period is not None
            harm_by_group[(row.area, row.category)][index[row.period]] += row.count
    groups = list(by_group)
    current_counts = np.array([by_group[g][-1] for g in groups], dtype=np.int64)
    baseline_counts = np.array([by_group[g][:-1] for g in groups], dtype=np.int64).reshape(
        len(groups), len(baseline)
    )
    tests = poisson_exact_tests(
        current_counts,
        current.days,
        baseline_counts.sum(axis=1),
        sum(w.days for w in baseline),
    )
    rows = []
    for i, (area, category) in enumerate(groups):
        p_value = float(tests.p_value[i])
        rows.append(
            Change(
                area=area,
                category=category,
                current=int(current_counts[i]),
                baseline=float(baseline_counts[i].mean()),
                baseline_counts=tuple(int(c) for c in baseline_counts[i]),
                rate_ratio=_finite(tests.rate_ratio[i]),
                change_percent=_finite(tests.change_percent[i]),
                ci_low=_finite(tests.ci_low[i]),
                ci_high=_finite(tests.ci_high[i]),
                p_value=p_value,
                significant=p_value < alpha,
                harm_current=(
                    round(harm_by_group[(area, category)][-1], 1) if harm_by_group else None
                ),
                harm_baseline=(
                    round(float(np.mean(harm_by_group[(area, category)][:-1])), 1)
                    if harm_by_group
                    else None
                ),
            )
        )
    return ChangeResult(
        current, tuple(baseline), comparison, alpha, tuple(rows), counts.from_rollup
    )


def _finite(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


# -- the EST weekly view ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyRow:
    area: Group | None
    category: Group | None
    count: int
    previous: tuple[int, ...]
    expected: float
    p_value: float
    stands_out: bool

    @property
    def mean(self) -> float:
        return sum(self.previous) / len(self.previous) if self.previous else 0.0


@dataclass(frozen=True)
class WeeklyResult:
    week: Period
    previous: tuple[Period, ...]
    threshold: float
    rows: tuple[WeeklyRow, ...]

    @property
    def standing_out(self) -> list[WeeklyRow]:
        return sorted((r for r in self.rows if r.stands_out), key=lambda r: r.p_value)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


def default_week(selection: Selection, today: date | None = None) -> Period | None:
    """The last complete week; if nothing was reported in it or the eight before, the last
    complete week of the data (so a quiet or historical installation still shows something)."""
    today = today or local_date(timezone.now())
    week = period_of(PeriodKind.WEEK, today).shift(-1)
    last = data_range(selection)[1]
    if last is None:
        return None
    if last < week.shift(-WEEKLY_BASELINE_WEEKS).start:
        latest = period_of(PeriodKind.WEEK, last)
        # A week the data stops in the middle of would look like a quiet week.
        return latest if last == latest.end else latest.shift(-1)
    return week


def weekly_view(
    selection: Selection,
    week: Period | None = None,
    *,
    group_by: tuple[str, ...] = ("area", "category"),
    weeks: int = WEEKLY_BASELINE_WEEKS,
    threshold: float = WEEKLY_THRESHOLD,
) -> WeeklyResult | None:
    """This week per group against the ``weeks`` before it, flagging improbably high counts."""
    week = week or default_week(selection)
    if week is None:
        return None
    previous = week.previous(weeks)
    counts = count_incidents(selection, (*group_by, "period"), periods=[*previous, week])
    index = {p: i for i, p in enumerate([*previous, week])}
    by_group: dict[tuple, list[int]] = defaultdict(lambda: [0] * (weeks + 1))
    for row in counts.rows:
        assert row.period is not None  # counted by period
        by_group[(row.area, row.category)][index[row.period]] += row.count
    groups = list(by_group)
    observed = np.array([by_group[g][-1] for g in groups], dtype=np.int64)
    history = np.array([by_group[g][:-1] for g in groups], dtype=np.int64).reshape(
        len(groups), weeks
    )
    expected = (history.sum(axis=1) + 0.5) / weeks
    p_values = poisson_upper_tails(observed, expected) if groups else np.array([])
    rows = [
        WeeklyRow(
            area=area,
            category=category,
            count=int(observed[i]),
            previous=tuple(int(c) for c in history[i]),
            expected=float(expected[i]),
            p_value=float(p_values[i]),
            stands_out=bool(observed[i] > 0 and p_values[i] < threshold),
        )
        for i, (area, category) in enumerate(groups)
    ]
    return WeeklyResult(week, tuple(previous), threshold, tuple(rows))
