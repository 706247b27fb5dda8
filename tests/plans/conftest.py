"""An action plan in the test world: a decided plan for Hägersten-Älvsjö with one problem,
one cause and one measure run by the housing company."""

from __future__ import annotations

import datetime as dt

import pytest

from trygg.plans.models import ActionPlan, Cause, Measure, PlanStatus, Problem


@pytest.fixture
def plan(world):
    return ActionPlan.objects.create(
        title="Åtgärdsplan 2023–2024, Hägersten-Älvsjö",
        area=world.district,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=PlanStatus.BESLUTAD,
        decided_by="Stadsdelsnämnden",
        decided_at=dt.date(2023, 2, 16),
        situation_report_title="Lägesbild 2022",
    )


@pytest.fixture
def problem(plan):
    return Problem.objects.create(plan=plan, title="Unga samlas och rekryteras", priority=1)


@pytest.fixture
def cause(problem):
    return Cause.objects.create(problem=problem, title="Få vuxna ute på kvällarna")


@pytest.fixture
def measure(world, plan, cause):
    measure = Measure.objects.create(
        plan=plan,
        title="Nattvandring i Liljeholmen",
        responsible_organisation=world.housing,
        contact_name="Kim Kontakt",
        contact_email="kim@bostadsbolaget.example",
        starts_on=dt.date(2023, 3, 1),
        next_follow_up_on=dt.date(2023, 6, 1),
    )
    measure.causes.add(cause)
    return measure
