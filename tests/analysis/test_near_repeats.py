"""Near repeats for a selection: the API endpoint and the page, over real incidents."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from trygg.analysis.nearrepeat import near_repeats
from trygg.analysis.selection import build_selection
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident

START = datetime(2023, 1, 1, 10, tzinfo=UTC)


def _offset(lat: float, lon: float, metres: float, angle: float) -> tuple[float, float]:
    return (
        lat + metres * math.sin(angle) / 111_200,
        lon + metres * math.cos(angle) / (111_200 * math.cos(math.radians(lat))),
    )


def _record(points: list[tuple[float, float, datetime]]) -> None:
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    record_incidents(
        [
            IncidentDraft(category=category, occurred_at=when, latitude=lat, longitude=lon)
            for lat, lon, when in points
        ],
        source="import",
    )


def _background(rng: random.Random, n: int) -> list[tuple[float, float, datetime]]:
    """Incidents spread over 2 km around the district's centre and over a year."""
    points = []
    for _ in range(n):
        lat, lon = _offset(59.29, 18.0, 2000 * math.sqrt(rng.random()), rng.uniform(0, 6.28))
        points.append((lat, lon, START + timedelta(days=rng.randrange(365), hours=rng.random())))
    return points


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.carol)
    return client


@pytest.fixture
def planted(world):
    """120 incidents, and 40 of them followed within 4 days by two more within 60 m."""
    rng = random.Random(3)
    points = _background(rng, 120)
    for lat, lon, when in points[:40]:
        for _ in range(2):
            near_lat, near_lon = _offset(lat, lon, rng.uniform(5, 60), rng.uniform(0, 6.28))
            points.append((near_lat, near_lon, when + timedelta(days=rng.randrange(5))))
    _record(points)


def test_the_endpoint_finds_planted_near_repeats(world, planted, api):
    response = api.get(
        "/api/v1/analysis/near-repeats/",
        {"area": world.district.pk, "start": "2023-01-01", "end": "2023-12-31", "seed": 5},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["events"] == Incident.objects.count() == 200
    assert body["permutations"] == 99 and body["seed"] == 5
    assert len(body["cells"]) == 100 and body["distance_bands"][0] == [0, 100]
    first = body["cells"][0]
    assert (first["distance_band"], first["time_band"]) == (1, 1)
    assert first["p_value"] < 0.05 and first["significant"] and first["ratio"] > 2
    assert first["observed"] >= 80  # the 80 planted pairs with their originator, at least
    assert sum(body["classes"].values()) == 200
    assert body["classes"]["near_repeat"] >= 80 and body["classes"]["originator"] >= 30
    assert "Nära upprepningar" in body["verdict"]
    # The same seed, the same answer; the counts equal the analysis called directly.
    again = api.get(
        "/api/v1/analysis/near-repeats/",
        {"area": world.district.pk, "start": "2023-01-01", "end": "2023-12-31", "seed": 5},
    ).json()
    assert again == body
    direct = near_repeats(
        build_selection(
            world.carol,
            area_ids=[world.district.pk],
            start=datetime(2023, 1, 1).date(),
            end=datetime(2023, 12, 31).date(),
        ),
        seed=5,
    )
    assert [c["observed"] for c in body["cells"]] == direct.knox.observed.ravel().tolist()


def test_random_incidents_show_no_near_repeats(world, api):
    _record(_background(random.Random(4), 200))
    body = api.get("/api/v1/analysis/near-repeats/", {"area": world.district.pk}).json()
    assert body["events"] == 200
    assert not body["cells"][0]["significant"]
    assert "Nära upprepningar:" not in body["verdict"]


def test_the_endpoint_takes_bands_and_refuses_bad_ones(world, planted, api):
    url = "/api/v1/analysis/near-repeats/"
    body = api.get(
        url,
        {
            "area": world.district.pk,
            "distance_band_m": 50,
            "distance_bands": 4,
            "time_band_days": 3,
            "time_bands": 5,
            "permutations": 19,
        },
    ).json()
    assert len(body["cells"]) == 20 and body["time_bands"][1] == [3, 6]
    assert body["permutations"] == 19
    for params in (
        {"distance_band_m": 5},
        {"distance_bands": 21},
        {"time_band_days": 0},
        {"permutations": 5000},
        {"seed": "x"},
    ):
        response = api.get(url, params)
        assert response.status_code == 400, params
        assert set(response.json()) >= set(params)
    assert APIClient().get(url).status_code in (401, 403)


def test_few_incidents_get_an_honest_verdict(world, api):
    _record(_background(random.Random(5), 5))
    body = api.get("/api/v1/analysis/near-repeats/", {"area": world.district.pk}).json()
    assert body["events"] == 5
    assert "För få" in body["verdict"]


def test_the_page_shows_the_table_and_the_verdict(world, planted):
    client = Client()
    client.force_login(world.carol)
    response = client.get(
        "/analys/nara-upprepningar/",
        {"omrade": world.district.pk, "fran": "2023-01-01", "till": "2023-12-31"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nära upprepningar" in text and "0–100 m" in text and "8–14 dagar" in text
    assert "*" in text  # the first cell is marked
    assert "Ursprungshändelse" in text
    assert client.get("/analys/nara-upprepningar/", {"avstand": 5}).status_code == 400
    # The Analys page links to it.
    assert "/analys/nara-upprepningar/" in client.get("/analys/").content.decode()


def test_the_lagesbild_figure_shows_the_knox_table(world, planted):
    import datetime as dt

    from tests.reports.conftest import make_report
    from trygg.reports.figures import compute_figure, registered_figures
    from trygg.reports.models import BlockKind, Section

    assert BlockKind.NEAR_REPEATS in registered_figures()
    report = make_report(
        world,
        "Nära upprepningar",
        (Section.ANALYS, BlockKind.NEAR_REPEATS, "Inbrott som följer på inbrott"),
        period_end=dt.date(2023, 12, 31),
    )
    block = report.blocks.get(kind=BlockKind.NEAR_REPEATS)
    assert block.is_figure
    figure = compute_figure(block)
    assert figure is not None
    assert figure["headers"][:3] == ["Avstånd", "0–7 dagar", "8–14 dagar"]
    assert figure["rows"][0][0] == "0–100 m" and figure["rows"][0][1].endswith(" *")
    assert len(figure["rows"]) == 10 and all(len(row) == 11 for row in figure["rows"])
    assert figure["note"].startswith("Nära upprepningar:")


def test_the_answer_is_what_the_schema_says(world, planted, api):
    from tests.api.test_schema_truth import validate_answer

    schema = Client().get("/api/schema/", {"format": "json"}).json()
    path = "/api/v1/analysis/near-repeats/"
    parameters = {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}
    assert (parameters["distance_band_m"]["minimum"], parameters["time_bands"]["maximum"]) == (
        10,
        20,
    )
    assert parameters["area"]["items"]["minimum"] == 1
    body = api.get(path, {"area": world.district.pk}).json()
    validate_answer(schema, path, "get", 200, body)


def test_the_verdict_tells_a_weak_excess_from_a_pattern():
    import numpy as np

    from trygg.analysis.nearrepeat import NearRepeats, verdict
    from trygg.lib.nearrepeat import KnoxResult

    def found(observed: float, expected: float, p: float) -> NearRepeats:
        grid = np.full((2, 2), 10.0)
        obs, exp, pv = grid.copy(), grid.copy(), np.full((2, 2), 0.5)
        obs[0, 0], exp[0, 0], pv[0, 0] = observed, expected, p
        knox = KnoxResult(100.0, 7.0, obs.astype(int), exp, pv, 99, 1, 500, 4000)
        return NearRepeats(knox=knox, classes={}, without_position=0)

    assert verdict(found(300, 100, 0.01)).startswith("Nära upprepningar: fler")
    assert verdict(found(120, 100, 0.01)).startswith("Svaga nära upprepningar")
    assert verdict(found(100, 100, 0.5)).startswith("Inget mönster")
    assert verdict(found(300, 100, 0.2)).startswith("Inget mönster")  # large but not supported
