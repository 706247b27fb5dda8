"""The checklist page and ``/api/v1/compliance/``: the same duties, scoped to the user's areas."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def overdue(world, council, meeting_on, action):
    meeting = meeting_on(dt.date(2023, 5, 12))
    action(meeting, "Trygghetsvandring", due_on=dt.date(2023, 6, 30))
    return meeting


def test_the_checklist_page_shows_each_duty_with_status_and_date(client, world, overdue):
    client.force_login(world.bob)
    response = client.get(reverse("compliance:checklist"), {"datum": "2023-10-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lagens krav" in html and "Hägersten-Älvsjö" in html
    assert 'id="duty-atgardspunkter"' in html
    assert "Förfallet" in html and "30 juni 2023" in html
    assert f'href="{overdue.get_absolute_url()}"' in html
    assert "Checklistan som den ser ut den 2 oktober 2023." in html
    assert response.context["duties"][0].key == "samordningsfunktion"


def test_the_page_defaults_to_the_users_area_and_today(client, world):
    client.force_login(world.dave)
    response = client.get(reverse("compliance:checklist"))
    assert response.context["area"] == world.skarholmen
    assert response.context["day"] == dt.date.today()


def test_another_area_is_forbidden_and_bad_values_refused(client, world):
    client.force_login(world.alice)
    url = reverse("compliance:checklist")
    assert client.get(url, {"omrade": world.skarholmen.pk}).status_code == 403
    assert client.get(url, {"omrade": world.stockholm.pk}).status_code == 200  # the level above
    assert client.get(url, {"omrade": "x"}).status_code == 400
    assert client.get(url, {"datum": "igår"}).status_code == 400
    client.force_login(world.erin)
    assert client.get(url).status_code == 403


def test_the_api_answers_duties_with_status_due_and_evidence(world, overdue):
    response = api_for(world.alice).get(
        "/api/v1/compliance/", {"omrade": world.district.pk, "datum": "2023-10-02"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["area"] == world.district.pk and body["date"] == "2023-10-02"
    duties = {d["key"]: d for d in body["duties"]}
    assert set(duties) == {"samordningsfunktion", "lagesbild", "atgardsplan", "overenskommelse",
                           "bilaga", "strategiskt_forum", "atgardspunkter", "uppfoljningar"}  # fmt: skip
    assert duties["lagesbild"]["status"] == "saknas" and duties["lagesbild"]["due"] is None
    items = duties["atgardspunkter"]
    assert items["status"] == "forfallet"
    assert items["due"] == "2023-06-30"
    assert items["evidence_url"] == f"http://testserver{overdue.get_absolute_url()}"
    assert duties["samordningsfunktion"]["status"] == "uppfyllt"


def test_the_api_has_the_pages_permissions(world):
    assert APIClient().get("/api/v1/compliance/").status_code == 401
    assert api_for(world.erin).get("/api/v1/compliance/").status_code == 403
    client = api_for(world.alice)
    assert client.get("/api/v1/compliance/", {"omrade": world.skarholmen.pk}).status_code == 403
    assert client.get("/api/v1/compliance/", {"datum": "x"}).status_code == 400


def test_the_schema_describes_the_compliance_answer(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    get = schema["paths"]["/api/v1/compliance/"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"omrade", "datum"}
    duty = schema["components"]["schemas"]["Duty"]["properties"]
    assert {"key", "status", "due", "evidence_url"} <= set(duty)
    assert {"/api/v1/agreements/", "/api/v1/forums/", "/api/v1/meetings/{id}/"} <= set(
        schema["paths"]
    )
    assert "ics_url" in schema["components"]["schemas"]["Meeting"]["properties"]
