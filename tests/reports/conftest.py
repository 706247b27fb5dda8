"""A lägesbild over the test world: counts, changes, time pattern and text blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.analysis.conftest import make_incidents
from trygg.reports import actions
from trygg.reports.models import BlockKind, Section


@pytest.fixture
def incidents(world):
    return make_incidents(world)


@pytest.fixture
def report(world):
    report = actions.create_report(
        world.alice,
        title="Lägesbild 2022, Hägersten-Älvsjö",
        area=world.district,
        period_kind="reporting_year",
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2023, 8, 31),
    )
    actions.add_block(
        world.alice,
        report,
        section=Section.KARTLAGGNING,
        kind=BlockKind.TEXT,
        title="Framtagande av lokal lägesbild",
        text="Källor:\n\n- Lägesbild varje vecka SDF och polis\n- **Trygghetsmätningar**",
    )
    actions.add_block(
        world.alice,
        report,
        section=Section.KARTLAGGNING,
        kind=BlockKind.COUNTS,
        title="Anmälda brott per kategori och rapportår",
    )
    actions.add_block(
        world.alice,
        report,
        section=Section.KARTLAGGNING,
        kind=BlockKind.CHANGES,
        title="Förändringar",
    )
    actions.add_block(
        world.alice,
        report,
        section=Section.ANALYS,
        kind=BlockKind.TEXT,
        title="Västberga",
        text="Problem med missbrukare vid Västberga Gårdsväg.",
    )
    actions.add_block(
        world.alice,
        report,
        section=Section.KARTLAGGNING,
        kind=BlockKind.TIME_PATTERN,
        title="Veckodag och timme",
    )
    return report


@pytest.fixture
def approved(world, incidents, report):
    return actions.approve(
        world.alice, report, body="Lokala brottsförebyggande rådet", day=dt.date(2023, 9, 15)
    )
