"""A lägesbild over the test world: counts, changes, time pattern and text blocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.analysis.conftest import make_incidents
from trygg.reports import actions
from trygg.reports.models import BlockKind, ExportJob, Section


def download(client, report, fmt: str) -> bytes:
    """The export as a user gets it: directly, or through the job page of a large export
    (the immediate task backend has finished the job when the redirect comes)."""
    response = client.get(reverse("reports:export", args=[report.pk, fmt]))
    if response.status_code == 303:
        job = ExportJob.objects.filter(report=report, format=fmt).latest("pk")
        assert response["Location"] == job.get_absolute_url()
        assert job.status == ExportJob.State.DONE, job.error
        response = client.get(reverse("reports:export_job_file", args=[report.pk, job.pk]))
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    return response.content


@pytest.fixture
def incidents(world):
    return make_incidents(world)


def make_report(world, title, *blocks, period_end=dt.date(2023, 8, 31)):
    """A draft lägesbild by Alice over the district, reporting years from September 2021 to
    ``period_end``, with ``blocks`` added in order, each ``(section, kind, title)`` or
    ``(section, kind, title, text)``."""
    report = actions.create_report(
        world.alice,
        title=title,
        area=world.district,
        period_kind="reporting_year",
        period_start=dt.date(2021, 9, 1),
        period_end=period_end,
    )
    for section, kind, block_title, *text in blocks:
        actions.add_block(
            world.alice,
            report,
            section=section,
            kind=kind,
            title=block_title,
            text=text[0] if text else "",
        )
    return report


@pytest.fixture
def report(world):
    return make_report(
        world,
        "Lägesbild 2022, Hägersten-Älvsjö",
        (
            Section.KARTLAGGNING,
            BlockKind.TEXT,
            "Framtagande av lokal lägesbild",
            "Källor:\n\n- Lägesbild varje vecka SDF och polis\n- **Trygghetsmätningar**",
        ),
        (Section.KARTLAGGNING, BlockKind.COUNTS, "Anmälda brott per kategori och rapportår"),
        (Section.KARTLAGGNING, BlockKind.CHANGES, "Förändringar"),
        (
            Section.ANALYS,
            BlockKind.TEXT,
            "Västberga",
            "Problem med missbrukare vid Västberga Gårdsväg.",
        ),
        (Section.KARTLAGGNING, BlockKind.TIME_PATTERN, "Veckodag och timme"),
    )


@pytest.fixture
def approved(world, incidents, report):
    return actions.approve(
        world.alice, report, body="Lokala brottsförebyggande rådet", day=dt.date(2023, 9, 15)
    )


@pytest.fixture
def action_plan(world):
    """A decided plan for the district: two prioritised problems, a measure working on both,
    and a measure on no cause."""
    from trygg.plans.models import ActionPlan, Cause, Measure, Problem

    plan = ActionPlan.objects.create(
        title="Åtgärdsplan 2023–2024",
        area=world.district,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status="beslutad",
        decided_by="Stadsdelsnämnden",
        decided_at=dt.date(2023, 2, 16),
    )
    young = Problem.objects.create(plan=plan, title="Unga i risk för kriminalitet", priority=1)
    places = Problem.objects.create(plan=plan, title="Utsatta platser", priority=2)
    recruiting = Cause.objects.create(problem=young, title="Rekrytering")
    dealing = Cause.objects.create(problem=places, title="Narkotikaförsäljning")

    def measure(title, status, *causes, reason=""):
        created = Measure.objects.create(
            plan=plan,
            title=title,
            responsible_organisation=world.sdf,
            status=status,
            status_reason=reason,
        )
        created.causes.set(causes)
        return created

    measure("SSPF", "gron", recruiting)
    measure("Samverkan Fokus Älvsjö", "gul", recruiting, dealing, reason="Fastighetsägarna saknas")
    measure("En väg in", "rod", reason="Rutinen är inte förankrad")
    return plan


@pytest.fixture
def measures_report(world, action_plan):
    return make_report(
        world,
        "Lägesbild med insatser",
        (
            Section.ANALYS,
            BlockKind.MEASURES,
            "Prioriterade områden och insatser",
            "Insatserna följer åtgärdsplanen.",
        ),
    )
