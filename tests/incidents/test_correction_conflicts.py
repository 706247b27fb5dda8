"""The correction page carries the version it was opened at and shows what changed since."""

import re

import pytest
from django.urls import reverse

from tests.incidents.test_pages import add, report_data
from trygg.incidents.actions import review_incidents, update_incident
from trygg.incidents.models import Incident, Status

pytestmark = pytest.mark.django_db


def opened_version(html):
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert found, "the correction form has no version field"
    return found.group(1)


def test_the_form_carries_the_version_it_was_opened_at(client, world):
    incident = add(world, organisation=world.housing)
    update_incident(incident, {"place": "Porten"}, world.alice)
    client.force_login(world.bob)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert opened_version(page) == "2"


def test_a_save_over_a_newer_change_shows_what_changed_and_writes_nothing(client, world):
    incident = add(world, organisation=world.housing, description="Klotter på väggen")
    client.force_login(world.bob)
    url = reverse("incidents:detail", args=[incident.pk])
    version = opened_version(client.get(url).content.decode())
    # Meanwhile a coordinator corrects the description and reviews the report.
    update_incident(incident, {"description": "Klotter på porten"}, world.alice)
    review_incidents([incident], Status.GRANSKAD, world.alice)

    data = report_data(world, description="Min rättelse", place="", version=version)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Någon annan sparade rapporten efter att du öppnade den" in html
    assert "Ändrat sedan du öppnade sidan" in html
    conflict = response.context["conflict"]
    assert ("beskrivning", "Klotter på väggen", "Klotter på porten") in conflict
    assert ("status", "ny", "granskad") in conflict
    assert all(label != "plats" for label, *_ in conflict)  # unchanged fields are not listed
    # What was typed is kept, and the form now carries the version it was shown.
    assert "Min rättelse" in html
    assert opened_version(html) == "3"
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.description == "Klotter på porten"
    assert stored.version == 3

    # Saving again, having seen the change, overwrites knowingly.
    again = client.post(url, data | {"version": "3"})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert stored.description == "Min rättelse"
    assert stored.status == Status.GRANSKAD
    newest = stored.history.order_by("-history_date", "-history_id").first()
    assert (newest.description, newest.status, newest.version) == ("Min rättelse", "granskad", 4)


def test_a_form_without_a_version_saves_as_before(client, world):
    incident = add(world, organisation=world.housing)
    update_incident(incident, {"place": "Porten"}, world.alice)
    client.force_login(world.bob)
    response = client.post(
        reverse("incidents:detail", args=[incident.pk]), report_data(world, description="Ny")
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.description == "Ny"
