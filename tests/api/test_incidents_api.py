"""/api/v1/incidents/: sign-in, scope, filters, pagination, create, correct, review."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.incidents.models import Category, Incident, Source, Status

URL = "/api/v1/incidents/"
LILJEHOLMEN_POINT = {"latitude": 59.31, "longitude": 18.02}
PERSONNUMMER = "811228-9874"


def detail(incident):
    return f"{URL}{incident.pk}/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def three(report):
    """One report per organisation: the housing company's, the SDF's, Skärholmen's."""
    return {
        "housing": report("liljeholmen", "housing"),
        "sdf": report("district", "sdf"),
        "skarholmen": report("skarholmen", "skarholmen_sdf"),
    }


def new_report(**fields):
    return {
        "category": "klotter",
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "description": "Tags på gångtunneln",
        **fields,
    }


# Signing in -----------------------------------------------------------------------------


def test_anonymous_is_asked_to_sign_in(world, api):
    response = api(None).get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api(None).post(URL, new_report(**LILJEHOLMEN_POINT)).status_code == 401


def test_a_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code == 401


def test_token_authentication(world, api, three):
    assert ids(api("bob").get(URL)) == {three["housing"].pk}


def test_session_authentication(world, three):
    client = APIClient()
    client.force_login(world.bob)
    assert ids(client.get(URL)) == {three["housing"].pk}


# Scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "visible"),
    [
        ("alice", {"housing", "sdf"}),
        ("bob", {"housing"}),
        ("carol", {"housing", "sdf", "skarholmen"}),
        ("dave", {"skarholmen"}),
        ("erin", set()),
    ],
)
def test_list_shows_what_the_pages_show(world, api, three, actor, visible):
    assert ids(api(actor).get(URL)) == {three[name].pk for name in visible}


@pytest.mark.parametrize(
    ("actor", "name", "status"),
    [
        ("bob", "housing", 200),
        ("bob", "sdf", 404),
        ("alice", "skarholmen", 404),
        ("dave", "housing", 404),
        ("erin", "housing", 404),
        ("carol", "skarholmen", 200),
    ],
)
def test_retrieve_outside_scope_is_not_found(world, api, three, actor, name, status):
    assert api(actor).get(detail(three[name])).status_code == status


def test_incident_json_names(world, api, three):
    incident = three["housing"]
    body = api("bob").get(detail(incident)).json()
    assert body["category"] == "klotter"
    assert body["area"] == world.liljeholmen.pk
    assert body["organisation"] == world.housing.pk
    assert body["source"] == "import"
    assert body["status"] == "ny"
    assert body["reference"] == incident.reference
    assert {
        "id", "occurred_at", "occurred_until", "time_unknown", "latitude", "longitude", "place",
        "description", "external_id", "created_at", "updated_at",
    } <= set(body)  # fmt: skip


# Filters and pagination -----------------------------------------------------------------


def test_filter_by_area_includes_sub_areas(world, api, three):
    response = api("carol").get(URL, {"omrade": world.district.pk})
    assert ids(response) == {three["housing"].pk, three["sdf"].pk}
    response = api("carol").get(URL, {"omrade": world.liljeholmen.pk})
    assert ids(response) == {three["housing"].pk}


def test_filter_by_category_includes_sub_categories(world, api, report):
    graffiti = report("liljeholmen", "housing", category="klotter")
    drugs = report("liljeholmen", "housing", category="narkotikaforsaljning")
    parent = Category.objects.get(code="skadegorelse")
    assert ids(api("alice").get(URL, {"kategori": parent.pk})) == {graffiti.pk}
    narkotika = Category.objects.get(code="narkotika")
    assert ids(api("alice").get(URL, {"kategori": narkotika.pk})) == {drugs.pk}


def test_filter_by_period(world, api, report):
    report("liljeholmen", "housing", days_ago=40)
    recent = report("liljeholmen", "housing", days_ago=3)
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert ids(api("alice").get(URL, {"fran": since})) == {recent.pk}
    until = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    assert recent.pk not in ids(api("alice").get(URL, {"till": until}))


def test_filter_by_source_status_organisation_and_text(world, api, report):
    imported = report("liljeholmen", "housing", description="Krossad ruta vid porten")
    police = report("liljeholmen", "housing", source=Source.POLISEN, external_id="p-1")
    Incident.objects.filter(pk=police.pk).update(status=Status.GRANSKAD)
    own = report("district", "sdf")
    client = api("alice")
    assert ids(client.get(URL, {"kalla": "polisen"})) == {police.pk}
    assert ids(client.get(URL, {"status": "granskad"})) == {police.pk}
    assert ids(client.get(URL, {"organisation": world.sdf.pk})) == {own.pk}
    assert ids(client.get(URL, {"q": "krossad"})) == {imported.pk}


def test_an_invalid_filter_is_a_bad_request(world, api, three):
    response = api("bob").get(URL, {"omrade": world.skarholmen.pk})
    assert response.status_code == 400
    assert "omrade" in response.json()


def test_list_is_paginated(world, api, report):
    made = [report("liljeholmen", "housing", days_ago=n) for n in range(1, 4)]
    first = api("bob").get(URL, {"page_size": 2}).json()
    assert first["count"] == 3
    assert [row["id"] for row in first["results"]] == [made[0].pk, made[1].pk]
    assert first["next"] is not None
    second = api("bob").get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [made[2].pk]


# Create ---------------------------------------------------------------------------------


def test_create_with_a_point_sets_the_area(world, api):
    response = api("bob").post(URL, new_report(**LILJEHOLMEN_POINT), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"] == world.liljeholmen.pk
    assert body["organisation"] == world.housing.pk
    assert body["source"] == "api"
    assert body["status"] == "ny"
    incident = Incident.objects.get(pk=body["id"])
    assert incident.reported_by == world.bob
    assert incident.source == Source.API


def test_create_takes_a_category_id_and_an_area(world, api):
    category = Category.objects.get(code="nedskrapning")
    payload = new_report(category=category.pk, area=world.district.pk, organisation=world.sdf.pk)
    response = api("alice").post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "nedskrapning"
    assert response.json()["area"] == world.district.pk


def test_create_refuses_a_personnummer_naming_the_field(world, api):
    payload = new_report(description=f"Mannen ({PERSONNUMMER}) hotade", **LILJEHOLMEN_POINT)
    response = api("bob").post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("actor", "where", "field"),
    [
        ("bob", {"area": "skarholmen"}, "area"),
        ("dave", LILJEHOLMEN_POINT, "latitude"),
        ("alice", {"area": "skarholmen"}, "area"),
    ],
)
def test_create_outside_scope_is_refused(world, api, actor, where, field):
    if "area" in where:
        where = {"area": getattr(world, where["area"]).pk}
    response = api(actor).post(URL, new_report(**where), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_create_for_another_organisation_is_refused(world, api):
    payload = new_report(organisation=world.sdf.pk, **LILJEHOLMEN_POINT)
    response = api("bob").post(URL, payload, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()


def test_create_requires_category_and_time(world, api):
    response = api("bob").post(URL, LILJEHOLMEN_POINT, format="json")
    assert response.status_code == 400
    assert {"category", "occurred_at"} <= set(response.json())


def test_create_refuses_an_unknown_category(world, api):
    response = api("bob").post(URL, new_report(category="finns-inte", **LILJEHOLMEN_POINT))
    assert response.status_code == 400
    assert "category" in response.json()


def test_create_without_a_reporting_role_is_forbidden(world, api):
    assert api("erin").post(URL, new_report(**LILJEHOLMEN_POINT)).status_code == 403


def test_create_cannot_set_a_review_status(world, api):
    payload = new_report(status="granskad", **LILJEHOLMEN_POINT)
    response = api("alice").post(URL, payload, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


def test_sending_the_same_external_id_again_returns_the_first(world, api):
    payload = new_report(external_id="system-42", **LILJEHOLMEN_POINT)
    first = api("bob").post(URL, payload, format="json")
    again = api("bob").post(URL, payload, format="json")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1


def test_created_incident_appears_in_the_list(world, api):
    created = api("bob").post(URL, new_report(**LILJEHOLMEN_POINT), format="json").json()
    assert created["id"] in ids(api("alice").get(URL, {"kalla": "api"}))


# Update and review ----------------------------------------------------------------------


def test_reporter_corrects_their_organisations_report(world, api, three):
    incident = three["housing"]
    response = api("bob").patch(detail(incident), {"description": "Rättad text"}, format="json")
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.description == "Rättad text"
    assert incident.history.first().history_user == world.bob


@pytest.mark.parametrize(
    ("actor", "name", "status"),
    [
        ("bob", "sdf", 404),
        ("dave", "housing", 404),
        ("carol", "housing", 403),
        ("alice", "housing", 200),
    ],
)
def test_who_may_correct(world, api, three, actor, name, status):
    response = api(actor).patch(detail(three[name]), {"place": "Porten"}, format="json")
    assert response.status_code == status
    three[name].refresh_from_db()
    assert (three[name].place == "Porten") == (status == 200)


def test_correction_refuses_a_personnummer(world, api, three):
    incident = three["housing"]
    response = api("bob").patch(
        detail(incident), {"description": f"Se {PERSONNUMMER}"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    incident.refresh_from_db()
    assert PERSONNUMMER not in incident.description


def test_correcting_the_point_moves_the_area(world, api, three):
    incident = three["sdf"]
    response = api("alice").patch(detail(incident), LILJEHOLMEN_POINT, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["area"] == world.liljeholmen.pk


def test_correction_cannot_move_a_report_out_of_scope(world, api, three):
    incident = three["housing"]
    response = api("bob").patch(detail(incident), {"area": world.skarholmen.pk}, format="json")
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.area == world.liljeholmen


def test_reporter_cannot_hand_a_report_to_another_organisation(world, api, three):
    incident = three["housing"]
    response = api("bob").patch(detail(incident), {"organisation": world.sdf.pk}, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()


def test_put_replaces_the_editable_fields(world, api, three):
    incident = three["housing"]
    body = api("bob").get(detail(incident)).json()
    body.update(description="Helt ny text", category="nedskrapning")
    response = api("bob").put(detail(incident), body, format="json")
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.category.code == "nedskrapning"
    assert incident.description == "Helt ny text"
    assert incident.status == Status.NY


@pytest.mark.parametrize("actor", ["alice", "carol"])
def test_reviewer_sets_the_status(world, api, three, actor):
    incident = three["housing"]
    response = api(actor).patch(detail(incident), {"status": "granskad"}, format="json")
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.status == Status.GRANSKAD
    assert incident.reviewed_by == getattr(world, actor)
    assert incident.reviewed_at is not None


def test_reporter_cannot_review(world, api, three):
    incident = three["housing"]
    response = api("bob").patch(detail(incident), {"status": "avvisad"}, format="json")
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NY


def test_source_cannot_be_changed(world, api, three):
    incident = three["housing"]
    api("alice").patch(detail(incident), {"source": "polisen"}, format="json")
    incident.refresh_from_db()
    assert incident.source == Source.IMPORT


def test_delete_is_not_offered(world, api, three):
    assert api("alice").delete(detail(three["housing"])).status_code == 405


# Tokens ---------------------------------------------------------------------------------


def test_createtoken_prints_the_same_token_each_time(world):
    first, second = io.StringIO(), io.StringIO()
    call_command("createtoken", "bob", stdout=first)
    call_command("createtoken", "bob", stdout=second)
    key = Token.objects.get(user=world.bob).key
    assert first.getvalue().strip() == key
    assert second.getvalue().strip() == key


def test_createtoken_token_signs_in(world):
    out = io.StringIO()
    call_command("createtoken", "alice", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get(URL).status_code == 200


def test_createtoken_refuses_an_unknown_user(world):
    with pytest.raises(CommandError):
        call_command("createtoken", "nobody")
