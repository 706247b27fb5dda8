"""No cross-organisation hints (issue 17, item 8): an answer about a unique value (the only
one a client can write is an incident's external id per source) says nothing about a row the
caller may not see: not its id, organisation, area, text, nor that it lies elsewhere; and a
conflict with a hidden row reads like a conflict with a visible one."""

import datetime as dt
import json

import pytest
from django.utils import timezone

URL = "/api/v1/incidents/"
LILJEHOLMEN = {"latitude": 59.31, "longitude": 18.02}
SKARHOLMEN = {"latitude": 59.27, "longitude": 17.90}
SECRET = "Hemlig beskrivning från Skärholmen"


def payload(**fields):
    return {
        "category": "klotter",
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "description": "Tags på gångtunneln",
        **fields,
    }


@pytest.fixture
def hidden(world, api):
    """An incident sent by Skärholmen's coordinator with external id ``sys-1``: bob (a
    rapportör in Hägersten-Älvsjö) may not see it."""
    response = api("dave").post(
        URL, payload(external_id="sys-1", description=SECRET, **SKARHOLMEN), format="json"
    )
    assert response.status_code == 201, response.content
    assert api("bob").get(f"{URL}{response.json()['id']}/").status_code == 404
    return response.json()


def tells_nothing_of(response, incident, world):
    body = response.json()
    assert "id" not in body
    # Unescaped (JSON writes ä as \\u00e4), and without the external id the client sent.
    text = json.dumps(body, ensure_ascii=False).replace(incident["external_id"], "…")
    for hint in (
        SECRET,
        world.skarholmen.name,
        world.skarholmen_sdf.name,
        f" {incident['id']}",
        f"“{incident['id']}",
        f"/{incident['id']}",
        "organisation",  # "… in another organisation", "organisationen …"
        "skärholm",
    ):
        assert hint.lower() not in text.lower(), (hint, text)


def test_creating_with_a_hidden_incidents_external_id_shows_nothing_of_it(world, api, hidden):
    response = api("bob").post(URL, payload(external_id="sys-1", **LILJEHOLMEN), format="json")
    # Refused (conc's idempotent creates answer 409 here), never the hidden row.
    assert 400 <= response.status_code < 500, response.content
    assert response.status_code != 404
    tells_nothing_of(response, hidden, world)


def test_correcting_to_a_hidden_incidents_external_id_reads_like_a_visible_conflict(
    world, api, hidden
):
    bob = api("bob")
    own = bob.post(URL, payload(external_id="own-1", **LILJEHOLMEN), format="json").json()
    other = bob.post(URL, payload(external_id="own-2", **LILJEHOLMEN), format="json").json()
    to_hidden = bob.patch(f"{URL}{own['id']}/", {"external_id": "sys-1"}, format="json")
    to_visible = bob.patch(f"{URL}{own['id']}/", {"external_id": "own-2"}, format="json")
    assert to_hidden.status_code == to_visible.status_code == 400, to_hidden.content
    assert to_hidden.json() == {
        field: [message.replace("own-2", "sys-1") for message in messages]
        for field, messages in to_visible.json().items()
    }
    tells_nothing_of(to_hidden, hidden, world)
    assert "id" not in to_visible.json() and other["id"] != own["id"]
