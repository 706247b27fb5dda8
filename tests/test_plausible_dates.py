"""Every way a date comes in refuses one outside its window (trygg.lib.dates), in Swedish:
the report form, file imports, the forms and the admin's model checks of agreements,
meetings, plans, measures and follow-ups, and the statistics import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.incidents.test_import import HEADER, excel_csv
from tests.incidents.test_pages import report_data
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    CitizenPromise,
    Forum,
    ForumKind,
    Meeting,
    PromiseFollowUp,
)
from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.imports import import_incidents
from trygg.incidents.models import Incident
from trygg.plans.models import ActionPlan, FollowUp, Indicator, Measure
from trygg.reports.models import SituationReport
from trygg.statistics.importers import StatisticsRefused, import_statistics

WINDOW = "datumet måste ligga mellan 1990-01-01 och"
LONG_AGO = dt.date(1985, 6, 1)
FAR_AHEAD = dt.date(2205, 6, 1)


@pytest.fixture
def forum(world):
    return Forum.objects.create(name="Lokalt råd", kind=ForumKind.LOKALT_RAD, area=world.district)


@pytest.fixture
def plan(world):
    return ActionPlan.objects.create(
        title="Plan", area=world.district, period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )  # fmt: skip


@pytest.fixture
def measure(world, plan):
    return Measure.objects.create(plan=plan, title="Åtgärd", responsible_organisation=world.sdf)


def refused_fields(instance):
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    for messages in refused.value.message_dict.values():
        assert any(m.startswith(WINDOW) for m in messages)
    return set(refused.value.message_dict)


def test_the_report_form_refuses_a_date_before_1990(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("incidents:report"), report_data(world, date="1985-06-01"))
    assert response.status_code == 200
    assert "tidpunkten ligger före 1990-01-01" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_file_import_refuses_year_0059_and_names_line_and_column(world):
    data = excel_csv(
        HEADER,
        "klotter;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;",
        "klotter;0059-07-08 06:39;Liljeholmen;;;;;Bostadsbolaget;",
    )
    with pytest.raises(IncidentsRefused) as caught:
        import_incidents(data, "rapport.csv", user=world.alice)
    assert [(p.line, p.field) for p in caught.value.problems] == [(3, "tidpunkt")]
    assert not Incident.objects.exists()


def test_the_statistics_import_refuses_a_period_before_1990_or_not_begun(world):
    header = "serie;område;kategori;period;värde;enhet;källa;anteckning"
    data = excel_csv(
        header,
        "Otrygghet;Liljeholmen;;2023;12,5;andel;;",
        "Otrygghet;Liljeholmen;;1985;12,5;andel;;",
        "Otrygghet;Liljeholmen;;2205;12,5;andel;;",
    )
    with pytest.raises(StatisticsRefused) as caught:
        import_statistics(data, "ntu.csv", user=world.alice)
    assert [(p.line, p.field) for p in caught.value.problems] == [(3, "period"), (4, "period")]
    assert caught.value.problems[0].message.startswith(WINDOW)


def test_agreements_check_their_dates(world):
    agreement = Agreement(
        title="Överenskommelse", scope="lokal", area=world.district, signed_on=LONG_AGO,
        valid_from=dt.date(2024, 1, 1), valid_until=FAR_AHEAD,
        annex_review_due=dt.date(2028, 1, 1), annex_reviewed_on=FAR_AHEAD,
    )  # fmt: skip
    assert refused_fields(agreement) == {"signed_on", "valid_until", "annex_reviewed_on"}


def test_promises_and_their_follow_ups_check_their_dates(world):
    promise = CitizenPromise(
        title="Löfte", promise="Vi lovar", area=world.district, starts_on=LONG_AGO,
        ends_on=dt.date(2027, 1, 1),
    )  # fmt: skip
    assert refused_fields(promise) == {"starts_on"}
    promise.starts_on = dt.date(2026, 1, 1)
    promise.save()
    follow_up = PromiseFollowUp(promise=promise, due_on=FAR_AHEAD, done_on=FAR_AHEAD)
    assert refused_fields(follow_up) == {"due_on", "done_on"}


def test_meetings_and_action_items_check_their_dates(forum):
    far = timezone.make_aware(dt.datetime(2205, 6, 1, 9))
    meeting = Meeting(forum=forum, starts_at=far, ends_at=far + dt.timedelta(hours=2))
    assert refused_fields(meeting) == {"starts_at", "ends_at"}
    meeting.starts_at = timezone.now()
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=1)
    meeting.save()
    assert refused_fields(ActionItem(meeting=meeting, title="Gör", due_on=LONG_AGO)) == {"due_on"}


def test_the_meeting_form_names_its_date_field(client, world, forum):
    client.force_login(world.alice)
    response = client.post(
        reverse("collaboration:meeting_create", args=[forum.pk]),
        {"date": "2205-10-13", "start": "09:00", "end": "11:00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"][0].startswith(WINDOW)
    assert not Meeting.objects.exists()


def test_plans_measures_indicators_and_follow_ups_check_their_dates(world, plan, measure):
    plan.period_end = FAR_AHEAD
    plan.situation_report_date = FAR_AHEAD
    assert refused_fields(plan) == {"period_end", "situation_report_date"}
    measure.next_follow_up_on = LONG_AGO
    assert refused_fields(measure) == {"next_follow_up_on"}
    indicator = Indicator(
        measure=measure, name="Andel otrygga", target_value=Decimal(10), target_on=FAR_AHEAD,
        baseline_on=LONG_AGO,
    )  # fmt: skip
    assert refused_fields(indicator) == {"target_on", "baseline_on"}
    follow_up = FollowUp(measure=measure, on=FAR_AHEAD, status="gron", text="Gjort")
    assert refused_fields(follow_up) == {"on"}


def test_a_follow_up_from_the_measure_page_is_refused_with_a_date_long_ago(client, world, measure):
    client.force_login(world.alice)
    response = client.post(
        measure.get_absolute_url(),
        {"follow-on": "1985-06-02", "follow-status": "rod", "follow-text": "Inga vandrare."},
    )
    assert response.status_code == 200
    assert WINDOW in response.content.decode()
    assert not measure.follow_ups.exists()


def test_the_plan_decision_refuses_a_date_in_the_future(client, world, plan):
    client.force_login(world.alice)
    response = client.post(
        reverse("plans:plan_decide", args=[plan.pk]),
        {"decided_by": "Stadsdelsnämnden", "decided_at": "2205-01-01"},
    )
    assert response.status_code == 200
    assert WINDOW in response.content.decode()
    plan.refresh_from_db()
    assert plan.decided_at is None


def test_lägesbilder_check_their_dates(world):
    report = SituationReport(
        title="Lägesbild", area=world.district, period_start=LONG_AGO,
        period_end=dt.date(2026, 8, 31), approved_at=FAR_AHEAD,
    )  # fmt: skip
    assert refused_fields(report) == {"period_start", "approved_at"}


def test_a_lägesbild_period_long_ago_is_refused_by_its_form(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("reports:create"),
        {"title": "Lägesbild", "area": world.district.pk, "period_kind": "reporting_year",
         "period_start": "1985-09-01", "period_end": "1986-08-31"},
    )  # fmt: skip
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"period_start", "period_end"}
    assert not SituationReport.objects.exists()
