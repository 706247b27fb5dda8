"""The law's duties, computed live: every status, the dates they fall due, and their evidence."""

import datetime as dt

import pytest
from django.utils import translation

from trygg.collaboration.actions import save_agreement
from trygg.collaboration.models import (
    Agreement,
    CitizenPromise,
    Forum,
    ForumKind,
    PromiseFollowUp,
)
from trygg.compliance.duties import DUTIES, SOON_DAYS, Status, checklist, status_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2023, 9, 29)


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def duty(area, key, today=TODAY):
    return next(d for d in checklist(area, today) if d.key == key)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (None, Status.UPPFYLLT),
        (TODAY + dt.timedelta(days=SOON_DAYS + 1), Status.UPPFYLLT),
        (TODAY + dt.timedelta(days=SOON_DAYS), Status.SNART_FORFALLET),
        (TODAY, Status.SNART_FORFALLET),
        (TODAY - dt.timedelta(days=1), Status.FORFALLET),
    ],
)
def test_status_follows_the_due_date(due, expected):
    assert status_for(due, TODAY) is expected


def test_the_checklist_has_one_row_per_duty_in_order(world):
    keys = [d.key for d in checklist(world.district, TODAY)]
    assert keys == ["samordningsfunktion", "lagesbild", "atgardsplan", "overenskommelse",
                    "bilaga", "strategiskt_forum", "atgardspunkter", "uppfoljningar"]  # fmt: skip
    assert len(keys) == len(DUTIES)


# The coordination function --------------------------------------------------------------


def test_a_coordinator_designates_the_function(world):
    row = duty(world.district, "samordningsfunktion")
    assert row.status is Status.UPPFYLLT
    assert "alice" in row.explanation and "Hägersten-Älvsjö SDF" in row.explanation
    assert row.evidence_url == f"/organisationer/{world.sdf.pk}/"


def test_a_coordinator_below_does_not_designate_it_for_the_municipality(world):
    row = duty(world.stockholm, "samordningsfunktion")
    assert row.status is Status.SAKNAS
    assert row.explanation == "Ingen har rollen samordnare för Stockholm."


def test_an_inactive_membership_designates_nothing(world):
    world.alice.memberships.update(is_active=False)
    assert duty(world.district, "samordningsfunktion").status is Status.SAKNAS


# Lägesbild and åtgärdsplan ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["lagesbild", "atgardsplan"])
def test_without_an_approved_lagesbild_both_rows_are_missing(world, key):
    row = duty(world.district, key)
    assert (row.status, row.due) == (Status.SAKNAS, None)


def test_the_lagesbild_row_names_the_review_interval(world, settings):
    settings.TRYGG_LAGESBILD_REVIEW_MONTHS = 12
    assert duty(world.district, "lagesbild").title.endswith("yngre än 12 månader")


@pytest.fixture
def approved_report(world):
    from trygg.reports import actions

    report = actions.create_report(
        world.alice, title="Lägesbild 2023", area=world.district, period_kind="reporting_year",
        period_start=dt.date(2021, 9, 1), period_end=dt.date(2023, 8, 31),
    )  # fmt: skip
    return actions.approve(world.alice, report, body="Rådet", day=dt.date(2023, 9, 15))


def plan(world, **fields):
    from trygg.plans.models import ActionPlan

    fields.setdefault("title", "Åtgärdsplan 2024")
    return ActionPlan.objects.create(
        area=world.district, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31),
        status="beslutad", **fields,
    )  # fmt: skip


def test_an_approved_lagesbild_turns_overdue_when_its_date_is_three_years_ago(
    world, approved_report
):
    row = duty(world.district, "lagesbild", dt.date(2023, 10, 1))
    assert (row.status, row.due) == (Status.UPPFYLLT, dt.date(2025, 9, 15))
    type(approved_report).objects.filter(pk=approved_report.pk).update(
        approved_at=dt.date(2020, 10, 1)
    )
    assert duty(world.district, "lagesbild", dt.date(2023, 10, 1)).status is Status.FORFALLET


def test_a_plan_counts_when_based_on_the_newest_lagesbild(world, approved_report):
    from trygg.reports import actions

    older = actions.create_report(
        world.alice, title="Lägesbild 2021", area=world.district, period_kind="reporting_year",
        period_start=dt.date(2019, 9, 1), period_end=dt.date(2021, 8, 31),
    )  # fmt: skip
    older = actions.approve(world.alice, older, body="Rådet", day=dt.date(2021, 9, 1))
    plan(world, title="Äldre plan", situation_report=older, decided_at=dt.date(2021, 10, 1))
    assert duty(world.district, "atgardsplan", dt.date(2023, 10, 1)).status is Status.SAKNAS
    current = plan(world, situation_report=approved_report, decided_at=dt.date(2023, 9, 28))
    row = duty(world.district, "atgardsplan", dt.date(2023, 10, 1))
    assert (row.status, row.due) == (Status.UPPFYLLT, current.review_date)
    assert row.evidence_url == current.get_absolute_url()
    assert duty(world.district, "atgardsplan", current.review_date).status is (
        Status.SNART_FORFALLET
    )


# Agreements ------------------------------------------------------------------------------


def police_agreement(world, area=None, **fields):
    fields.setdefault("signed_on", dt.date(2019, 11, 20))
    agreement = save_agreement(
        Agreement(title=fields.pop("title", "Överenskommelse"), scope="lokal",
                  area=area or world.district, **fields),
        parties=[world.police, world.sdf],
    )  # fmt: skip
    return agreement


def test_no_agreement_with_the_police_is_missing(world, priority_areas):
    save_agreement(Agreement(title="Utan polisen", scope="lokal", area=world.district,
                             signed_on=dt.date(2020, 1, 1)), parties=[world.sdf])  # fmt: skip
    row = duty(world.district, "overenskommelse")
    assert row.status is Status.SAKNAS
    assert "ingen undertecknad överenskommelse med polisen" in row.explanation


def test_an_agreement_until_further_notice_is_fulfilled_without_a_due_date(world, priority_areas):
    agreement = police_agreement(world)
    row = duty(world.district, "overenskommelse")
    assert (row.status, row.due) == (Status.UPPFYLLT, None)
    assert row.evidence_url == agreement.get_absolute_url()
    assert "Polisen" in row.explanation


@pytest.mark.parametrize(
    ("valid_until", "status"),
    [
        (dt.date(2024, 6, 30), Status.UPPFYLLT),
        (dt.date(2023, 11, 28), Status.SNART_FORFALLET),
        (dt.date(2023, 9, 29), Status.SNART_FORFALLET),
        (dt.date(2023, 9, 28), Status.FORFALLET),
    ],
)
def test_an_agreement_falls_due_when_it_ends(world, priority_areas, valid_until, status):
    police_agreement(world, valid_until=valid_until)
    row = duty(world.district, "overenskommelse")
    assert (row.status, row.due) == (status, valid_until)


def test_the_longest_running_agreement_counts(world, priority_areas):
    police_agreement(world, title="Gammal", valid_until=dt.date(2023, 10, 15))
    police_agreement(world, title="Ny", valid_until=dt.date(2026, 12, 31))
    assert duty(world.district, "overenskommelse").due == dt.date(2026, 12, 31)


def test_an_unsigned_agreement_does_not_count(world, priority_areas):
    police_agreement(world, signed_on=None)
    assert duty(world.district, "overenskommelse").status is Status.SAKNAS


def test_a_city_wide_agreement_serves_the_district_but_not_the_reverse(world, priority_areas):
    police_agreement(world, area=world.stockholm)
    assert duty(world.district, "overenskommelse").status is Status.UPPFYLLT
    assert duty(world.skarholmen, "overenskommelse").status is Status.UPPFYLLT
    police_agreement(
        world, area=world.skarholmen, title="Skärholmen", valid_until=dt.date(2020, 1, 1)
    )
    # Skärholmen's expired agreement is none of the district's business.
    assert duty(world.district, "overenskommelse").status is Status.UPPFYLLT


@pytest.mark.parametrize(
    ("signed_on", "status", "due"),
    [
        (dt.date(2019, 10, 25), Status.SNART_FORFALLET, dt.date(2023, 10, 25)),
        (dt.date(2019, 9, 1), Status.FORFALLET, dt.date(2023, 9, 1)),
        (dt.date(2021, 3, 1), Status.UPPFYLLT, dt.date(2025, 3, 1)),
    ],
)
def test_the_annex_review_falls_due_four_years_after_signing(
    world, priority_areas, signed_on, status, due
):
    agreement = police_agreement(world, signed_on=signed_on)
    row = duty(world.district, "bilaga")
    assert (row.status, row.due) == (status, due)
    assert row.evidence_url == agreement.get_absolute_url()


def test_the_earliest_annex_review_decides(world, priority_areas):
    police_agreement(world, title="Lokal", signed_on=dt.date(2019, 11, 20))
    police_agreement(world, area=world.stockholm, title="Stad", signed_on=dt.date(2019, 10, 25))
    row = duty(world.district, "bilaga")
    assert row.due == dt.date(2023, 10, 25)
    assert [e.label for e in row.evidence] == ["Stad", "Lokal"]
    assert row.explanation == "Bilagan till ”Stad” ska ses över senast 25 oktober 2023."


def test_a_reviewed_annex_gets_a_new_date(world, priority_areas):
    agreement = police_agreement(world, signed_on=dt.date(2019, 9, 1))
    assert duty(world.district, "bilaga").status is Status.FORFALLET
    agreement.annex_reviewed_on = dt.date(2023, 9, 20)
    agreement.annex_review_due = dt.date(2027, 9, 20)
    agreement.save()
    assert duty(world.district, "bilaga").status is Status.UPPFYLLT


def test_no_agreement_in_force_leaves_no_annex_to_review(world, priority_areas):
    police_agreement(world, valid_until=dt.date(2022, 12, 31))
    row = duty(world.district, "bilaga")
    assert row.status is Status.SAKNAS


# The strategic council -------------------------------------------------------------------


@pytest.fixture
def strategic(world):
    return Forum.objects.create(
        name="Strategiskt råd", kind=ForumKind.STRATEGISKT_RAD, area=world.district
    )


def test_no_strategic_council_is_missing(world, council):
    row = duty(world.district, "strategiskt_forum")
    assert row.status is Status.SAKNAS  # a local council is not the strategic council


@pytest.mark.parametrize(
    ("met", "status", "due"),
    [
        (dt.date(2023, 3, 20), Status.UPPFYLLT, dt.date(2024, 3, 20)),
        (dt.date(2022, 10, 17), Status.SNART_FORFALLET, dt.date(2023, 10, 17)),
        (dt.date(2022, 9, 28), Status.FORFALLET, dt.date(2023, 9, 28)),
    ],
)
def test_the_council_must_have_met_within_twelve_months(strategic, meeting_on, met, status, due):
    meeting_on(dt.date(2021, 5, 1), forum=strategic)
    meeting_on(met, forum=strategic)
    row = duty(strategic.area, "strategiskt_forum")
    assert (row.status, row.due) == (status, due)
    assert row.evidence_url == strategic.get_absolute_url()


def test_only_held_meetings_count(strategic, meeting_on):
    meeting_on(dt.date(2022, 9, 1), forum=strategic)
    meeting_on(dt.date(2023, 5, 1), forum=strategic, is_cancelled=True)
    meeting_on(dt.date(2023, 10, 13), forum=strategic)  # still to come on TODAY
    row = duty(strategic.area, "strategiskt_forum")
    assert (row.status, row.due) == (Status.FORFALLET, dt.date(2023, 9, 1))


def test_a_new_council_has_twelve_months_for_its_first_meeting(strategic):
    today = dt.date.today()
    row = duty(strategic.area, "strategiskt_forum", today)
    assert row.status is Status.UPPFYLLT
    assert "har inte träffats än" in row.explanation


def test_a_city_council_serves_the_district(world, meeting_on):
    city = Forum.objects.create(
        name="Stadens råd", kind=ForumKind.STRATEGISKT_RAD, area=world.stockholm
    )
    meeting_on(dt.date(2023, 6, 1), forum=city)
    assert duty(world.district, "strategiskt_forum").status is Status.UPPFYLLT


# Open action items and follow-ups ---------------------------------------------------------


def test_no_dated_action_items_is_fulfilled(world, council, meeting_on, action):
    action(meeting_on(dt.date(2023, 5, 12)), "Utan datum")
    row = duty(world.district, "atgardspunkter")
    assert (row.status, row.due) == (Status.UPPFYLLT, None)


def test_an_action_item_due_within_sixty_days_is_due_soon(world, council, meeting_on, action):
    meeting = meeting_on(dt.date(2023, 9, 15))
    action(meeting, "Ansöka hos Brå", due_on=dt.date(2023, 11, 27))
    action(meeting, "Senare", due_on=dt.date(2024, 3, 1))
    row = duty(world.district, "atgardspunkter")
    assert (row.status, row.due) == (Status.SNART_FORFALLET, dt.date(2023, 11, 27))
    assert [e.label.split(" (")[0] for e in row.evidence] == ["Ansöka hos Brå"]


def test_an_overdue_action_item_makes_the_row_overdue(world, council, meeting_on, action):
    meeting = meeting_on(dt.date(2023, 5, 12))
    action(meeting, "Trygghetsvandring", due_on=dt.date(2023, 6, 30))
    action(meeting, "Klar", due_on=dt.date(2023, 6, 1), done=True)
    action(meeting, "Snart", due_on=dt.date(2023, 10, 10))
    row = duty(world.district, "atgardspunkter")
    assert (row.status, row.due) == (Status.FORFALLET, dt.date(2023, 6, 30))
    assert row.explanation.startswith(
        "1 förfallna, den äldsta förföll 30 juni 2023: Trygghetsvandring"
    )
    assert row.evidence_url == meeting.get_absolute_url()
    assert len(row.evidence) == 2


def test_another_districts_items_do_not_count(world, meeting_on, action):
    other = Forum.objects.create(
        name="Skärholmen", kind=ForumKind.LOKALT_RAD, area=world.skarholmen
    )
    action(meeting_on(dt.date(2023, 5, 12), forum=other), "Deras", due_on=dt.date(2023, 6, 1))
    assert duty(world.district, "atgardspunkter").status is Status.UPPFYLLT
    assert duty(world.skarholmen, "atgardspunkter").status is Status.FORFALLET


@pytest.fixture
def promise(world):
    return CitizenPromise.objects.create(
        title="Löftet", promise="Vi lovar", area=world.liljeholmen,
        starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("due_on", "done_on", "status"),
    [
        (dt.date(2023, 12, 31), None, Status.UPPFYLLT),
        (dt.date(2023, 10, 31), None, Status.SNART_FORFALLET),
        (dt.date(2023, 6, 30), None, Status.FORFALLET),
        (dt.date(2023, 6, 30), dt.date(2023, 6, 28), Status.UPPFYLLT),
    ],
)
def test_promise_follow_ups(world, promise, due_on, done_on, status):
    PromiseFollowUp.objects.create(promise=promise, due_on=due_on, done_on=done_on)
    row = duty(world.district, "uppfoljningar")
    assert row.status is status
    if status is not Status.UPPFYLLT:
        assert row.evidence_url == promise.get_absolute_url()
        assert row.evidence[0].label == "Uppföljning av ”Löftet”"
