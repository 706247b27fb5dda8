"""The checklist's åtgärdsplan duty reads the plans: a decided plan based on the newest
approved lägesbild fulfils it."""

from __future__ import annotations

import datetime as dt

from trygg.compliance.duties import Status, checklist
from trygg.reports.models import SituationReport


def _duty(area, today):
    return next(d for d in checklist(area, today) if d.key == "atgardsplan")


def _approved_report(world):
    return SituationReport.objects.create(
        title="Lägesbild 2022",
        area=world.district,
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2022, 8, 31),
        status="godkand",
        approved_at=dt.date(2022, 12, 1),
    )


def test_a_decided_plan_on_the_newest_lagesbild_fulfils_the_duty(world, plan):
    plan.situation_report = _approved_report(world)
    plan.save()
    duty = _duty(world.district, dt.date(2023, 3, 1))
    assert duty.status is Status.UPPFYLLT
    assert duty.evidence_url == plan.get_absolute_url()
    assert duty.due == dt.date(2025, 2, 16)


def test_a_draft_plan_does_not(world, plan):
    plan.situation_report = _approved_report(world)
    plan.status = "utkast"
    plan.save()
    assert _duty(world.district, dt.date(2023, 3, 1)).status is Status.SAKNAS


def test_a_plan_on_a_lagesbild_outside_trygg_does_not(world, plan):
    _approved_report(world)
    assert plan.situation_report is None and plan.situation_report_title
    assert _duty(world.district, dt.date(2023, 3, 1)).status is Status.SAKNAS
