"""/api/v1/statistics/: series and values, scoped like the pages, in the OpenAPI schema."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def client_for(actor):
        client = APIClient()
        if actor is not None:
            token, _created = Token.objects.get_or_create(user=getattr(world, actor))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def figures(world, crimes, survey, value):
    value(crimes, world.district, "2019/20", 812, category="narkotikabrott")
    value(crimes, world.district, "2021/22", 84, category="personran")
    value(crimes, world.skarholmen, "2021/22", 70, category="personran")
    value(survey, world.liljeholmen, "2021", 23.5, note="Urval 400")


def test_series_list_and_detail(api, figures, crimes, survey):
    response = api("alice").get("/api/v1/statistics/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["Anmälda brott (Polisen)", "Otrygghet sen kväll"]
    detail = api("alice").get(f"/api/v1/statistics/{survey.pk}/").json()
    assert detail["unit"] == "andel"
    assert detail["is_demo"] is True
    assert detail["code"] == "otrygghet"


def test_values_of_one_series_are_scoped_to_the_user(api, world, figures, crimes):
    rows = api("alice").get(f"/api/v1/statistics/{crimes.pk}/values/").json()["rows"]
    assert [(r["area_name"], r["category_name"], r["period"], r["value"]) for r in rows] == [
        ("Hägersten-Älvsjö", "Narkotikabrott", "2019/20", 812.0),
        ("Hägersten-Älvsjö", "Personrån", "2021/22", 84.0),
    ]
    assert rows[0]["period_start"] == "2019-09-01"
    assert rows[0]["period_end"] == "2020-08-31"
    assert rows[0]["series"] == crimes.pk
    assert rows[0]["area"] == world.district.pk
    rows = api("carol").get(f"/api/v1/statistics/{crimes.pk}/values/").json()["rows"]
    assert len(rows) == 3


def test_values_filtered_by_area_category_and_dates(api, world, figures, crimes, survey):
    client = api("carol")
    url = "/api/v1/statistics/values/"
    rows = client.get(url, {"area": [world.skarholmen.pk, world.liljeholmen.pk]}).json()["rows"]
    assert {r["area_name"] for r in rows} == {"Skärholmen", "Liljeholmen"}
    rows = client.get(url, {"area": f"{world.skarholmen.pk},{world.district.pk}"}).json()["rows"]
    assert {r["area_name"] for r in rows} == {"Skärholmen", "Hägersten-Älvsjö"}
    rows = client.get(url, {"series": survey.pk}).json()["rows"]
    assert [(r["value"], r["note"], r["is_demo"]) for r in rows] == [(23.5, "Urval 400", True)]
    rows = client.get(url, {"start": "2020-01-01", "end": "2022-12-31"}).json()["rows"]
    assert {r["period"] for r in rows} == {"2021/22", "2021"}
    category = rows[0]["category"]
    rows = client.get(f"/api/v1/statistics/{crimes.pk}/values/", {"category": category}).json()[
        "rows"
    ]
    assert {r["category"] for r in rows} == {category}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "ett"}, "area"),
        ({"start": "igår"}, "start"),
        ({"start": "2023-02-01", "end": "2023-01-01"}, "end"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(api, figures, params, field):
    response = api("carol").get("/api/v1/statistics/values/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(("actor", "status"), [("bob", 200), ("erin", 200), (None, 401)])
def test_others_see_no_series(api, figures, crimes, actor, status):
    response = api(actor).get("/api/v1/statistics/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["results"] == []
        assert api(actor).get(f"/api/v1/statistics/{crimes.pk}/values/").status_code == 404
        assert api(actor).get("/api/v1/statistics/values/").json()["rows"] == []


def test_the_schema_documents_the_statistics_endpoints():
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {
        "/api/v1/statistics/",
        "/api/v1/statistics/{id}/",
        "/api/v1/statistics/{id}/values/",
        "/api/v1/statistics/values/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/statistics/{id}/values/"]["get"]["parameters"]}
    assert {"area", "category", "start", "end"} <= parameters
    parameters = {p["name"] for p in paths["/api/v1/statistics/values/"]["get"]["parameters"]}
    assert "series" in parameters
    row = schema["components"]["schemas"]["StatValue"]["properties"]
    assert {
        "series",
        "area",
        "category",
        "period",
        "period_start",
        "period_end",
        "value",
        "is_demo",
    } <= set(row)
