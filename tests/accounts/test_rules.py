"""Every AreaRule's list agrees with its check of one object, for every actor and action.

``visible(user, action)`` filters in the database and ``can(user, obj, action)`` decides on an
instance; both come from one declaration, and this keeps them from drifting apart. Each object
type registered with the base gets records spread over the test world's areas, organisations
and users, and every actor's answers are compared object by object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, World
from trygg.accounts.models import Membership, Role
from trygg.accounts.rules import AreaRule, registered_rules
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    CitizenPromise,
    Forum,
    ForumKind,
    Meeting,
)
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, ImportJob, Source
from trygg.lib.periods import PeriodKind
from trygg.plans.models import ActionPlan, Measure
from trygg.reports.models import SituationReport
from trygg.statistics.models import StatisticSeries, StatisticValue

pytestmark = pytest.mark.django_db

ACTORS = ["alice", "bob", "carol", "dave", "erin", "superuser", "anonymous"]


def areas(world: World) -> list:
    return [world.stockholm, world.district, world.liljeholmen, world.skarholmen]


def organisations(world: World) -> list:
    return [world.sdf, world.police, world.housing, world.skarholmen_sdf]


def forums(world: World) -> list[Forum]:
    return [
        Forum.objects.create(name=f"Råd {area.name}", kind=ForumKind.LOKALT_RAD, area=area)
        for area in areas(world)
    ]


def meetings(world: World) -> list[Meeting]:
    start = timezone.now()
    return [
        Meeting.objects.create(forum=forum, starts_at=start, ends_at=start + dt.timedelta(hours=2))
        for forum in forums(world)
    ]


def plans(world: World) -> list[ActionPlan]:
    return [
        ActionPlan.objects.create(
            title=f"Plan {area.name}",
            area=area,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2025, 12, 31),
        )
        for area in areas(world)
    ]


def incidents(world: World) -> list:
    klotter = Category.objects.get(code="klotter")
    drafts = [
        IncidentDraft(
            category=klotter,
            occurred_at=timezone.now() - dt.timedelta(days=1),
            area=area,
            organisation=organisation,
        )
        for area in areas(world)
        for organisation in (world.housing, world.police, None)
    ]
    return record_incidents(drafts, source=Source.IMPORT).created


def statistic_values(world: World) -> list[StatisticValue]:
    series = StatisticSeries.objects.create(name="Anmälda brott", code="brott")
    return [
        StatisticValue.objects.create(
            series=series,
            area=area,
            period_kind=PeriodKind.YEAR,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 12, 31),
            value=Decimal(1),
        )
        for area in areas(world)
    ]


# For each object type registered with the base: records in every area of the world, and the
# variants the rule's grants look at (an organisation without an area, a reporter's own
# organisation, an owner). A new rule without an entry here fails the tests below.
RECORDS: dict[str, Callable[[World], list[Model]]] = {
    "places.Area": areas,
    "accounts.Organisation": lambda world: [
        *organisations(world),
        OrganisationFactory(name="Länsstyrelsen", area=None),
    ],
    "accounts.Membership": lambda world: [
        *Membership.objects.all(),
        MembershipFactory(organisation=world.police, role=Role.RADSMEDLEM, area=world.stockholm),
        MembershipFactory(organisation=world.housing, area=world.liljeholmen),
    ],
    "collaboration.Agreement": lambda world: [
        Agreement.objects.create(title=f"Avtal {area.name}", scope="lokal", area=area)
        for area in areas(world)
    ],
    "collaboration.CitizenPromise": lambda world: [
        CitizenPromise.objects.create(
            title=f"Löfte {area.name}",
            promise="Vi lovar",
            area=area,
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
        )
        for area in areas(world)
    ],
    "collaboration.Forum": forums,
    "collaboration.Meeting": meetings,
    "collaboration.ActionItem": lambda world: [
        ActionItem.objects.create(meeting=meeting, title="Gör något", owner=owner)
        for meeting in meetings(world)
        for owner in (world.bob, world.dave, None)
    ],
    "plans.ActionPlan": plans,
    "plans.Measure": lambda world: [
        Measure.objects.create(plan=plan, title="Åtgärd", responsible_organisation=organisation)
        for plan in plans(world)
        for organisation in (world.housing, world.police, world.skarholmen_sdf)
    ],
    "reports.SituationReport": lambda world: [
        SituationReport.objects.create(
            title=f"Lägesbild {area.name}",
            area=area,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 12, 31),
        )
        for area in areas(world)
    ],
    "incidents.Incident": incidents,
    "incidents.ImportJob": lambda world: [
        ImportJob.objects.create(user=user, filename="rapporter.csv", organisation=organisation)
        for user in (world.alice, world.bob, world.erin)
        for organisation in (world.housing, world.police, world.skarholmen_sdf, None)
    ],
    "statistics.StatisticValue": statistic_values,
}

RULES = registered_rules()


def actor(world: World, name: str):
    if name == "superuser":
        return UserFactory(username="root", is_superuser=True)
    if name == "anonymous":
        return AnonymousUser()
    return getattr(world, name)


def records_for(rule: AreaRule, world: World) -> list[Model]:
    label = rule.model._meta.label
    assert label in RECORDS, f"add records for {label} to RECORDS"
    return RECORDS[label](world)


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("rule", RULES, ids=repr)
def test_the_list_and_the_check_of_one_object_agree(world, rule, name):
    records = records_for(rule, world)
    user = actor(world, name)
    pks = [record.pk for record in records]
    for action in rule.actions:
        listed = set(rule.visible(user, action).filter(pk__in=pks).values_list("pk", flat=True))
        allowed = {record.pk for record in records if rule.can(user, record, action)}
        assert listed == allowed, action


@pytest.mark.parametrize("rule", RULES, ids=repr)
def test_the_records_tell_the_actors_apart(world, rule):
    """Each rule's records are seen by some actors and not by others, so the comparison above
    is not between two empty sets."""
    records = records_for(rule, world)
    users = {name: actor(world, name) for name in ACTORS}
    seen = {
        name: frozenset(r.pk for r in records if rule.can(user, r)) for name, user in users.items()
    }
    assert seen["superuser"] == {r.pk for r in records}
    assert seen["anonymous"] == set()
    assert len(set(seen.values())) >= 3, seen


def test_every_object_type_with_records_has_a_rule():
    assert {rule.model._meta.label for rule in RULES} == set(RECORDS)
