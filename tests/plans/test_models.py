from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from trygg.plans.actions import decide_plan, record_follow_up
from trygg.plans.models import ActionPlan, Evidence, Measure, PlanStatus


def test_review_date_defaults_to_two_years_after_the_decision(plan):
    assert plan.review_date == dt.date(2025, 2, 16)


def test_review_years_come_from_the_setting(plan, settings):
    settings.TRYGG_ACTION_PLAN_REVIEW_YEARS = 3
    assert plan.review_date == dt.date(2026, 2, 16)


def test_an_explicit_review_date_wins(plan):
    plan.review_on = dt.date(2024, 6, 30)
    assert plan.review_date == dt.date(2024, 6, 30)


def test_a_draft_has_no_review_date(world):
    draft = ActionPlan(
        title="Utkast", area=world.district, period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )  # fmt: skip
    assert draft.review_date is None


def test_a_plan_cannot_end_before_it_starts(world):
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(
            title="Baklänges", area=world.district, period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2023, 1, 1),
        )  # fmt: skip


def test_evidence_opens_the_analysis_page_with_its_selection(world, problem):
    evidence = Evidence.objects.create(
        problem=problem,
        title="Ungdomar i Liljeholmen",
        selection={
            "area_ids": [world.liljeholmen.pk],
            "category_ids": [3, 4],
            "period_kind": "month",
            "start": "2022-09-01",
            "end": "2023-08-31",
        },
    )
    assert evidence.analysis_url == (
        f"/analys/?omrade={world.liljeholmen.pk}&kategori=3&kategori=4&periodtyp=month"
        "&fran=2022-09-01&till=2023-08-31"
    )


def test_evidence_belongs_to_a_problem_or_a_cause_not_both(problem, cause):
    with pytest.raises(IntegrityError):
        Evidence.objects.create(problem=problem, cause=cause, title="Båda")


def test_a_follow_up_sets_the_traffic_light_and_the_next_date(world, measure):
    record_follow_up(
        measure, on=dt.date(2023, 6, 2), status="gul", text="Färre vandrare än planerat.",
        author=world.bob, next_follow_up_on=dt.date(2023, 9, 1),
    )  # fmt: skip
    measure.refresh_from_db()
    assert (measure.status, measure.next_follow_up_on) == ("gul", dt.date(2023, 9, 1))
    assert measure.follow_ups.get().author == world.bob


def test_overdue_follow_ups(measure):
    assert not measure.follow_up_overdue(dt.date(2023, 6, 1))
    assert measure.follow_up_overdue(dt.date(2023, 6, 2))
    assert list(Measure.objects.follow_up_overdue(dt.date(2023, 6, 2))) == [measure]
    assert list(Measure.objects.follow_up_due(dt.date(2023, 6, 1))) == [measure]
    assert not Measure.objects.follow_up_due(dt.date(2023, 5, 31)).exists()


def test_measures_of_a_superseded_plan_are_not_overdue(plan, measure):
    plan.status = PlanStatus.ERSATT
    plan.save()
    assert not Measure.objects.follow_up_overdue(dt.date(2024, 1, 1)).exists()


def test_deciding_a_plan_supersedes_the_previous_one(world, plan):
    new = ActionPlan.objects.create(
        title="Åtgärdsplan 2025–2026", area=world.district, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )  # fmt: skip
    decide_plan(new, decided_by="Stadsdelsnämnden", decided_at=dt.date(2025, 2, 20))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ERSATT
    assert list(ActionPlan.objects.decided()) == [new]
