"""Open311 GeoReport v2 intake: services, creating and reading service requests, errors."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, Source, Status

BASE = "/open311/v2"
PERSONNUMMER = "811228-9874"


@pytest.fixture
def key(world):
    """``key("bob")`` is bob's api_key."""
    return lambda actor: Token.objects.get_or_create(user=getattr(world, actor))[0].key


def post(data, *, as_json=False):
    client = Client()
    if as_json:
        return client.post(f"{BASE}/requests.json", json.dumps(data), "application/json")
    return client.post(f"{BASE}/requests.json", data)


def graffiti(api_key, **fields):
    return {
        "api_key": api_key,
        "service_code": "klotter",
        "lat": "59.31",
        "long": "18.02",
        "description": "Tags på gångtunneln",
        **fields,
    }


def assert_error(response, code):
    assert response.status_code == code
    body = response.json()
    assert isinstance(body, list)
    assert body
    assert all(set(e) == {"code", "description"} and e["code"] == code for e in body)
    return body


# Services -------------------------------------------------------------------------------


def test_services_are_the_open_leaf_categories(world, key):
    Category.objects.filter(code="nedskrapning").update(is_active=False)
    response = Client().get(f"{BASE}/services.json", {"api_key": key("bob")})
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    assert services["klotter"] == {
        "service_code": "klotter",
        "service_name": "Klotter",
        "description": Category.objects.get(code="klotter").description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "Skadegörelse",
    }
    assert "skadegorelse" not in services  # a parent, reported in its sub-categories
    assert "nedskrapning" not in services  # retired


def test_services_answer_a_signed_in_session(world):
    client = Client()
    client.force_login(world.alice)
    assert client.get(f"{BASE}/services.json").status_code == 200


def test_services_need_no_api_key(world, key):
    # GeoReport v2 asks for a key on POST only; the list is the same for everyone.
    response = Client().get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response.json() == Client().get(f"{BASE}/services.json", {"api_key": key("bob")}).json()


# Creating and reading requests ----------------------------------------------------------


def test_full_flow(world, key):
    api_key = key("bob")
    services = Client().get(f"{BASE}/services.json", {"api_key": api_key}).json()
    assert "klotter" in {s["service_code"] for s in services}

    response = post(graffiti(api_key, address_string="Gångtunneln vid Liljeholmstorget"))
    assert response.status_code == 201, response.content
    [receipt] = response.json()
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    assert receipt["account_id"] is None
    incident = Incident.objects.get(pk=int(receipt["service_request_id"]))
    assert incident.source == Source.OPEN311
    assert incident.area == world.liljeholmen
    assert incident.organisation == world.housing
    assert incident.reported_by == world.bob
    assert incident.place == "Gångtunneln vid Liljeholmstorget"

    url = f"{BASE}/requests/{receipt['service_request_id']}.json"
    [request] = Client().get(url, {"api_key": api_key}).json()
    assert request["service_request_id"] == receipt["service_request_id"]
    assert request["status"] == "open"
    assert request["service_code"] == "klotter"
    assert request["service_name"] == "Klotter"
    assert request["description"] == "Tags på gångtunneln"
    assert request["address"] == "Gångtunneln vid Liljeholmstorget"
    assert (request["lat"], request["long"]) == (59.31, 18.02)
    assert {"requested_datetime", "updated_datetime"} <= set(request)

    listed = Client().get(f"{BASE}/requests.json", {"api_key": api_key}).json()
    assert receipt["service_request_id"] in {r["service_request_id"] for r in listed}


def test_create_accepts_json_and_an_area_name(world, key):
    data = graffiti(key("bob"), address_string="liljeholmen", lat="", long="")
    response = post(data, as_json=True)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.area == world.liljeholmen
    assert incident.latitude is None


def test_create_takes_the_requested_time(world, key):
    when = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    response = post(graffiti(key("bob"), requested_datetime=when.isoformat()))
    assert response.status_code == 201, response.content
    assert Incident.objects.get().occurred_at == when


def test_created_requests_show_up_in_the_incident_list(world, key):
    post(graffiti(key("bob")))
    client = Client()
    client.force_login(world.alice)
    rows = client.get("/api/v1/incidents/", {"kalla": "open311"}).json()["results"]
    assert len(rows) == 1


@pytest.fixture
def requests_in_world(world):
    """A reviewed klotter report and a new littering report, both in Liljeholmen."""

    def record(code, days_ago):
        draft = IncidentDraft(
            category=Category.objects.get(code=code),
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            area=world.liljeholmen,
            organisation=world.housing,
        )
        return record_incidents([draft], source=Source.IMPORT).created[0]

    closed = record("klotter", 5)
    Incident.objects.filter(pk=closed.pk).update(status=Status.GRANSKAD)
    return {"closed": closed, "open": record("nedskrapning", 2), "old": record("klotter", 200)}


def found(response):
    assert response.status_code == 200, response.content
    return {int(r["service_request_id"]) for r in response.json()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"closed", "open"}),
        ({"status": "open"}, {"open"}),
        ({"status": "closed"}, {"closed"}),
        ({"status": "open,closed"}, {"closed", "open"}),
        ({"service_code": "klotter"}, {"closed"}),
        ({"start_date": "-3"}, {"open"}),
        ({"start_date": "-400", "end_date": "-100"}, {"old"}),
        ({"service_request_id": "old,open", "status": "closed"}, {"old", "open"}),
    ],
)
def test_request_search(world, key, requests_in_world, query, expected):
    def days(value):
        return (timezone.now() + dt.timedelta(days=int(value))).isoformat()

    params = {"api_key": key("alice")}
    for name, value in query.items():
        if name.endswith("_date"):
            value = days(value)
        elif name == "service_request_id":
            value = ",".join(str(requests_in_world[v].pk) for v in value.split(","))
        params[name] = value
    response = Client().get(f"{BASE}/requests.json", params)
    assert found(response) == {requests_in_world[name].pk for name in expected}


@pytest.mark.parametrize(("actor", "sees"), [("alice", True), ("bob", True), ("dave", False)])
def test_requests_are_scoped_like_the_pages(world, key, requests_in_world, actor, sees):
    response = Client().get(f"{BASE}/requests.json", {"api_key": key(actor)})
    assert bool(found(response)) == sees
    one = requests_in_world["open"].pk
    response = Client().get(f"{BASE}/requests/{one}.json", {"api_key": key(actor)})
    assert response.status_code == (200 if sees else 404)


# Errors ---------------------------------------------------------------------------------


def test_missing_service_code(world, key):
    data = graffiti(key("bob"))
    del data["service_code"]
    [error] = assert_error(post(data), 400)
    assert "service_code" in error["description"]


def test_unknown_service_code(world, key):
    assert_error(post(graffiti(key("bob"), service_code="finns-inte")), 404)


def test_bad_api_key(world):
    assert_error(post(graffiti("not-a-key")), 403)
    assert_error(Client().get(f"{BASE}/requests.json", {"api_key": "not-a-key"}), 403)
    assert not Incident.objects.exists()


def test_create_needs_an_api_key_even_when_signed_in(world):
    client = Client()
    client.force_login(world.bob)
    data = graffiti("")
    assert_error(client.post(f"{BASE}/requests.json", data), 403)


def test_unknown_request(world, key):
    assert_error(Client().get(f"{BASE}/requests/999999.json", {"api_key": key("bob")}), 404)
    assert_error(Client().get(f"{BASE}/requests/abc.json", {"api_key": key("bob")}), 404)


def test_a_personnummer_is_refused(world, key):
    [error] = assert_error(post(graffiti(key("bob"), description=f"Se {PERSONNUMMER}")), 400)
    assert error["description"].startswith("description:")
    assert not Incident.objects.exists()


def test_a_point_outside_the_reporters_areas_is_refused(world, key):
    [error] = assert_error(post(graffiti(key("dave"))), 400)
    assert error["description"].startswith("lat:")


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": "", "long": ""},
        {"lat": "59.31", "long": ""},
        {"lat": "norr", "long": "18.02"},
        {"lat": "", "long": "", "address_string": "Ingenstans"},
        {"address_string": "Skärholmen", "lat": "", "long": ""},
        {"requested_datetime": "igår"},
    ],
)
def test_bad_location_or_time(world, key, fields):
    assert_error(post(graffiti(key("bob"), **fields)), 400)
    assert not Incident.objects.exists()


def test_a_user_without_a_reporting_role_cannot_create(world, key):
    assert_error(post(graffiti(key("erin"))), 403)


def test_an_unknown_format_is_not_found(world):
    response = Client().get(f"{BASE}/services.csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"  # the required format
    assert b"<code>404</code>" in response.content


def test_bad_json_body(world):
    response = Client().post(f"{BASE}/requests.json", "{nope", "application/json")
    assert_error(response, 400)
