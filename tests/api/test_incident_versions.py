"""ETag/If-Match on /api/v1/incidents/{id}/, and creates that are safe to repeat."""

import datetime as dt

import pytest
from django.utils import timezone

from trygg.incidents import actions
from trygg.incidents.actions import review_incidents, update_incident
from trygg.incidents.models import Incident, Source, Status

URL = "/api/v1/incidents/"
LILJEHOLMEN_POINT = {"latitude": 59.31, "longitude": 18.02}


def detail(incident):
    return f"{URL}{incident.pk}/"


def new_report(**fields):
    return {
        "category": "klotter",
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "description": "Tags på gångtunneln",
        **fields,
    }


@pytest.fixture
def incident(report):
    return report("liljeholmen", "housing")


# ETag and If-Match ----------------------------------------------------------------------


def test_detail_has_the_version_as_etag(world, api, incident):
    response = api("bob").get(detail(incident))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'


def test_an_update_raises_the_version_and_answers_the_new_etag(world, api, incident):
    response = api("bob").patch(
        detail(incident), {"description": "Ny text"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert api("bob").get(detail(incident))["ETag"] == '"2"'
    incident.refresh_from_db()
    assert incident.version == 2
    assert incident.history.first().version == 2


def test_a_stale_if_match_is_refused_with_412_in_swedish(world, api, incident):
    client = api("bob")
    etag = client.get(detail(incident))["ETag"]
    update_incident(incident, {"place": "Porten"}, world.alice)  # someone else saves meanwhile
    histories = incident.history.count()
    response = client.patch(
        detail(incident), {"description": "Min text"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert response["Content-Type"].startswith("application/json")
    assert "har ändrats sedan du läste den" in response.json()["detail"]
    incident.refresh_from_db()
    assert incident.description == "" and incident.place == "Porten"
    assert incident.history.count() == histories


def test_a_put_with_a_stale_if_match_is_refused(world, api, incident):
    client = api("bob")
    read = client.get(detail(incident))
    review_incidents([incident], Status.GRANSKAD, world.alice)  # a review raises it too
    body = read.json() | {"description": "Helt ny text"}
    body.pop("status")
    response = client.put(detail(incident), body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 412
    incident.refresh_from_db()
    assert incident.description == ""
    assert incident.status == Status.GRANSKAD


def test_the_current_etag_weak_or_among_others_is_accepted(world, api, incident):
    client = api("bob")
    for header, version in [('W/"1"', 2), ('"1", "2"', 3), ("*", 4)]:
        response = client.patch(
            detail(incident), {"place": f"Plats {version}"}, format="json", HTTP_IF_MATCH=header
        )
        assert response.status_code == 200, (header, response.content)
        assert response["ETag"] == f'"{version}"'


def test_an_if_match_that_names_no_version_is_refused(world, api, incident):
    response = api("bob").patch(
        detail(incident), {"place": "Porten"}, format="json", HTTP_IF_MATCH='"abc"'
    )
    assert response.status_code == 412


def test_without_if_match_an_update_works_as_before(world, api, incident):
    update_incident(incident, {"place": "Porten"}, world.alice)
    response = api("bob").patch(detail(incident), {"description": "Ny"}, format="json")
    assert response.status_code == 200
    assert response["ETag"] == '"3"'


def test_an_update_that_changes_nothing_keeps_the_version(world, api, incident):
    response = api("bob").patch(
        detail(incident), {"description": incident.description}, format="json"
    )
    assert response.status_code == 200
    assert response["ETag"] == '"1"'


def test_a_stale_if_match_is_412_even_when_checked_under_the_lock(world, incident):
    """The check that counts is the locked one: a version that changed between the API's
    first look and the write is refused too."""
    from trygg.lib.versioning import StaleVersion

    with pytest.raises(StaleVersion):
        update_incident(incident, {"place": "A"}, world.bob, expected_version=0)
    update_incident(incident, {"place": "B"}, world.bob, expected_version=1)
    incident.refresh_from_db()
    assert (incident.place, incident.version) == ("B", 2)


def test_history_records_what_was_saved_not_a_stale_copy(world, incident):
    stale = Incident.objects.get(pk=incident.pk)
    review_incidents([Incident.objects.get(pk=incident.pk)], Status.GRANSKAD, world.alice)
    update_incident(stale, {"description": "Rättad"}, world.bob)
    newest = incident.history.order_by("-history_date", "-history_id").first()
    stored = Incident.objects.get(pk=incident.pk)
    assert (
        (newest.status, newest.description, newest.version)
        == (
            stored.status,
            stored.description,
            stored.version,
        )
        == (Status.GRANSKAD, "Rättad", 3)
    )


# Idempotent creates ---------------------------------------------------------------------


def test_a_create_answers_its_url(world, api):
    response = api("bob").post(URL, new_report(**LILJEHOLMEN_POINT), format="json")
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{URL}{response.json()['id']}/"
    assert response["ETag"] == '"1"'


def test_a_repeated_create_answers_the_first_with_its_url(world, api):
    payload = new_report(external_id="system-7", **LILJEHOLMEN_POINT)
    first = api("bob").post(URL, payload, format="json")
    again = api("alice").post(URL, payload | {"description": "Annan text"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Location"] == first["Location"]
    assert again.json()["description"] == "Tags på gångtunneln"
    assert Incident.objects.count() == 1


def test_a_create_that_loses_the_race_answers_the_winner(world, api, monkeypatch):
    """The check for an existing external id misses a row another request commits just
    after it: the insert then hits the unique constraint, and the answer is the winner's."""
    winner = api("bob").post(
        URL, new_report(external_id="race-1", **LILJEHOLMEN_POINT), format="json"
    )
    real = actions._existing_external_ids
    calls = []

    def looks_too_early(source, ids):
        calls.append(ids)
        return set() if len(calls) == 1 else real(source, ids)

    monkeypatch.setattr(actions, "_existing_external_ids", looks_too_early)
    loser = api("bob").post(
        URL, new_report(external_id="race-1", **LILJEHOLMEN_POINT), format="json"
    )
    assert len(calls) == 2  # the insert was tried and failed on the constraint
    assert loser.status_code == 200, loser.content
    assert loser.json()["id"] == winner.json()["id"]
    assert Incident.objects.filter(external_id="race-1").count() == 1
    assert Incident.history.filter(external_id="race-1").count() == 1


def test_an_external_id_taken_in_another_organisation_is_409_without_hints(world, api):
    first = api("bob").post(
        URL, new_report(external_id="delat-1", **LILJEHOLMEN_POINT), format="json"
    )
    assert first.status_code == 201
    response = api("dave").post(
        URL, new_report(external_id="delat-1", area=world.skarholmen.pk), format="json"
    )
    assert response.status_code == 409, response.content
    message = response.json()["detail"]
    assert "redan" in message and "delat-1" in message
    incident = Incident.objects.get(external_id="delat-1")
    assert set(response.json()) == {"detail"}
    for hint in (world.housing.name, world.liljeholmen.name, incident.reference):
        assert hint not in message
    assert "Location" not in response
    assert Incident.objects.filter(external_id="delat-1").count() == 1


def test_another_sources_external_id_does_not_count(world, api, report):
    report("liljeholmen", "housing", source=Source.POLISEN, external_id="x-1")
    response = api("bob").post(
        URL, new_report(external_id="x-1", **LILJEHOLMEN_POINT), format="json"
    )
    assert response.status_code == 201


def test_a_body_that_is_not_json_is_400_even_with_a_stale_if_match(world, api, incident):
    # schemathesis: random bytes with a stale If-Match answered 412, not the 400 for bad JSON.
    client = api("bob")
    etag = client.get(detail(incident))["ETag"]
    update_incident(incident, {"place": "Porten"}, world.alice)
    response = client.generic(
        "PATCH", detail(incident), b"h\xff]\\g", content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"longitude": "tre", "latitude": 59.31},  # schemathesis: a string where a number goes
        {"occurred_at": "inte en tid"},
        ["en", "lista"],
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_invalid_body_is_400_whatever_version_it_names(world, api, incident, method, body):
    # schemathesis: schema-violating bodies with a stale or unknown If-Match answered 412.
    client = api("bob")
    etag = client.get(detail(incident))["ETag"]
    update_incident(incident, {"place": "Porten"}, world.alice)
    for header in (etag, '"Lr>!2#", "K3"', 'W/"__main__"'):
        response = getattr(client, method)(
            detail(incident), body, format="json", HTTP_IF_MATCH=header
        )
        assert response.status_code == 400, (header, response.content)
    incident.refresh_from_db()
    assert incident.place == "Porten"
