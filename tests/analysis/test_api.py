from datetime import UTC, date, datetime

import numpy as np
import pytest
from rest_framework.test import APIClient

from trygg.analysis.counts import count_incidents
from trygg.analysis.selection import build_selection
from trygg.incidents.models import Incident, Status


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.carol)
    return client


def test_counts_endpoint_groups_by_area_category_and_reporting_year(world, incidents, api):
    response = api.get(
        "/api/v1/analysis/counts/",
        {
            "group_by": "area,category,period",
            "period": "reporting_year",
            "area": world.district.pk,
            "start": "2021-09-01",
            "end": "2023-08-31",
        },
    )
    assert response.status_code == 200, response.json()
    rows = response.json()["rows"]
    first = rows[0]
    assert set(first) == {
        "area",
        "area_name",
        "category",
        "category_name",
        "period",
        "period_label",
        "period_start",
        "period_end",
        "count",
        "rate_per_1000",
    }
    assert {r["period"] for r in rows} == {"2021/22", "2022/23"}
    assert rows[0]["period_start"] == "2021-09-01" and rows[0]["period_end"] == "2022-08-31"
    selection = build_selection(
        world.carol, area_ids=[world.district.pk], start=date(2021, 9, 1), end=date(2023, 8, 31)
    )
    assert sum(r["count"] for r in rows) == count_incidents(selection).total


def test_counts_by_source_and_organisation_with_several_areas(world, incidents, api):
    response = api.get(
        "/api/v1/analysis/counts/",
        {"group_by": "source,organisation", "area": f"{world.district.pk},{world.skarholmen.pk}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == sum(r["count"] for r in body["rows"])
    assert all(
        set(r) == {"source", "organisation", "organisation_name", "count"} for r in body["rows"]
    )
    expected = (
        Incident.objects.exclude(status=Status.AVVISAD)
        .filter(area__in=[world.district, world.liljeholmen, world.skarholmen])
        .count()
    )
    assert body["total"] == expected


def test_counts_refuse_bad_input_with_the_field_named(world, api):
    assert api.get("/api/v1/analysis/counts/", {"group_by": "weather"}).json()["group_by"]
    assert "start" in api.get("/api/v1/analysis/counts/", {"start": "igår"}).json()
    assert "area" in api.get("/api/v1/analysis/counts/", {"area": 999999}).json()


def test_counts_are_limited_to_the_users_areas(world, incidents):
    client = APIClient()
    client.force_authenticate(world.alice)
    response = client.get("/api/v1/analysis/counts/", {"area": world.skarholmen.pk})
    assert response.status_code == 400
    mine = client.get("/api/v1/analysis/counts/", {"group_by": "area"}).json()["rows"]
    assert [r["area"] for r in mine] == [world.district.pk]
    client.force_authenticate(world.erin)  # no membership: analyses nothing, as on the pages
    assert client.get("/api/v1/analysis/counts/").status_code == 403
    assert APIClient().get("/api/v1/analysis/counts/").status_code == 401


def test_changes_endpoint(world, incidents, api):
    response = api.get(
        "/api/v1/analysis/changes/",
        {"area": world.district.pk, "end": "2023-08-31", "comparison": "previous"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["current"]["period"] == "2022/23"
    assert body["baseline"][0]["period"] == "2021/22"
    row = body["rows"][0]
    for key in ("current", "previous", "change_percent", "p_value", "significant", "verdict"):
        assert key in row
    assert api.get("/api/v1/analysis/changes/", {"comparison": "x"}).status_code == 400


def test_time_pattern_endpoint(world, incidents, api):
    body = api.get("/api/v1/analysis/time-pattern/", {"area": world.stockholm.pk}).json()
    assert len(body["matrix"]) == 7 and all(len(row) == 24 for row in body["matrix"])
    counted = Incident.objects.exclude(status=Status.AVVISAD).count()
    assert body["total"] + body["unknown_time"] == counted == sum(body["months"])


def test_hotspots_endpoint_returns_cells_as_geojson(world, incidents, api):
    from trygg.incidents.actions import IncidentDraft, record_incidents
    from trygg.incidents.models import Category

    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    # A tight cluster of 60 incidents at Liljeholmen's centre.
    from datetime import UTC, datetime

    record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=datetime(2023, 2, 1, 12, tzinfo=UTC),
                latitude=59.31 + (i % 3) * 0.0004,
                longitude=18.02 + (i % 4) * 0.0006,
            )
            for i in range(60)
        ],
        source="import",
    )
    response = api.get("/api/v1/analysis/hotspots/", {"area": world.district.pk, "cell_m": 250})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["cell_m"] == 250
    features = body["features"]
    assert {"count", "gi_z", "p_value", "hotspot"} <= set(features[0]["properties"])
    assert features[0]["geometry"]["type"] == "Polygon"
    assert sum(f["properties"]["count"] for f in features) >= 60
    hot = [f for f in features if f["properties"]["hotspot"] == "hot"]
    assert hot and max(f["properties"]["count"] for f in hot) >= 10
    assert api.get("/api/v1/analysis/hotspots/", {"cell_m": 5}).status_code == 400
    assert api.get("/api/v1/analysis/hotspots/", {"q": 2}).status_code == 400


def test_hotspots_endpoint_text_equals_the_dict_based_output(world, incidents, api):
    import json

    from trygg.analysis.hotspots import hotspots
    from trygg.incidents.actions import IncidentDraft, record_incidents
    from trygg.incidents.models import Category

    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    rng = np.random.default_rng(3)
    # 200 incidents spread over the district (a 3 km circle) and 60 in a cluster at Liljeholmen.
    lat = np.concatenate([rng.uniform(59.275, 59.305, 200), rng.normal(59.31, 0.0008, 60)])
    lon = np.concatenate([rng.uniform(17.975, 18.025, 200), rng.normal(18.02, 0.0015, 60)])
    record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=datetime(2023, 2, 1, 12, tzinfo=UTC),
                latitude=float(a),
                longitude=float(o),
            )
            for a, o in zip(lat, lon, strict=True)
        ],
        source="import",
    )
    params = {"area": world.district.pk, "cell_m": 250}
    response = api.get("/api/v1/analysis/hotspots/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    found = hotspots(build_selection(world.carol, area_ids=[world.district.pk]), cell_m=250)
    # What the endpoint returned before it wrote the text itself: DRF rendering the dicts.
    members = {"cell_m": 250.0, "q": 0.05, "p_values": "normal", "measure": "count"}
    former = json.loads(json.dumps(found.feature_collection() | members))
    assert body == former
    assert sum(f["properties"]["count"] for f in body["features"]) > 0
    nonzero = api.get("/api/v1/analysis/hotspots/", params | {"cells": "nonzero"}).json()
    assert nonzero["features"] == [f for f in body["features"] if f["properties"]["count"]]
    assert len(nonzero["features"]) < len(body["features"])
    flagged = api.get("/api/v1/analysis/hotspots/", params | {"cells": "flagged"}).json()
    assert flagged["features"] == [f for f in body["features"] if f["properties"]["hotspot"]]
    assert api.get("/api/v1/analysis/hotspots/", params | {"cells": "hot"}).status_code == 400
    exact = api.get("/api/v1/analysis/hotspots/", params | {"p_values": "permutation"}).json()
    assert exact["p_values"] == "permutation"
    by_permutation = hotspots(
        build_selection(world.carol, area_ids=[world.district.pk]),
        cell_m=250,
        p_values="permutation",
    )
    assert [f["properties"]["p_value"] for f in exact["features"]] == (
        by_permutation.p_values.tolist()
    )
    # The same cells, counts and z-scores; only the p-values (and so perhaps labels) differ.
    assert [f["properties"]["gi_z"] for f in exact["features"]] == [
        f["properties"]["gi_z"] for f in body["features"]
    ]
    assert api.get("/api/v1/analysis/hotspots/", params | {"p_values": "x"}).status_code == 400


def _weigh(*weights):
    """The first leaf categories get these harm weights; returns {category id: weight}."""
    from trygg.incidents.models import Category

    leaves = list(Category.objects.filter(children__isnull=True).order_by("id")[: len(weights)])
    for category, weight in zip(leaves, weights, strict=True):
        Category.objects.filter(pk=category.pk).update(harm_weight=weight, harm_source="Test")
    return {category.pk: weight for category, weight in zip(leaves, weights, strict=True)}


def _district(world):
    return Incident.objects.counted().filter(area__in=[world.district, world.liljeholmen])


def test_counts_endpoint_answers_harm_in_the_harm_unit(world, incidents, api):
    from django.conf import settings

    weights = _weigh(2.5, 300)
    params = {
        "group_by": "category",
        "area": world.district.pk,
        "category": ",".join(map(str, weights)),
    }
    plain = api.get("/api/v1/analysis/counts/", params).json()["rows"]
    counts = {r["category"]: r["count"] for r in plain}
    response = api.get("/api/v1/analysis/counts/", params | {"measure": "harm"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["measure"] == "harm" and body["unit"] == settings.TRYGG_HARM_UNIT
    assert "count" not in body["rows"][0]
    harm = {r["category"]: r["harm"] for r in body["rows"]}
    for pk, weight in weights.items():
        assert counts[pk] > 0
        assert harm[pk] == pytest.approx(weight * counts[pk])
    expected = sum(weights.get(i.category_id, 0) for i in _district(world))
    everything = api.get("/api/v1/analysis/counts/", {"area": world.district.pk, "measure": "harm"})
    assert everything.json()["total"] == pytest.approx(expected)
    assert body["total"] == pytest.approx(expected)
    bad = api.get("/api/v1/analysis/counts/", params | {"measure": "skada"})
    assert bad.status_code == 400 and "measure" in bad.json()


def test_changes_endpoint_gives_harm_beside_the_counts(world, incidents, api):
    plain = api.get("/api/v1/analysis/changes/", {"area": world.district.pk}).json()
    assert plain["rows"] and "harm_current" not in plain["rows"][0]
    weights = _weigh(2.5, 1)
    query = {"area": world.district.pk, "category": ",".join(map(str, weights))}
    rows = api.get("/api/v1/analysis/changes/", query).json()["rows"]
    assert {row["category"] for row in rows} == set(weights)
    for row in rows:
        weight = weights.get(row["category"], 0)
        assert row["harm_current"] == pytest.approx(weight * row["current"])
        assert row["harm_baseline"] == pytest.approx(weight * row["baseline"], abs=0.05)


def test_hotspots_endpoint_weighs_cells_by_harm(world, incidents, api):
    from trygg.incidents.models import Category

    leaf = Category.objects.filter(children__isnull=True).order_by("id").first()
    rng = np.random.default_rng(5)
    from trygg.incidents.actions import IncidentDraft, record_incidents

    record_incidents(
        [
            IncidentDraft(
                category=leaf,
                occurred_at=datetime(2023, 2, 1, 12, tzinfo=UTC),
                latitude=float(a),
                longitude=float(o),
            )
            for a, o in zip(
                rng.uniform(59.28, 59.30, 50), rng.uniform(17.98, 18.02, 50), strict=True
            )
        ],
        source="import",
    )
    _weigh(4)
    params = {"area": world.district.pk, "cells": "nonzero"}
    counted = api.get("/api/v1/analysis/hotspots/", params).json()
    harm = api.get("/api/v1/analysis/hotspots/", params | {"measure": "harm"})
    assert harm.status_code == 200
    body = harm.json()
    assert body["measure"] == "harm" and counted["measure"] == "count"
    total = sum(f["properties"]["count"] for f in body["features"])
    assert total == 4 * 50
    refused = api.get(
        "/api/v1/analysis/hotspots/", params | {"measure": "harm", "p_values": "permutation"}
    )
    assert refused.status_code == 400 and "p_values" in refused.json()
