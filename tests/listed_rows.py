"""Rows of every kind the lists show, added a few at a time with the rows they bring along.

The query-count tests build one row of a kind, count the queries of a list, build nineteen
more and count again: a list whose count grows with its rows queries per row. Each builder
``add_<kind>(world, first, count)`` numbers its rows from ``first`` (so that every row has its
own name, ``f"{KIND} {number}"``) and gives them the related rows the list shows: agreements
with parties, signatories and an attachment, meetings with an agenda, attendees, decisions and
action items, measures with follow-ups, an indicator and an evaluation, and so on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.analysis.evaluation_data import END, START, plant
from tests.factories import AreaFactory, MembershipFactory, OrganisationFactory, UserFactory, World
from trygg.accounts.models import Role
from trygg.collaboration.actions import attach_document, save_agreement
from trygg.collaboration.defaults import ensure_default_priority_areas
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    CitizenPromise,
    Decision,
    Forum,
    ForumKind,
    ForumMember,
    Meeting,
    PriorityArea,
    PromiseFollowUp,
    Signatory,
)
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, ImportJob, Source
from trygg.lib.geo import circle
from trygg.places.models import Area, AreaKind
from trygg.plans.actions import record_follow_up
from trygg.plans.models import (
    ActionPlan,
    Cause,
    Evidence,
    Indicator,
    IndicatorKind,
    Measure,
    PlanStatus,
    Problem,
)
from trygg.reports import actions as report_actions
from trygg.reports.models import BlockKind, Section
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit

# The smallest file every PDF reader opens: one empty page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

Builder = Callable[[World, int, int], None]


def name(kind: str, number: int) -> str:
    return f"{kind} {number}"


def _leaf_categories() -> list[Category]:
    return list(Category.objects.filter(children__isnull=True).order_by("id")[:4])


# --- reference data -------------------------------------------------------------------------


def add_areas(world: World, first: int, count: int) -> None:
    for number in range(first, first + count):
        AreaFactory(
            name=name("Plats", number),
            kind=AreaKind.PLATS,
            parent=world.liljeholmen,
            geometry=circle(59.31 + number / 10000, 18.02, 100),
            population=1000 + number,
        )


def add_organisations(world: World, first: int, count: int) -> None:
    for number in range(first, first + count):
        organisation = OrganisationFactory(name=name("Förening", number), area=world.liljeholmen)
        MembershipFactory(
            user=UserFactory(), organisation=organisation, role=Role.RAPPORTOR, area=world.district
        )


def add_categories(world: World, first: int, count: int) -> None:
    parent = Category.objects.filter(parent__isnull=True).order_by("id").first()
    for number in range(first, first + count):
        Category.objects.create(
            name=name("Kategori", number),
            code=f"kategori-{number}",
            parent=parent,
            police_event_types=[f"Typ {number}"],
        )


def add_incidents(world: World, first: int, count: int) -> None:
    categories = _leaf_categories()
    organisations = [world.housing, world.sdf, world.police]
    drafts = [
        IncidentDraft(
            category=categories[number % len(categories)],
            occurred_at=timezone.now() - dt.timedelta(days=number + 1),
            area=world.liljeholmen if number % 2 else world.district,
            organisation=organisations[number % len(organisations)],
            description=name("Händelse", number),
            place=name("Händelse", number),
            latitude=59.31,
            longitude=18.02,
        )
        for number in range(first, first + count)
    ]
    record_incidents(drafts, source=Source.IMPORT)


def add_series(world: World, first: int, count: int) -> None:
    category = _leaf_categories()[0]
    for number in range(first, first + count):
        series = StatisticSeries.objects.create(
            name=name("Serie", number),
            code=f"serie-{number}",
            source="Polisen",
            unit=Unit.ANTAL,
            default_category=category,
        )
        StatisticValue.objects.create(
            series=series,
            area=world.liljeholmen,
            period_kind="year",
            period_start=dt.date(2022, 1, 1),
            period_end=dt.date(2022, 12, 31),
            value=number,
        )


def _series_for_values() -> StatisticSeries:
    series, _created = StatisticSeries.objects.get_or_create(
        code="vardeserie", defaults={"name": "Värdeserie", "unit": Unit.ANTAL}
    )
    return series


def add_values(world: World, first: int, count: int) -> None:
    """Values of one series, one area each (a series' page is a table of areas × periods)."""
    series = _series_for_values()
    category = _leaf_categories()[0]
    for number in range(first, first + count):
        area = AreaFactory(name=name("Värdeområde", number), parent=world.district)
        StatisticValue.objects.create(
            series=series,
            area=area,
            category=category,
            period_kind="year",
            period_start=dt.date(2022, 1, 1),
            period_end=dt.date(2022, 12, 31),
            value=number,
        )


def add_import_jobs(world: World, first: int, count: int) -> None:
    for number in range(first, first + count):
        ImportJob.objects.create(
            user=world.alice,
            organisation=world.sdf,
            filename=f"{name('Fil', number)}.csv",
            format="csv",
            status=ImportJob.State.DONE,
            rows_total=10,
            rows_processed=10,
            result={"created": 10},
        )


# --- samverkan ------------------------------------------------------------------------------


def add_agreements(world: World, first: int, count: int) -> None:
    if not PriorityArea.objects.exists():
        ensure_default_priority_areas(PriorityArea)
    city = Agreement.objects.filter(scope="stad").first()
    for number in range(first, first + count):
        agreement = save_agreement(
            Agreement(
                title=name("Överenskommelse", number),
                scope="lokal",
                area=world.district,
                follows=city,
                signed_on=dt.date(2021, 3, 1),
                valid_from=dt.date(2021, 3, 1),
            ),
            parties=[world.police, world.sdf],
        )
        Signatory.objects.create(
            agreement=agreement, name=f"Signatär {number}", organisation=world.police
        )
        attach_document(
            agreement,
            SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf"),
            title=name("Bilaga", number),
            user=world.alice,
        )


def add_promises(world: World, first: int, count: int) -> None:
    today = timezone.localdate()
    for number in range(first, first + count):
        promise = CitizenPromise.objects.create(
            title=name("Medborgarlöfte", number),
            promise="Fler kvällspatruller.",
            area=world.district,
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=200),
        )
        promise.parties.set([world.police, world.sdf])
        PromiseFollowUp.objects.create(promise=promise, due_on=today - dt.timedelta(days=5))
        PromiseFollowUp.objects.create(promise=promise, due_on=today + dt.timedelta(days=50))


def _forum(world: World, number: int) -> Forum:
    forum = Forum.objects.create(
        name=name("Forum", number), kind=ForumKind.ARBETSGRUPP, area=world.district
    )
    ForumMember.objects.create(forum=forum, user=world.alice, is_chair=True)
    ForumMember.objects.create(forum=forum, user=world.bob, organisation=world.housing)
    ForumMember.objects.create(forum=forum, name=f"Extern {number}", title="rektor")
    return forum


def add_forums(world: World, first: int, count: int) -> None:
    for number in range(first, first + count):
        forum = _forum(world, number)
        Meeting.objects.create(
            forum=forum,
            starts_at=timezone.now() + dt.timedelta(days=number + 1),
            ends_at=timezone.now() + dt.timedelta(days=number + 1, hours=2),
        )


def _council(world: World) -> Forum:
    found = Forum.objects.filter(name="Mötesrådet").first()
    if found is None:
        found = _forum(world, 0)
        found.name = "Mötesrådet"
        found.kind = ForumKind.LOKALT_RAD
        found.save(update_fields=["name", "kind"])
    return found


def add_meetings(world: World, first: int, count: int) -> None:
    """Meetings of one council, past and to come, each with its agenda (one item about an
    agreement), who was present, a decision and action items."""
    council = _council(world)
    members = list(council.members.all())
    agreement = Agreement.objects.first()
    if agreement is None:
        add_agreements(world, 0, 1)
        agreement = Agreement.objects.get()
    now = timezone.now()
    for number in range(first, first + count):
        starts = now + dt.timedelta(days=(number - 10) * 7)
        meeting = Meeting.objects.create(
            forum=council,
            title=name("Möte", number),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            address="Telefonvägen 30",
            minutes="Protokoll." if starts < now else "",
            other_attendees="Gäst",
        )
        meeting.attendees.set(members[:2])
        item = AgendaItem.objects.create(
            meeting=meeting, position=1, title="Överenskommelsen", linked=agreement
        )
        AgendaItem.objects.create(meeting=meeting, position=2, title="Övrigt")
        Decision.objects.create(meeting=meeting, agenda_item=item, text=f"Beslut {number}")
        ActionItem.objects.create(
            meeting=meeting,
            title=f"Åtgärdspunkt {number}",
            owner=world.alice,
            due_on=timezone.localdate() - dt.timedelta(days=3),
        )
        ActionItem.objects.create(meeting=meeting, title="Ring", owner_name="Extern Person")


def add_compliance(world: World, first: int, count: int) -> None:
    """What the law's checklist reads: agreements, meetings with open action items, promises."""
    add_agreements(world, first, count)
    add_meetings(world, first, count)
    add_promises(world, first, count)


# --- åtgärdsplan ----------------------------------------------------------------------------


def _plan(world: World, title: str) -> ActionPlan:
    return ActionPlan.objects.create(
        title=title,
        area=world.district,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=PlanStatus.BESLUTAD,
        decided_by="Stadsdelsnämnden",
        decided_at=dt.date(2023, 2, 16),
    )


def _the_plan(world: World) -> ActionPlan:
    return ActionPlan.objects.filter(title="Planen").first() or _plan(world, "Planen")


def _problem(world: World, plan: ActionPlan, number: int) -> Problem:
    problem = Problem.objects.create(plan=plan, title=name("Problem", number), priority=number)
    problem.areas.set([world.liljeholmen])
    problem.categories.set(_leaf_categories()[:2])
    cause = Cause.objects.create(problem=problem, title=f"Orsak {number}")
    Evidence.objects.create(
        problem=problem, title=f"Underlag {number}", selection={"area_ids": [world.district.pk]}
    )
    Evidence.objects.create(
        cause=cause, title=f"Räkning {number}", selection={"area_ids": [world.liljeholmen.pk]}
    )
    return problem


def add_plans(world: World, first: int, count: int) -> None:
    for number in range(first, first + count):
        plan = _plan(world, name("Åtgärdsplan", number))
        problem = _problem(world, plan, number)
        measure = Measure.objects.create(
            plan=plan,
            title=f"Insats {number}",
            responsible_organisation=world.housing,
            next_follow_up_on=dt.date(2023, 6, 1),
        )
        measure.causes.set(problem.causes.all())
        measure.partners.set([world.police])
        record_follow_up(
            measure, on=dt.date(2023, 5, 2), status="gul", text="Få vandrare.",
            author=world.bob, next_follow_up_on=dt.date(2023, 6, 1),
        )  # fmt: skip


def add_problems(world: World, first: int, count: int) -> None:
    plan = _the_plan(world)
    for number in range(first, first + count):
        problem = _problem(world, plan, number)
        measure = Measure.objects.create(
            plan=plan, title=f"Insats mot {number}", responsible_organisation=world.sdf
        )
        measure.causes.set(problem.causes.all())


def _evaluation_areas(world: World) -> tuple[Category, Area, Area, StatisticSeries]:
    """Liljeholmen with a planted 30 % drop, a comparison and a buffer area in the district."""
    comparison = AreaFactory(name="Jämförelseområde", parent=world.district)
    buffer = AreaFactory(name="Buffertområde", parent=world.district)
    category = _leaf_categories()[0]
    plant([(world.liljeholmen, 100, 70), (comparison, 60, 60), (buffer, 40, 36)], category)
    series = StatisticSeries.objects.create(
        name="Otrygghet", code="otrygghet-insatser", unit=Unit.ANDEL, default_category=category
    )
    for year, value in ((2022, 30), (2023, 25)):
        StatisticValue.objects.create(
            series=series,
            area=world.liljeholmen,
            period_kind="year",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=value,
        )
    return category, comparison, buffer, series


def add_measures(world: World, first: int, count: int) -> None:
    """Measures of one plan, in turn: evaluated against comparison and buffer areas with an
    incident indicator, evaluated alone with a statistics indicator, and not evaluable with
    an indicator entered by hand; each with follow-ups, partners and causes."""
    plan = _the_plan(world)
    series = StatisticSeries.objects.filter(code="otrygghet-insatser").first()
    if series is None:
        category, comparison, buffer, series = _evaluation_areas(world)
    else:
        category = _leaf_categories()[0]
        comparison = Area.objects.get(name="Jämförelseområde")
        buffer = Area.objects.get(name="Buffertområde")
    cause = (
        Cause.objects.filter(problem__plan=plan).first() or _problem(world, plan, 0).causes.get()
    )
    for number in range(first, first + count):
        kind = number % 3
        measure = Measure.objects.create(
            plan=plan,
            title=name("Åtgärd", number),
            responsible_organisation=world.housing,
            starts_on=START,
            ends_on=END,
            area=world.liljeholmen if kind != 2 else None,
            comparison_area=comparison if kind == 0 else None,
            buffer_area=buffer if kind == 0 else None,
            next_follow_up_on=dt.date(2023, 6, 1),
        )
        measure.categories.set([category])
        measure.causes.set([cause])
        measure.partners.set([world.police, world.sdf])
        for on, status in ((dt.date(2023, 4, 2), "gron"), (dt.date(2023, 5, 2), "gul")):
            record_follow_up(
                measure, on=on, status=status, text="Uppföljt.", author=world.bob,
                next_follow_up_on=dt.date(2023, 6, 1),
            )  # fmt: skip
        if kind == 0:
            indicator = Indicator.objects.create(
                measure=measure,
                name="Anmälda brott",
                kind=IndicatorKind.INCIDENTS,
                window_days=30,
                baseline_on=dt.date(2023, 2, 28),
                target_value=50,
                target_on=dt.date(2024, 12, 31),
            )
            indicator.areas.set([world.liljeholmen])
        elif kind == 1:
            Indicator.objects.create(
                measure=measure,
                name="Otrygghet",
                kind=IndicatorKind.STATISTICS,
                series=series,
                baseline_on=dt.date(2022, 12, 31),
                target_value=20,
                target_on=dt.date(2024, 12, 31),
            )
        else:
            Indicator.objects.create(
                measure=measure,
                name="Deltagare",
                kind=IndicatorKind.MANUAL,
                baseline=10,
                target_value=40,
                target_on=dt.date(2024, 12, 31),
                manual_value=25,
                manual_value_on=dt.date(2023, 5, 1),
            )


# --- lägesbild ------------------------------------------------------------------------------


def add_reports(world: World, first: int, count: int) -> None:
    """Lägesbilder over the district, every other one approved."""
    for number in range(first, first + count):
        report = report_actions.create_report(
            world.alice,
            title=name("Lägesbild", number),
            area=world.district,
            period_kind="reporting_year",
            period_start=dt.date(2021, 9, 1),
            period_end=dt.date(2023, 8, 31),
        )
        report_actions.add_block(
            world.alice, report, section=Section.KARTLAGGNING, kind=BlockKind.TEXT,
            title="Inledning", text="Text.",
        )  # fmt: skip
        if number % 2:
            report_actions.approve(world.alice, report, body="Rådet", day=dt.date(2023, 9, 15))


BUILDERS: dict[str, Builder] = {
    "areas": add_areas,
    "organisations": add_organisations,
    "categories": add_categories,
    "incidents": add_incidents,
    "series": add_series,
    "values": add_values,
    "import_jobs": add_import_jobs,
    "agreements": add_agreements,
    "promises": add_promises,
    "forums": add_forums,
    "meetings": add_meetings,
    "compliance": add_compliance,
    "plans": add_plans,
    "problems": add_problems,
    "measures": add_measures,
    "reports": add_reports,
}
