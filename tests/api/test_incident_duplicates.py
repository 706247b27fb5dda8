"""Merged reports through the API: shown with their link, not merged by setting a status."""

import pytest

from trygg.incidents.actions import merge_incidents
from trygg.incidents.models import Incident, Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


@pytest.fixture
def merged(world, report):
    kept = report("liljeholmen", "police")
    other = report("liljeholmen", "housing")
    merge_incidents(kept, [other], world.alice)
    other.refresh_from_db()
    return kept, other


def test_a_merged_report_names_the_report_it_was_merged_into(world, api, merged):
    kept, other = merged
    body = api("alice").get(f"{URL}{other.pk}/").json()
    assert body["status"] == "sammanslagen"
    assert body["duplicate_of"] == kept.pk
    assert api("alice").get(f"{URL}{kept.pk}/").json()["duplicate_of"] is None
    listed = api("alice").get(URL, {"status": "sammanslagen"}).json()["results"]
    assert [row["id"] for row in listed] == [other.pk]


def test_status_merged_cannot_be_set_through_the_api(world, api, report):
    incident = report("liljeholmen", "housing")
    response = api("alice").patch(f"{URL}{incident.pk}/", {"status": "sammanslagen"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    assert Incident.objects.get(pk=incident.pk).status == Status.NY
    created = api("alice").post(
        URL,
        {
            "category": "klotter",
            "occurred_at": "2024-05-01T12:00:00+02:00",
            "area": world.liljeholmen.pk,
            "status": "sammanslagen",
        },
        format="json",
    )
    assert created.status_code == 400


def test_a_put_of_what_was_read_keeps_a_merged_report_merged(world, api, merged):
    _kept, other = merged
    client = api("alice")
    body = client.get(f"{URL}{other.pk}/").json()
    writable = {k: v for k, v in body.items() if k not in ("id", "reference", "duplicate_of")}
    response = client.put(f"{URL}{other.pk}/", {**writable, "description": "Samma"}, format="json")
    assert response.status_code == 200, response.content
    other.refresh_from_db()
    assert other.status == Status.SAMMANSLAGEN and other.description == "Samma"


def test_another_status_separates_a_merged_report(world, api, merged):
    _kept, other = merged
    response = api("alice").patch(f"{URL}{other.pk}/", {"status": "granskad"}, format="json")
    assert response.status_code == 200, response.content
    other.refresh_from_db()
    assert other.status == Status.GRANSKAD and other.duplicate_of is None
    assert Incident.objects.counted().count() == 2
