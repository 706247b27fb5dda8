"""The evaluation of a measure on a constructed dataset, checked against lib.stats directly."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import AreaFactory
from trygg.analysis.evaluation import EvaluationError, evaluate, windows
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Source
from trygg.lib.stats import (
    WDQInterpretation,
    rate_ratio_before_after,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.date(2023, 3, 1)
DAYS = 61  # 1 March – 30 April; before: 29 December – 28 February
BEFORE_START = START - dt.timedelta(days=DAYS)


def _spread(area, category, first: dt.date, n: int) -> list[IncidentDraft]:
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


@pytest.fixture
def dataset(world):
    """Treated Liljeholmen 100 → 70 (a planted 30 % drop), comparison Skärholmen 60 → 60,
    buffer Gröndal 40 → 36; plus another category in Liljeholmen that must not count."""
    category, other = Category.objects.filter(children__isnull=True).order_by("id")[:2]
    grondal = AreaFactory(name="Gröndal", parent=world.district)
    drafts = []
    for area, before, after in (
        (world.liljeholmen, 100, 70),
        (world.skarholmen, 60, 60),
        (grondal, 40, 36),
    ):
        drafts += _spread(area, category, BEFORE_START, before)
        drafts += _spread(area, category, START, after)
    drafts += _spread(world.liljeholmen, other, START, 50)
    record_incidents(drafts, source=Source.IMPORT)
    return category, grondal


def _evaluate(world, dataset, **extra):
    category, _grondal = dataset
    arguments = {
        "area_id": world.liljeholmen.pk,
        "category_ids": [category.pk],
        "start": START,
        "end": dt.date(2023, 4, 30),
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
