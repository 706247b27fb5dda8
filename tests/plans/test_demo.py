"""The demo's åtgärdsplan: decided, with the seed's problems and measures, mixed traffic
lights, one overdue follow-up, and an evaluation of Samverkan Fokus Älvsjö/Solberga that shows
an effect."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from trygg.accounts.models import User
from trygg.plans.effects import measure_evaluation, read_indicator
from trygg.plans.models import ActionPlan, Indicator, Measure

pytestmark = pytest.mark.django_db(transaction=True)


def read_demo() -> dict:
    call_command("demo", stdout=StringIO())
    plan = ActionPlan.objects.get()
    today = timezone.localdate()
    coordinator = User.objects.get(username="samordnare")
    fokus = Measure.objects.get(title="Samverkan Fokus Älvsjö/Solberga")
    evaluation, reason = measure_evaluation(coordinator, fokus, today)
    client = Client()
    client.force_login(coordinator)
    return {
        "plan": (plan.title, plan.status, plan.decided_at, plan.review_date),
        "problems": list(plan.problems.values_list("title", "priority_area__code")),
        "statuses": set(plan.measures.values_list("status", flat=True)),
        "overdue": list(Measure.objects.follow_up_overdue(today).values_list("title", flat=True)),
        "funding": list(
            plan.measures.exclude(funding_source="").values_list("funding_state", flat=True)
        ),
        "evaluation": evaluation,
        "reason": reason,
        "indicators": {
            indicator.measure.title: read_indicator(coordinator, indicator, today)
            for indicator in Indicator.objects.select_related("measure", "series")
        },
        "plan_page": client.get(plan.get_absolute_url()).content.decode(),
        "measure_page": client.get(fokus.get_absolute_url()).content.decode(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data = read_demo()
    yield data
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_the_plan_is_decided(demo):
    title, status, decided_at, review = demo["plan"]
    assert title == "Åtgärdsplan 2023–2024, Hägersten-Älvsjö" and status == "beslutad"
    assert review.year == decided_at.year + 2


def test_the_seeds_priorities_are_the_problems(demo):
    assert [code for _title, code in demo["problems"]] == [
        "unga-i-risk",
        "utsatta-omraden",
        "skolan-som-brottsplats",
    ]


def test_traffic_lights_are_mixed_and_one_follow_up_is_overdue(demo):
    assert demo["statuses"] == {"gron", "gul", "rod"}
    assert demo["overdue"] == ["Ökad trygghet i Resecentrum"]
    assert demo["funding"] == ["ansokt"]


def test_samverkan_fokus_shows_an_effect(demo):
    evaluation = demo["evaluation"]
    assert evaluation is not None, demo["reason"]
    assert evaluation.comparison is not None and evaluation.buffer is not None
    assert evaluation.treated.before > 100 and evaluation.treated.after > 50
    assert evaluation.rate.ci_high < 1  # fewer than the comparison area suggests
    assert evaluation.wdd is not None and evaluation.wdd.wdd < 0


def test_the_coordinator_sees_the_plan_and_the_evaluation(demo):
    assert "Samverkan Fokus Älvsjö/Solberga" in demo["plan_page"]
    assert "status--forfallet" in demo["plan_page"]
    page = demo["measure_page"]
    assert "Utvärdering" in page and "Kvot (efter/före)" in page and "95 %-intervall" in page
    assert '<figure class="chart" role="img"' in page and "<svg" in page  # the weekly series


def test_indicators_are_computed_from_the_demo_data(demo):
    fokus = demo["indicators"]["Samverkan Fokus Älvsjö/Solberga"]
    assert fokus.problem == "" and fokus.baseline.value > fokus.current.value > fokus.target
    assert 0 < fokus.progress < 100
    survey = demo["indicators"]["Ökad trygghet i Resecentrum"]
    assert survey.problem == "" and survey.baseline.value > survey.current.value > survey.target
