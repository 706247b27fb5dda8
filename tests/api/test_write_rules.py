"""Writes through the API run the rules every other way in runs: what a page cannot show, or
the database cannot hold, is refused with 400 naming the field, in Swedish."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.api.test_incidents_api import URL, detail, new_report
from trygg.incidents.models import Incident

# A point in Liljeholmen, and one inside no area of the test world.
LILJEHOLMEN_POINT = {"latitude": 59.31, "longitude": 18.02}
NOWHERE = {"latitude": 59.6, "longitude": 18.6}


def refused(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    return " ".join(body[field])


def test_the_organisation_cannot_be_emptied_and_the_list_still_answers(world, api, report, client):
    incident = report("liljeholmen", "housing")
    message = refused(
        api("alice").patch(detail(incident), {"organisation": None}, format="json"),
        "organisation",
    )
    assert "organisation" in message and "tömmas" in message
    incident.refresh_from_db()
    assert incident.organisation == world.housing
    client.force_login(world.alice)
    assert client.get(reverse("incidents:list")).status_code == 200


@pytest.mark.parametrize("actor", ["alice", "carol"])
def test_the_incident_list_shows_an_incident_without_organisation(world, report, client, actor):
    report("liljeholmen", None)
    client.force_login(getattr(world, actor))
    response = client.get(reverse("incidents:list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 1


def test_an_incident_without_organisation_gets_one(world, api, report):
    incident = report("liljeholmen", None)
    response = api("alice").patch(detail(incident), {"organisation": world.sdf.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["organisation"] == world.sdf.pk


@pytest.mark.parametrize("point", [LILJEHOLMEN_POINT, NOWHERE], ids=["in-an-area", "nowhere"])
def test_the_area_cannot_be_emptied_on_an_incident_with_a_point(world, api, report, point):
    incident = report("liljeholmen", "sdf", **point)
    message = refused(api("alice").patch(detail(incident), {"area": None}, format="json"), "area")
    assert "området" in message
    incident.refresh_from_db()
    assert incident.area == world.liljeholmen


def test_the_area_cannot_be_emptied_on_an_incident_without_a_point(world, api, report):
    incident = report("liljeholmen", "sdf")
    refused(api("alice").patch(detail(incident), {"area": None}, format="json"), "area")
    assert Incident.objects.get(pk=incident.pk).area == world.liljeholmen


def test_a_new_point_in_the_same_correction_places_the_incident(world, api, report):
    incident = report("district", "sdf", **NOWHERE)
    response = api("alice").patch(
        detail(incident), {"area": None, **LILJEHOLMEN_POINT}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["area"] == world.liljeholmen.pk


@pytest.mark.parametrize(
    "value",
    ["0059-07-08T06:39:13Z", "1989-12-31T22:59:59Z", "2205-01-01T00:00:00Z"],
    ids=["year-59", "before-1990", "far-future"],
)
def test_an_implausible_time_is_refused_on_correction(world, api, report, value):
    incident = report("liljeholmen", "sdf")
    before = incident.occurred_at
    refused(api("alice").patch(detail(incident), {"occurred_at": value}, format="json"),
            "occurred_at")  # fmt: skip
    incident.refresh_from_db()
    assert incident.occurred_at == before


def test_an_implausible_time_is_refused_on_create(world, api):
    response = api("bob").post(
        URL, new_report(occurred_at="0059-07-08T06:39:13Z", area=world.liljeholmen.pk),
        format="json",
    )  # fmt: skip
    message = refused(response, "occurred_at")
    assert "1990-01-01" in message
    assert not Incident.objects.exists()


def test_an_implausible_end_time_is_refused(world, api, report):
    incident = report("liljeholmen", "sdf")
    refused(
        api("alice").patch(
            detail(incident), {"occurred_until": "2205-01-01T00:00:00Z"}, format="json"
        ),
        "occurred_until",
    )


def test_the_first_day_of_the_window_is_accepted_and_answered_with_a_real_offset(
    world, api, report
):
    incident = report("liljeholmen", "sdf")
    response = api("alice").patch(
        detail(incident), {"occurred_at": "1990-01-01T00:00:00+01:00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["occurred_at"] == "1990-01-01T00:00:00+01:00"


@override_settings(TRYGG_EARLIEST_DATE=__import__("datetime").date(2000, 1, 1))
def test_the_earliest_date_comes_from_settings(world, api, report):
    incident = report("liljeholmen", "sdf")
    message = refused(
        api("alice").patch(
            detail(incident), {"occurred_at": "1995-06-01T12:00:00Z"}, format="json"
        ),
        "occurred_at",
    )
    assert "2000-01-01" in message
