"""The evaluation of a measure on a constructed dataset, checked against lib.stats directly,
statsmodels and the issue's reference values; the weekly series and its chart."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from statsmodels.stats import rates as sm_rates

from tests.analysis.evaluation_data import BEFORE_START, END, START, plant, standard_dataset
from tests.factories import AreaFactory
from trygg.analysis import charts
from trygg.analysis.evaluation import (
    EvaluationError,
    evaluate,
    week_bins,
    weekly_series,
    windows,
)
from trygg.incidents.models import Category
from trygg.lib.periods import Period, PeriodKind
from trygg.lib.stats import (
    WDQInterpretation,
    rate_ratio_before_after,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)


@pytest.fixture
def dataset(world):
    return standard_dataset(world)


def _evaluate(world, dataset, **extra):
    category, _grondal = dataset
    arguments = {
        "area_id": world.liljeholmen.pk,
        "category_ids": [category.pk],
        "start": START,
        "end": END,
        "today": dt.date(2024, 1, 1),
    }
    return evaluate(world.carol, **(arguments | extra))


def test_equal_windows_around_the_start(world, dataset):
    result = _evaluate(world, dataset)
    assert (result.before.start, result.before.end) == (BEFORE_START, dt.date(2023, 2, 28))
    assert (result.after.start, result.after.end) == (START, dt.date(2023, 4, 30))
    assert (result.treated.before, result.treated.after) == (100, 70)


def test_without_a_comparison_area_the_rate_ratio_is_the_treated_areas_own(world, dataset):
    result = _evaluate(world, dataset)
    assert result.rate == rate_ratio_before_after(100, 70, exposure_before=61, exposure_after=61)
    assert result.rate.ci_low < 0.7 < result.rate.ci_high  # the planted drop is recovered
    assert result.wdd is None and result.wdq is None
    assert any("comparison area" in c or "jämförelseområde" in c for c in result.caveats)


def test_with_comparison_and_buffer_areas(world, dataset):
    _category, grondal = dataset
    result = _evaluate(
        world, dataset, comparison_area_id=world.skarholmen.pk, buffer_area_id=grondal.pk
    )
    assert (result.comparison.before, result.comparison.after) == (60, 60)
    assert (result.buffer.before, result.buffer.after) == (40, 36)
    assert result.rate == rate_ratio_before_after(100, 70, 60, 60)
    assert result.rate.rate_ratio == pytest.approx(0.7)
    assert result.rate.effect_percent == pytest.approx(-30)
    assert result.wdd == weighted_displacement_difference(100, 70, 60, 60)
    assert (result.wdd.wdd, result.wdd.variance) == (-30, 290)
    assert result.wdq == weighted_displacement_quotient(100, 70, 60, 60, 40, 36)
    assert result.wdq.interpretation is WDQInterpretation.DIFFUSION
    assert "30 %" in result.statement


def test_windows_stop_at_the_last_day_with_data(world, dataset):
    result = _evaluate(world, dataset, end=None, today=dt.date(2030, 1, 1))
    assert result.after.end <= dt.date(2023, 4, 30)
    assert result.before.days == result.after.days


def test_chosen_after_a_peak_warns_of_regression_to_the_mean(world, dataset):
    plain = _evaluate(world, dataset)
    result = _evaluate(world, dataset, chosen_after_peak=True)
    assert result.caveats[:-1] == plain.caveats  # short windows, no comparison area
    assert "(regression" in result.caveats[-1] or "regression mot medelvärdet" in result.caveats[-1]


def test_short_windows_and_small_counts_are_flagged():
    before, after, shortened = windows(
        START, end=None, today=dt.date(2023, 3, 30), first_data=dt.date(2023, 2, 20),
        last_data=dt.date(2023, 12, 31),
    )  # fmt: skip
    assert shortened and before.days == after.days == 9
    assert before.end == dt.date(2023, 2, 28)


def test_a_measure_that_starts_after_the_data_cannot_be_evaluated():
    with pytest.raises(EvaluationError):
        windows(START, end=None, today=dt.date(2024, 1, 1), first_data=None,
                last_data=dt.date(2023, 1, 1))  # fmt: skip


def test_areas_outside_the_users_scope_are_refused(world, dataset):
    with pytest.raises(PermissionDenied):
        evaluate(
            world.alice,  # coordinates Hägersten-Älvsjö, not Skärholmen
            area_id=world.liljeholmen.pk,
            category_ids=[dataset[0].pk],
            start=START,
            today=dt.date(2024, 1, 1),
            comparison_area_id=world.skarholmen.pk,
        )


# --- reference values through the whole evaluation ------------------------------------------


def test_wdq_reference_value_minus_one_from_planted_incidents(world):
    # Issue 5: T0 = 100, T1 = 50, B0 = 100, B1 = 150, C0 = C1 = 100 gives WDQ = −1.
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    buffer = AreaFactory(name="Gröndal", parent=world.district)
    plant(
        [(world.liljeholmen, 100, 50), (world.skarholmen, 100, 100), (buffer, 100, 150)],
        category,
    )
    result = evaluate(
        world.carol,
        area_id=world.liljeholmen.pk,
        category_ids=[category.pk],
        start=START,
        end=END,
        today=dt.date(2024, 1, 1),
        comparison_area_id=world.skarholmen.pk,
        buffer_area_id=buffer.pk,
    )
    assert result.wdq.wdq == -1.0
    assert result.wdq.interpretation is WDQInterpretation.DISPLACEMENT_ERASES_EFFECT
    assert "moved to the buffer area" in result.statement or "buffertområdet" in result.statement


def test_treated_interval_ends_are_statsmodels_exact_conditional(world, dataset):
    # The exact conditional interval is the set of ratios statsmodels' exact-cond test does
    # not reject: at each end its one-sided p-value is α/2.
    result = _evaluate(world, dataset)
    days = result.after.days
    for value, alternative in ((result.rate.ci_low, "larger"), (result.rate.ci_high, "smaller")):
        test = sm_rates.test_poisson_2indep(
            70, days, 100, days, value=value, method="exact-cond", alternative=alternative
        )
        assert test.pvalue == pytest.approx(0.025, abs=1e-7)
    reference = sm_rates.test_poisson_2indep(70, days, 100, days, method="exact-cond")
    assert result.rate.p_value == pytest.approx(reference.pvalue, abs=1e-12)


def test_planted_drop_net_of_the_comparison_area_is_within_its_interval(world, dataset):
    result = _evaluate(world, dataset, comparison_area_id=world.skarholmen.pk)
    assert result.rate.ci_low <= 0.7 <= result.rate.ci_high
    assert result.rate.effect_ci_low <= -30 <= result.rate.effect_ci_high


# --- the weekly series and its chart ---------------------------------------------------------


def test_week_bins_start_on_the_start_and_fit_inside_the_windows():
    before = Period(BEFORE_START, START - dt.timedelta(days=1), PeriodKind.RANGE)
    after = Period(START, END, PeriodKind.RANGE)
    weeks = week_bins(before, after)
    assert len(weeks) == 16  # 61 days: 8 whole weeks on each side
    assert weeks[8].start == START and all(w.days == 7 for w in weeks)
    assert weeks[0].start >= before.start and weeks[-1].end <= after.end
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(weeks))


def test_windows_shorter_than_a_week_have_no_weeks():
    day = dt.timedelta(days=1)
    assert week_bins(Period(START - 5 * day, START - day), Period(START, START + 4 * day)) == []


def test_weekly_counts_add_up_to_the_evaluation_over_the_same_weeks(world, dataset):
    category, grondal = dataset
    areas = {"comparison_area_id": world.skarholmen.pk, "buffer_area_id": grondal.pk}
    result = _evaluate(world, dataset, **areas)
    series = weekly_series(
        world.carol, result, area_id=world.liljeholmen.pk, category_ids=[category.pk], **areas
    )
    whole_weeks = _evaluate(world, dataset, window_days=56, **areas)
    for name in ("treated", "comparison", "buffer"):
        counts, weekly = getattr(whole_weeks, name), getattr(series, name)
        assert (sum(weekly[:8]), sum(weekly[8:])) == (counts.before, counts.after), name
    assert series.treated_mean_before == pytest.approx(whole_weeks.treated.before / 8)


def test_the_chart_draws_as_svg_with_swedish_text_and_as_png(world, dataset):
    category, _grondal = dataset
    result = _evaluate(world, dataset, comparison_area_id=world.skarholmen.pk)
    series = weekly_series(
        world.carol,
        result,
        area_id=world.liljeholmen.pk,
        category_ids=[category.pk],
        comparison_area_id=world.skarholmen.pk,
    )
    names = {"treated": "Liljeholmen", "comparison": "Skärholmen"}
    with translation.override("sv"):
        svg = charts.render(charts.evaluation_chart(series, names), "svg")
    assert svg.startswith("<svg")
    assert "Liljeholmen" in svg and "Skärholmen" in svg
    assert "Start 2023-03-01" in svg and "Händelser per vecka" in svg
    png = charts.render(charts.evaluation_chart(series, names), "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.frombuffer(png, dtype=np.uint8).size > 1000
