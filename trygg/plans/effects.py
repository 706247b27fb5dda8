"""What a measure achieved: the evaluation of its effect and the values of its indicator.

The measure page and ``/api/v1/measures/`` ask the same questions here, as the user who looks:
an evaluation or an indicator value needs areas the user may analyse (incident counts) or
statistics the user may see, and says why when it cannot be given. A list asks for all its
measures at once (``measure_effects``, ``read_indicators``): the evaluations and the incident
indicators share one set of reads (``trygg.analysis.stored``), the statistics indicators one
query, so a list takes as many queries for fifty measures as for one.

An indicator's value is computed from incident counts (its areas and categories, by default
the measure's, over ``window_days`` up to a day), read from a statistics series (the latest
value for one area), or entered by hand. Incident counts stop at the last day with recorded
incidents in the areas, so a data set that ends is not read as a drop to zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.accounts.models import AnyUser
from trygg.analysis.evaluation import (
    Evaluation,
    EvaluationError,
    Evaluations,
    Question,
    WeeklySeries,
    evaluate_many,
    weekly_series,
)
from trygg.analysis.stored import Batch, Questions, Ranges, WindowCounts, ask, may_analyse
from trygg.lib.periods import Period, PeriodKind
from trygg.plans.models import Indicator, IndicatorKind, Measure
from trygg.statistics.models import StatisticSeries
from trygg.statistics.permissions import can_view_statistics
from trygg.statistics.queries import StatValue, series_values

# --- evaluation -----------------------------------------------------------------------------


def _category_ids(measure: Measure) -> list[int]:
    return [c.pk for c in measure.categories.all()]


NOT_EVALUABLE = gettext_lazy(
    "To evaluate the measure, give the area it works in, the categories it should reduce and "
    "its start date."
)


def _question(measure: Measure) -> Question:
    assert measure.area_id is not None and measure.starts_on is not None
    return Question(
        area_id=measure.area_id,
        category_ids=tuple(_category_ids(measure)),
        start=measure.starts_on,
        end=measure.ends_on,
        comparison_area_id=measure.comparison_area_id,
        buffer_area_id=measure.buffer_area_id,
        chosen_after_peak=measure.chosen_after_peak,
    )


def _explained(
    result: Evaluation | PermissionDenied | EvaluationError,
) -> tuple[Evaluation | None, str]:
    if isinstance(result, PermissionDenied):
        return None, _("You may not analyse every area the evaluation needs.")
    if isinstance(result, EvaluationError):
        return None, str(result)
    return result, ""


def measure_evaluation(
    user: AnyUser, measure: Measure, today: dt.date
) -> tuple[Evaluation | None, str]:
    """The evaluation of a measure, or why there is none."""
    if not measure.evaluable:
        return None, str(NOT_EVALUABLE)
    [result] = evaluate_many(user, [_question(measure)], today=today)
    return _explained(result)


def measure_weekly_series(
    user: AnyUser, measure: Measure, evaluation: Evaluation
) -> WeeklySeries | None:
    """The weekly counts behind a measure's evaluation, for its chart."""
    assert measure.area_id is not None
    return weekly_series(
        user,
        evaluation,
        area_id=measure.area_id,
        category_ids=_category_ids(measure),
        comparison_area_id=measure.comparison_area_id,
        buffer_area_id=measure.buffer_area_id,
    )


# --- indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorValue:
    """A value of an indicator on a day, and where it comes from (in the active language)."""

    value: float | None
    on: dt.date | None = None
    source: str = ""


@dataclass(frozen=True)
class IndicatorReading:
    """An indicator's baseline, its current value and its target, and how far it has come."""

    baseline: IndicatorValue
    current: IndicatorValue
    target: float
    target_on: dt.date
    problem: str = ""  # why a value could not be computed

    @property
    def progress(self) -> float | None:
        return progress(self.baseline.value, self.current.value, self.target)


def progress(baseline: float | None, current: float | None, target: float) -> float | None:
    """How far the value has come from the baseline towards the target, in percent.

    0 is the baseline, 100 the target reached; below 0 the value moved away from the target,
    above 100 it went past it. None without a baseline or a current value, or when the target
    equals the baseline.
    """
    if baseline is None or current is None or target == baseline:
        return None
    return (current - baseline) / (target - baseline) * 100


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_sources(indicator: Indicator) -> tuple[list[int], list[int]]:
    """The areas and categories an indicator reads: its own, or else the measure's."""
    measure = indicator.measure
    areas = [a.pk for a in indicator.areas.all()]
    if not areas and measure.area_id:
        areas = [measure.area_id]
    categories = [c.pk for c in indicator.categories.all()] or _category_ids(measure)
    return areas, categories


def _window(day: dt.date, window_days: int) -> Period:
    """The ``window_days`` days up to and including ``day``."""
    return Period(day - dt.timedelta(days=window_days - 1), day, PeriodKind.RANGE)


def _incident_value(
    counts: WindowCounts, areas: set[int], categories: set[int] | None, window: Period
) -> IndicatorValue:
    source = _("incidents %(start)s–%(end)s") % {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
    }
    return IndicatorValue(float(counts.count(areas, categories, window)), window.end, source)


Values = tuple[IndicatorValue, IndicatorValue, str]  # baseline, current, the problem if any


class _IncidentReadings:
    """Incident counts for indicators, asked through ``trygg.analysis.stored.ask``: the
    current value over the window up to today (or the last day with incidents in the areas),
    the baseline over the window up to its day."""

    every_category = False

    def __init__(self, user: AnyUser, indicators: Sequence[Indicator], today: dt.date) -> None:
        self.today = today
        self.found: dict[int, Values] = {}
        self.asked: list[tuple[Indicator, list[int], list[int], IndicatorValue]] = []
        for indicator in indicators:
            stored = _stored_baseline(indicator)
            areas, categories = indicator_sources(indicator)
            if not areas or not categories:
                problem = _("Give the areas and categories the indicator counts.")
                self.found[indicator.pk] = (stored, IndicatorValue(None), problem)
            elif not may_analyse(user, areas):
                problem = _("You may not analyse every area the indicator counts.")
                self.found[indicator.pk] = (stored, IndicatorValue(None), problem)
            else:
                self.asked.append((indicator, areas, categories, stored))
        self.area_ids = [a for _i, areas, _c, _s in self.asked for a in areas]
        self.category_ids = [c for _i, _a, categories, _s in self.asked for c in categories]
        self._windows: dict[int, tuple[Period, Period | None]] = {}

    def windows(self, batch: Batch, ranges: Ranges) -> list[Period]:
        for indicator, areas, _categories, stored in self.asked:
            # The data ends where the areas' incidents do, whatever their category.
            _first, last = ranges.data_range(batch.areas(areas), None)
            if last is None:
                problem = _("There are no incidents in the areas.")
                self.found[indicator.pk] = (stored, IndicatorValue(None), problem)
                continue
            baseline = None
            if stored.value is None and indicator.baseline_on:
                baseline = _window(indicator.baseline_on, indicator.window_days)
            current = _window(min(self.today, last), indicator.window_days)
            self._windows[indicator.pk] = (current, baseline)
        return [w for pair in self._windows.values() for w in pair if w is not None]

    def answer(self, batch: Batch, counts: WindowCounts) -> None:
        for indicator, areas, categories, stored in self.asked:
            if indicator.pk not in self._windows:
                continue
            current_window, baseline_window = self._windows[indicator.pk]
            members, kinds = batch.areas(areas), batch.categories(categories)
            current = _incident_value(counts, members, kinds, current_window)
            baseline = stored
            if baseline_window is not None:
                baseline = _incident_value(counts, members, kinds, baseline_window)
            self.found[indicator.pk] = (baseline, current, "")


def _statistic(value: StatValue) -> IndicatorValue:
    return IndicatorValue(
        value.value, value.period_end, f"{value.series_name}, {value.period_label}"
    )


def _read_statistics(
    user: AnyUser, indicators: Sequence[Indicator], today: dt.date
) -> dict[int, Values]:
    """Statistics for indicators: the latest value of the series for the indicator's first
    area (and its category, else the series' default one) by today and by the baseline day;
    one query for all the indicators."""
    found: dict[int, Values] = {}
    asked: list[tuple[Indicator, StatisticSeries, int, IndicatorValue]] = []
    for indicator in indicators:
        stored = _stored_baseline(indicator)
        areas, _categories = indicator_sources(indicator)
        series = indicator.series
        if series is None or not areas:
            problem = _("Give the statistics series and the area.")
            found[indicator.pk] = (stored, IndicatorValue(None), problem)
        elif not can_view_statistics(user):
            problem = _("You may not see the statistics.")
            found[indicator.pk] = (stored, IndicatorValue(None), problem)
        else:
            asked.append((indicator, series, areas[0], stored))
    if not asked:
        return found
    by_series_and_area: dict[tuple[int, int], list[StatValue]] = defaultdict(list)
    for value in series_values(
        series_ids={series.pk for _i, series, _a, _s in asked},
        area_ids={area for _i, _s, area, _b in asked},
        user=user,
    ):
        by_series_and_area[(value.series_id, value.area_id)].append(value)
    for indicator, series, area, stored in asked:
        own_categories = [c.pk for c in indicator.categories.all()]
        category_id = own_categories[0] if own_categories else series.default_category_id
        values = [v for v in by_series_and_area[(series.pk, area)] if v.category_id == category_id]
        values.sort(key=lambda v: (v.period_end, v.period_start))

        def latest(day: dt.date, values: list[StatValue] = values) -> IndicatorValue | None:
            before = [v for v in values if v.period_end <= day]
            return _statistic(before[-1]) if before else None

        current = latest(today)
        if current is None:
            problem = _("The series has no value for the area yet.")
            found[indicator.pk] = (stored, IndicatorValue(None), problem)
            continue
        baseline = stored
        if stored.value is None and indicator.baseline_on:
            baseline = latest(indicator.baseline_on) or stored
        found[indicator.pk] = (baseline, current, "")
    return found


def _stored_baseline(indicator: Indicator) -> IndicatorValue:
    return IndicatorValue(_float(indicator.baseline), indicator.baseline_on, _("entered"))


def _reading(indicator: Indicator, computed: dict[int, Values]) -> IndicatorReading:
    if indicator.pk in computed:
        baseline, current, problem = computed[indicator.pk]
    else:  # entered by hand
        baseline, problem = _stored_baseline(indicator), ""
        current = IndicatorValue(
            _float(indicator.manual_value), indicator.manual_value_on, _("entered")
        )
    return IndicatorReading(
        baseline=baseline,
        current=current,
        target=float(indicator.target_value),
        target_on=indicator.target_on,
        problem=problem,
    )


def _computed(
    user: AnyUser, indicators: Sequence[Indicator], today: dt.date, *also: Questions
) -> dict[int, Values]:
    """The indicators' computed values; ``also`` are other questions asked in the same reads."""
    incidents = _IncidentReadings(
        user, [i for i in indicators if i.kind == IndicatorKind.INCIDENTS], today
    )
    ask(user, incidents, *also)
    statistics = [i for i in indicators if i.kind == IndicatorKind.STATISTICS]
    return incidents.found | _read_statistics(user, statistics, today)


def read_indicators(
    user: AnyUser, indicators: Sequence[Indicator], today: dt.date
) -> dict[int, IndicatorReading]:
    """Each indicator's baseline, current value and target as the user may see them, by id,
    in the same few queries however many the indicators (prefetch their areas and
    categories, and their measures' categories)."""
    computed = _computed(user, indicators, today)
    return {indicator.pk: _reading(indicator, computed) for indicator in indicators}


def read_indicator(user: AnyUser, indicator: Indicator, today: dt.date) -> IndicatorReading:
    """The indicator's baseline, current value and target as the user may see them."""
    return read_indicators(user, [indicator], today)[indicator.pk]


@dataclass(frozen=True)
class Effects:
    """What the measure page shows of a measure's effect: its evaluation (or why there is
    none) and its indicator's reading (None without an indicator)."""

    evaluation: Evaluation | None
    no_evaluation: str
    reading: IndicatorReading | None


def measure_effects(
    user: AnyUser, measures: Sequence[Measure], today: dt.date
) -> dict[int, Effects]:
    """Each measure's evaluation and indicator reading, by measure id, as the measure page
    shows them: the same few queries however many the measures (the evaluations and the
    incident indicators share their reads; statistics indicators add one). Select each
    measure's ``indicator`` (and prefetch its areas and categories) with the measures."""
    evaluable = [m for m in measures if m.evaluable]
    evaluations = Evaluations(user, [_question(m) for m in evaluable], today=today)
    indicators = []
    for measure in measures:
        indicator = getattr(measure, "indicator", None)
        if indicator is not None:
            indicator.measure = measure  # its areas and categories default to the measure's
            indicators.append(indicator)
    computed = _computed(user, indicators, today, evaluations)
    explained = {
        m.pk: _explained(result) for m, result in zip(evaluable, evaluations.results, strict=True)
    }
    effects = {}
    for measure in measures:
        evaluation, no_evaluation = explained.get(measure.pk, (None, str(NOT_EVALUABLE)))
        indicator = getattr(measure, "indicator", None)
        reading = _reading(indicator, computed) if indicator is not None else None
        effects[measure.pk] = Effects(evaluation, no_evaluation, reading)
    return effects
