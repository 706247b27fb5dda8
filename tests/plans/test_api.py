"""``/api/v1/action-plans/``: plans with problems, measures and status, scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.plans.actions import record_follow_up


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
