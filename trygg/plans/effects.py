"""What a measure achieved: the evaluation of its effect and the values of its indicator.

The measure page and ``/api/v1/measures/`` ask the same questions here, as the user who looks:
an evaluation or an indicator value needs areas the user may analyse (incident counts) or
statistics the user may see, and says why when it cannot be given.

An indicator's value is computed from incident counts (its areas and categories, by default
the measure's, over ``window_days`` up to a day), read from a statistics series (the latest
value for one area), or entered by hand. Incident counts stop at the last day with recorded
incidents in the areas, so a data set that ends is not read as a drop to zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser
from trygg.analysis.counts import count_incidents, data_range
from trygg.analysis.evaluation import (
    Evaluation,
    EvaluationError,
    WeeklySeries,
    evaluate,
    weekly_series,
)
from trygg.analysis.selection import SelectionError, build_selection
from trygg.lib.periods import Period, PeriodKind
from trygg.plans.models import Indicator, IndicatorKind, Measure
from trygg.statistics.permissions import can_view_statistics
from trygg.statistics.queries import StatValue, series_values

# --- evaluation -----------------------------------------------------------------------------


def _category_ids(measure: Measure) -> list[int]:
    return [c.pk for c in measure.categories.all()]


def measure_evaluation(
    user: AnyUser, measure: Measure, today: dt.date
) -> tuple[Evaluation | None, str]:
    """The evaluation of a measure, or why there is none."""
    if not measure.evaluable:
        return None, _(
            "To evaluate the measure, give the area it works in, the categories it should "
            "reduce and its start date."
        )
    assert measure.area_id is not None and measure.starts_on is not None
    try:
        result = evaluate(
            user,
            area_id=measure.area_id,
            category_ids=_category_ids(measure),
            start=measure.starts_on,
            end=measure.ends_on,
            today=today,
            comparison_area_id=measure.comparison_area_id,
            buffer_area_id=measure.buffer_area_id,
            chosen_after_peak=measure.chosen_after_peak,
        )
    except PermissionDenied:
        return None, _("You may not analyse every area the evaluation needs.")
    except EvaluationError as error:
        return None, str(error)
    return result, ""


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


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def indicator_sources(indicator: Indicator) -> tuple[list[int], list[int]]:
    """The areas and categories an indicator reads: its own, or else the measure's."""
    measure = indicator.measure
    areas = [a.pk for a in indicator.areas.all()]
    if not areas and measure.area_id:
        areas = [measure.area_id]
    categories = [c.pk for c in indicator.categories.all()] or _category_ids(measure)
    return areas, categories


def _incident_count(
    user: AnyUser, areas: list[int], categories: list[int], day: dt.date, window_days: int
) -> IndicatorValue:
    window = Period(day - dt.timedelta(days=window_days - 1), day, PeriodKind.RANGE)
    selection = build_selection(
        user,
        area_ids=areas,
        category_ids=categories,
        start=window.start,
        end=window.end,
        period_kind=PeriodKind.RANGE,
    )
    total = count_incidents(selection, (), periods=[window]).total
    source = _("incidents %(start)s–%(end)s") % {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
    }
    return IndicatorValue(float(total), day, source)


def _read_incidents(
    user: AnyUser, indicator: Indicator, today: dt.date
) -> tuple[IndicatorValue, IndicatorValue, str]:
    stored = _stored_baseline(indicator)
    areas, categories = indicator_sources(indicator)
    if not areas or not categories:
        problem = _("Give the areas and categories the indicator counts.")
        return stored, IndicatorValue(None), problem
    try:
        _first, last = data_range(build_selection(user, area_ids=areas))
        if last is None:
            return stored, IndicatorValue(None), _("There are no incidents in the areas.")
        current = _incident_count(user, areas, categories, min(today, last), indicator.window_days)
        baseline = stored
        if stored.value is None and indicator.baseline_on:
            baseline = _incident_count(
                user, areas, categories, indicator.baseline_on, indicator.window_days
            )
    except PermissionDenied:
        problem = _("You may not analyse every area the indicator counts.")
        return stored, IndicatorValue(None), problem
    except SelectionError as error:
        return stored, IndicatorValue(None), str(error)
    return baseline, current, ""


def _statistic(value: StatValue) -> IndicatorValue:
    return IndicatorValue(
        value.value, value.period_end, f"{value.series_name}, {value.period_label}"
    )


def _read_statistics(
    user: AnyUser, indicator: Indicator, today: dt.date
) -> tuple[IndicatorValue, IndicatorValue, str]:
    stored = _stored_baseline(indicator)
    areas, _categories = indicator_sources(indicator)
    series = indicator.series
    if series is None or not areas:
        return stored, IndicatorValue(None), _("Give the statistics series and the area.")
    if not can_view_statistics(user):
        return stored, IndicatorValue(None), _("You may not see the statistics.")
    own_categories = [c.pk for c in indicator.categories.all()]
    category_id = own_categories[0] if own_categories else series.default_category_id
    values = [
        v
        for v in series_values(series_ids=[series.pk], area_ids=areas[:1], user=user)
        if v.category_id == category_id
    ]
    values.sort(key=lambda v: (v.period_end, v.period_start))

    def latest(day: dt.date) -> IndicatorValue | None:
        found = [v for v in values if v.period_end <= day]
        return _statistic(found[-1]) if found else None

    current = latest(today)
    if current is None:
        return stored, IndicatorValue(None), _("The series has no value for the area yet.")
    baseline = stored
    if stored.value is None and indicator.baseline_on:
        baseline = latest(indicator.baseline_on) or stored
    return baseline, current, ""


def _stored_baseline(indicator: Indicator) -> IndicatorValue:
    return IndicatorValue(_float(indicator.baseline), indicator.baseline_on, _("entered"))


def read_indicator(user: AnyUser, indicator: Indicator, today: dt.date) -> IndicatorReading:
    """The indicator's baseline, current value and target as the user may see them."""
    if indicator.kind == IndicatorKind.INCIDENTS:
        baseline, current, problem = _read_incidents(user, indicator, today)
    elif indicator.kind == IndicatorKind.STATISTICS:
        baseline, current, problem = _read_statistics(user, indicator, today)
    else:
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
