"""``/api/v1/action-plans/``, ``/problems/`` and ``/measures/``: plans with problems, causes,
measures, follow-ups and evaluations, scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.analysis.evaluation_data import END, plant
from trygg.incidents.models import Category
from trygg.plans.actions import record_follow_up
from trygg.plans.models import Evidence, Measure


@pytest.fixture
def api(world):
    def client_for(actor: str | None) -> APIClient:
        client = APIClient()
        if actor:
            token, _created = Token.objects.get_or_create(user=getattr(world, actor))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


def test_a_plan_with_problems_measures_and_follow_ups(api, world, measure):
    record_follow_up(
        measure, on=dt.date(2023, 5, 2), status="gul", text="Få vandrare.", author=world.bob,
        next_follow_up_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    response = api("carol").get("/api/v1/action-plans/")
    assert response.status_code == 200
    [plan] = response.json()["results"]
    assert plan["title"] == "Åtgärdsplan 2023–2024, Hägersten-Älvsjö"
    assert (plan["status"], plan["decided_at"], plan["review_date"]) == (
        "beslutad", "2023-02-16", "2025-02-16",
    )  # fmt: skip
    [problem] = plan["problems"]
    assert [c["title"] for c in problem["causes"]] == ["Få vuxna ute på kvällarna"]
    [found] = plan["measures"]
    assert found["status"] == "gul" and found["follow_up_overdue"] is True
    assert found["causes"] == [problem["causes"][0]["id"]]
    assert found["follow_ups"] == [{"on": "2023-05-02", "status": "gul", "text": "Få vandrare."}]


def test_plans_are_scoped_like_the_pages(api, plan):
    assert api("dave").get("/api/v1/action-plans/").json()["results"] == []
    assert api("dave").get(f"/api/v1/action-plans/{plan.pk}/").status_code == 404
    assert api(None).get("/api/v1/action-plans/").status_code == 401


def test_the_api_is_read_only(api, plan):
    assert api("alice").post("/api/v1/action-plans/", {"title": "x"}).status_code == 405


# --- /api/v1/problems/ and /api/v1/measures/ -------------------------------------------------


@pytest.fixture
def evaluable(world, measure):
    """The measure in Liljeholmen against one category, with a planted 30 % drop."""
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    plant([(world.liljeholmen, 100, 70)], category)
    measure.area = world.liljeholmen
    measure.ends_on = END
    measure.save(update_fields=["area", "ends_on"])
    measure.categories.set([category])
    return measure


def test_problems_with_their_orsaksanalys(api, world, problem, cause):
    Evidence.objects.create(cause=cause, title="Kvällsräkning", selection={"area_ids": [1]})
    response = api("carol").get("/api/v1/problems/")
    assert response.status_code == 200
    [found] = response.json()["results"]
    assert (found["title"], found["plan"]) == (problem.title, problem.plan_id)
    [listed_cause] = found["causes"]
    assert listed_cause["title"] == cause.title
    assert [e["title"] for e in listed_cause["evidence"]] == ["Kvällsräkning"]
    assert listed_cause["evidence"][0]["analysis_url"].startswith("/analys/?omrade=1")
    assert found["url"] == problem.get_absolute_url()


def test_problems_and_measures_are_scoped_like_the_pages(api, plan, problem, measure):
    for url in ("/api/v1/problems/", "/api/v1/measures/"):
        assert api("dave").get(url).json()["results"] == []
        assert api(None).get(url).status_code == 401
    assert api("dave").get(f"/api/v1/measures/{measure.pk}/").status_code == 404
    assert api("alice").post("/api/v1/measures/", {"title": "x"}).status_code == 405


def test_problems_filter_by_plan(api, world, problem):
    assert (
        len(api("carol").get("/api/v1/problems/", {"plan": problem.plan_id}).json()["results"]) == 1
    )
    assert api("carol").get("/api/v1/problems/", {"plan": 0}).json()["results"] == []
    assert api("carol").get("/api/v1/problems/", {"plan": "x"}).status_code == 400


def test_a_measure_with_follow_ups_and_its_evaluation(api, world, evaluable):
    record_follow_up(
        evaluable, on=dt.date(2023, 5, 2), status="gul", text="Få vandrare.", author=world.bob,
        next_follow_up_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    body = api("carol").get(f"/api/v1/measures/{evaluable.pk}/").json()
    assert body["plan"] == evaluable.plan_id and body["url"] == evaluable.get_absolute_url()
    [follow_up] = body["follow_ups"]
    assert follow_up["author"] == "bob" and follow_up["text"] == "Få vandrare."
    evaluation = body["evaluation"]
    assert evaluation["treated"] == {"before": 100, "after": 70}
    assert evaluation["comparison"] is None and evaluation["wdq"] is None
    assert evaluation["rate_ratio"] == pytest.approx(0.7)
    low, high = evaluation["ci95"]
    assert low < 0.7 < high < 1
    assert evaluation["statement"] and body["evaluation_note"] == ""


def test_a_measure_that_cannot_be_evaluated_says_why(api, measure):
    body = api("carol").get(f"/api/v1/measures/{measure.pk}/").json()
    assert body["evaluation"] is None and body["evaluation_note"]


def test_measures_filter_by_status(api, measure):
    assert len(api("carol").get("/api/v1/measures/", {"status": "gron"}).json()["results"]) == 1
    assert api("carol").get("/api/v1/measures/", {"status": "rod"}).json()["results"] == []
    assert api("carol").get("/api/v1/measures/", {"status": "lila"}).status_code == 400


def test_the_measure_list_does_not_query_per_measure(
    api, world, plan, evaluable, django_assert_max_num_queries
):
    # The evaluations of the whole list come from the same five queries; the rest is
    # prefetched (tests/api/test_query_counts.py holds the count equal for 1 and 20 measures).
    for n in range(5):
        Measure.objects.create(plan=plan, title=f"Åtgärd {n}", responsible_organisation=world.sdf)
    client = api("carol")
    with django_assert_max_num_queries(14):
        response = client.get("/api/v1/measures/")
    assert len(response.json()["results"]) == 6
