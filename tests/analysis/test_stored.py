"""Many questions from one read: the batch gives the counts and data ranges the counting
engine gives for each question alone, and evaluates a list in the same queries as one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.analysis.conftest import make_incidents
from trygg.analysis.counts import count_incidents, data_range
from trygg.analysis.evaluation import EvaluationError, Question, evaluate_many
from trygg.analysis.selection import build_selection
from trygg.analysis.stored import Batch, may_analyse
from trygg.incidents.models import Category
from trygg.lib.periods import Period, PeriodKind

TODAY = dt.date(2024, 1, 1)


@pytest.fixture
def incidents(world):
    return make_incidents(world)


def _window(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, PeriodKind.RANGE)


# Overlapping windows, a window of whole months (which the engine reads from the rollup),
# windows across the DST change and the new year.
WINDOWS = [
    _window(dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    _window(dt.date(2022, 6, 15), dt.date(2023, 3, 26)),
    _window(dt.date(2022, 12, 31), dt.date(2023, 1, 1)),
    _window(dt.date(2023, 3, 1), dt.date(2023, 4, 30)),
    _window(dt.date(2021, 8, 1), dt.date(2023, 9, 30)),
]


def _questions(world):
    """(areas, categories) asked together: groups that overlap (the district holds
    Liljeholmen), a parent category with its children, every category."""
    leaves = list(Category.objects.filter(children__isnull=True).order_by("id")[:4])
    parent = Category.objects.filter(children__isnull=False).order_by("id").first()
    return [
        ([world.liljeholmen.pk], [leaves[0].pk]),
        ([world.district.pk], [leaves[0].pk, leaves[1].pk]),
        ([world.district.pk, world.skarholmen.pk], [parent.pk]),
        ([world.stockholm.pk], []),
        ([world.skarholmen.pk], [leaves[2].pk, leaves[3].pk]),
    ]


def test_window_counts_equal_the_counting_engine(world, incidents):
    questions = _questions(world)
    batch = Batch(
        world.carol, [a for q in questions for a in q[0]], [c for q in questions for c in q[1]]
    )
    counts = batch.counts(WINDOWS, every_category=True)
    for area_ids, category_ids in questions:
        selection = build_selection(world.carol, area_ids=area_ids, category_ids=category_ids)
        for window in WINDOWS:
            expected = count_incidents(selection, (), periods=[window]).total
            found = counts.count(batch.areas(area_ids), batch.categories(category_ids), window)
            assert found == expected, (area_ids, category_ids, window)


def test_data_ranges_equal_the_counting_engine(world, incidents):
    questions = _questions(world)
    batch = Batch(
        world.carol, [a for q in questions for a in q[0]], [c for q in questions for c in q[1]]
    )
    ranges = batch.ranges()
    for area_ids, category_ids in questions:
        selection = build_selection(world.carol, area_ids=area_ids, category_ids=category_ids)
        found = ranges.data_range(batch.areas(area_ids), batch.categories(category_ids))
        assert found == data_range(selection)


def test_areas_the_user_may_not_analyse(world):
    assert may_analyse(world.alice, [world.liljeholmen.pk, world.district.pk])
    assert not may_analyse(world.alice, [world.liljeholmen.pk, world.skarholmen.pk])
    assert not may_analyse(world.erin, [world.liljeholmen.pk])


def _evaluation_questions(world, count: int) -> list[Question]:
    leaves = list(Category.objects.filter(children__isnull=True).order_by("id")[:3])
    areas = [world.liljeholmen.pk, world.district.pk, world.skarholmen.pk]
    return [
        Question(
            area_id=areas[n % 3],
            category_ids=(leaves[n % 3].pk,),
            start=dt.date(2022, 9, 1) + dt.timedelta(days=17 * n),
            end=dt.date(2023, 6, 30) if n % 2 else None,
            comparison_area_id=areas[(n + 1) % 3] if n % 4 else None,
            buffer_area_id=world.stockholm.pk if n % 4 == 3 else None,
            window_days=200 if n % 5 == 0 else None,
        )
        for n in range(count)
    ]


def test_a_list_of_evaluations_equals_each_evaluated_alone(world, incidents):
    questions = _evaluation_questions(world, 12)
    together = evaluate_many(world.carol, questions, today=TODAY)
    for question, found in zip(questions, together, strict=True):
        [alone] = evaluate_many(world.carol, [question], today=TODAY)
        assert found == alone
        selection = build_selection(
            world.carol, area_ids=[question.area_id], category_ids=question.category_ids
        )
        counts = count_incidents(selection, ("period",), periods=[found.before, found.after])
        assert (found.treated.before, found.treated.after) == tuple(
            int(n) for n in counts.counts.ravel()
        )


def test_each_question_says_what_stops_it(world, incidents):
    [fine, elsewhere, too_late] = evaluate_many(
        world.alice,  # coordinates Hägersten-Älvsjö, not Skärholmen
        [
            *_evaluation_questions(world, 1),
            Question(area_id=world.skarholmen.pk, category_ids=(), start=dt.date(2022, 9, 1)),
            Question(area_id=world.district.pk, category_ids=(), start=dt.date(2030, 1, 1)),
        ],
        today=TODAY,
    )
    assert fine.treated.before > 0
    assert isinstance(elsewhere, PermissionDenied)
    assert isinstance(too_late, EvaluationError)


def test_twelve_evaluations_take_the_queries_of_one(world, incidents):
    def queries(count: int) -> int:
        questions = _evaluation_questions(world, count)
        with CaptureQueriesContext(connection) as captured:
            evaluate_many(world.carol, questions, today=TODAY)
        return len(captured)

    assert queries(12) == queries(1) == 5
