"""``/api/v1/analysis/evaluation/`` through the test client: the evaluation of a measure's
effect as JSON, scoped like the pages, with clear 400s for bad parameters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.analysis.evaluation_data import BEFORE_START, END, START, standard_dataset
from trygg.analysis.evaluation import evaluate
from trygg.lib.stats import rate_ratio_before_after, weighted_displacement_quotient

URL = "/api/v1/analysis/evaluation/"


@pytest.fixture
def api(world):
    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def dataset(world):
    return standard_dataset(world)


def _query(world, dataset, **extra):
    category, grondal = dataset
    return {
        "area": world.liljeholmen.pk,
        "comparison_area": world.skarholmen.pk,
        "buffer_area": grondal.pk,
        "category": category.pk,
        "start": START.isoformat(),
        "end": END.isoformat(),
    } | extra


def test_the_evaluation_as_json(api, world, dataset):
    response = api(world.carol).get(URL, _query(world, dataset))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["treated"] == {"before": 100, "after": 70}
    assert body["comparison"] == {"before": 60, "after": 60}
    assert body["buffer"] == {"before": 40, "after": 36}
    reference = rate_ratio_before_after(100, 70, 60, 60)
    assert body["rate_ratio"] == pytest.approx(0.7)
    assert body["ci95"] == pytest.approx([reference.ci_low, reference.ci_high])
    assert body["effect_percent"] == pytest.approx(-30)
    assert body["wdd"]["wdd"] == -30 and body["wdd"]["variance"] == 290
    assert body["wdq"] == pytest.approx(weighted_displacement_quotient(100, 70, 60, 60, 40, 36).wdq)
    assert body["wdq_interpretation"] == "diffusion"
    assert body["before"] == {"start": BEFORE_START.isoformat(), "end": "2023-02-28", "days": 61}
    assert body["after"] == {"start": "2023-03-01", "end": "2023-04-30", "days": 61}
    assert "30" in body["statement"] and body["caveats"]


def test_the_page_and_the_api_give_the_same_answer(api, world, dataset):
    category, _grondal = dataset
    body = api(world.carol).get(URL, _query(world, dataset, comparison_area="", buffer_area=""))
    direct = evaluate(
        world.carol,
        area_id=world.liljeholmen.pk,
        category_ids=[category.pk],
        start=START,
        end=END,
        today=timezone.localdate(),
    )
    body = body.json()
    assert body["comparison"] is None and body["buffer"] is None
    assert body["wdd"] is None and body["wdq"] is None
    assert body["rate_ratio"] == pytest.approx(direct.rate.rate_ratio)
    assert body["ci95"] == pytest.approx([direct.rate.ci_low, direct.rate.ci_high])
    assert body["statement"] == direct.statement


def test_categories_repeat_or_separate_with_commas(api, world, dataset):
    category, _grondal = dataset
    comma = api(world.carol).get(
        URL, _query(world, dataset, category=f"{category.pk},{category.pk}")
    )
    assert comma.status_code == 200
    assert comma.json()["treated"] == {"before": 100, "after": 70}


def test_window_days_caps_the_windows(api, world, dataset):
    body = api(world.carol).get(URL, _query(world, dataset, window_days=28)).json()
    assert body["after"] == {"start": "2023-03-01", "end": "2023-03-28", "days": 28}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area": ""}, "area"),
        ({"area": "x"}, "area"),
        ({"category": ""}, "category"),
        ({"category": "1,y"}, "category"),
        ({"start": "2023-13-01"}, "start"),
        ({"start": ""}, "start"),
        ({"end": "2023-01-01"}, "end"),
        ({"window_days": "0"}, "window_days"),
        ({"window_days": "many"}, "window_days"),
        ({"comparison_area": "same"}, "comparison_area"),
        ({"buffer_area": "comparison"}, "buffer_area"),
        ({"category": "999999"}, "category"),
        ({"start": "2030-01-01", "end": ""}, "start"),
    ],
)
def test_bad_parameters_are_a_clear_400(api, world, dataset, change, field):
    query = _query(world, dataset)
    if change.get("comparison_area") == "same":
        change = {"comparison_area": query["area"]}
    if change.get("buffer_area") == "comparison":
        change = {"buffer_area": query["comparison_area"]}
    response = api(world.carol).get(URL, query | change)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_areas_the_user_may_not_analyse_are_refused(api, world, dataset):
    # alice coordinates Hägersten-Älvsjö; Skärholmen is outside her areas.
    response = api(world.alice).get(URL, _query(world, dataset))
    assert response.status_code == 400
    assert response.json() == {"comparison_area": ["Du får inte analysera det här området."]}
    inside = api(world.alice).get(URL, _query(world, dataset, comparison_area=""))
    assert inside.status_code == 200


def test_without_membership_or_login(api, world, dataset):
    assert api(world.erin).get(URL, _query(world, dataset)).status_code == 403
    assert api(None).get(URL, _query(world, dataset)).status_code == 401


def test_the_schema_documents_the_endpoint(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"area", "comparison_area", "buffer_area", "category", "start", "window_days"} <= names
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][response["$ref"].rsplit("/", 1)[-1]]
    assert {"treated", "comparison", "buffer", "rate_ratio", "ci95", "wdd", "wdq", "statement"} <= (
        set(component["properties"])
    )


def test_today_bounds_an_open_measure(api, world, dataset):
    body = api(world.carol).get(URL, _query(world, dataset, end="")).json()
    assert dt.date.fromisoformat(body["after"]["end"]) <= END
