"""Open311 as GeoReport v2 has it: discovery, XML and JSON with the specification's element
names, a public service list, the errors' shape, and the public view of requests.

XML is read with the standard library and checked against the element names of the
specification's response tables (http://wiki.open311.org/GeoReport_v2, Service_Discovery).
"""

import datetime as dt
import json
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone
from pyproj import Transformer
from rest_framework.authtoken.models import Token

from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, Source, Status

BASE = "/open311/v2"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
# The specification's containers of repeated elements (⇊ in its tables) and their items.
ARRAYS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
SERVICE = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "requested_datetime",
    "updated_datetime",
    "address",
    "lat",
    "long",
}
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


@pytest.fixture
def key(world):
    """``key("bob")`` is bob's api_key."""
    return lambda actor: Token.objects.get_or_create(user=getattr(world, actor))[0].key


def xml(response, status=200):
    """The response's root element, after checking that it is the specification's XML."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(DECLARATION)
    return ElementTree.fromstring(response.content)


def spark(element):
    """The JSON an XML element maps to by the Spark convention; an empty element is None."""
    if element.tag in ARRAYS:
        assert all(child.tag == ARRAYS[element.tag] for child in element)
        return [spark(child) for child in element] or None
    if len(element):
        return {child.tag: spark(child) for child in element}
    return element.text or None


def plain(value):
    """JSON as XML carries it: text everywhere, and "" or [] as nothing."""
    if isinstance(value, list):
        return [plain(v) for v in value] or None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def both(path, params=None, *, status=200, client=None):
    """The root element of ``path.xml`` and the body of ``path.json``, checked to say the same."""
    client = client or Client()
    root = xml(client.get(f"{BASE}/{path}.xml", params or {}), status)
    response = client.get(f"{BASE}/{path}.json", params or {})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert plain(body) == spark(root)
    return root, body


def record(world, code="klotter", *, days_ago=2, **fields):
    draft = IncidentDraft(
        category=Category.objects.get(code=code),
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        area=world.liljeholmen,
        organisation=world.housing,
        **fields,
    )
    return record_incidents([draft], source=Source.IMPORT).created[0]


# Discovery ------------------------------------------------------------------------------


def test_discovery_names_the_endpoint_its_formats_and_how_to_get_a_key(world):
    root, body = both("discovery")
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert all(child.text for child in root if child.tag != "endpoints")
    [endpoint] = root.find("endpoints")
    assert [child.tag for child in endpoint] == ENDPOINT
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_the_endpoint_url_from_discovery_serves_the_methods(world):
    url = Client().get(f"{BASE}/discovery.json").json()["endpoints"][0]["url"]
    assert Client().get(f"{url.removeprefix('http://testserver')}/services.xml").status_code == 200


def test_the_changeset_moves_when_the_taxonomy_changes(world):
    before = Client().get(f"{BASE}/discovery.json").json()["changeset"]
    category = Category.objects.get(code="klotter")
    category.description = "Tags och klotter på fasader"
    category.save()
    after = Client().get(f"{BASE}/discovery.json").json()
    assert after["changeset"] > before  # sortable, as the specification asks
    assert after["endpoints"][0]["changeset"] == after["changeset"]
    assert dt.datetime.fromisoformat(after["changeset"]) <= timezone.now()


def test_discovery_takes_the_contact_from_settings(world, settings):
    settings.TRYGG_OPEN311_CONTACT = "trygg@stad.example.se, 08-123 456"
    root, _ = both("discovery")
    assert root.findtext("contact") == "trygg@stad.example.se, 08-123 456"


# Services -------------------------------------------------------------------------------


def test_the_service_list_is_public_in_xml_and_json(world):
    root, body = both("services")
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root}
    klotter = services["klotter"]
    assert [child.tag for child in klotter] == SERVICE
    assert klotter.findtext("service_name") == "Klotter"
    assert klotter.findtext("metadata") == "false"
    assert klotter.findtext("type") == "realtime"
    assert klotter.findtext("group") == "Skadegörelse"
    assert "skadegorelse" not in services  # a parent: reported in its sub-categories
    assert {s["service_code"] for s in body} == set(services)


def test_a_service_definition_has_no_attributes(world):
    root, body = both("services/klotter")
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    assert root.findtext("service_code") == "klotter"
    assert list(root.find("attributes")) == []
    assert body == {"service_code": "klotter", "attributes": []}


@pytest.mark.parametrize("code", ["finns-inte", "skadegorelse"])
def test_only_an_open_service_has_a_definition(world, code):
    root, body = both(f"services/{code}", status=404)
    assert [e.findtext("code") for e in root] == ["404"]
    assert code in body[0]["description"]


# Requests -------------------------------------------------------------------------------


def test_a_request_is_posted_and_read_back_in_xml(world, key):
    client = Client()
    data = {
        "api_key": key("bob"),
        "jurisdiction_id": "stockholm.se",  # one jurisdiction: ignored, as the spec allows
        "service_code": "klotter",
        "lat": "59.31",
        "long": "18.02",
        "address_string": "Gångtunneln vid Liljeholmstorget",
        "description": "Tags på gångtunneln",
        "attribute[color]": "röd",  # no definition asks for it: ignored
    }
    root = xml(client.post(f"{BASE}/requests.xml", data), 201)
    assert root.tag == "service_requests"
    [receipt] = root
    assert receipt.tag == "request"
    assert [child.tag for child in receipt] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    incident = Incident.objects.get(pk=int(receipt.findtext("service_request_id")))
    assert incident.source == Source.OPEN311
    assert incident.reported_by == world.bob

    root, _ = both(f"requests/{incident.pk}", {"api_key": key("bob")})
    [request] = root
    assert {child.tag for child in request} == REQUEST
    assert request.findtext("status") == "open"
    assert request.findtext("description") == "Tags på gångtunneln"
    assert request.findtext("address") == "Gångtunneln vid Liljeholmstorget"
    assert (float(request.findtext("lat")), float(request.findtext("long"))) == (59.31, 18.02)
    assert dt.datetime.fromisoformat(request.findtext("requested_datetime")).utcoffset() is not None

    root, _ = both("requests", {"api_key": key("bob")})
    assert [r.findtext("service_request_id") for r in root] == [str(incident.pk)]


def test_errors_come_in_the_format_asked(world, key):
    root = xml(Client().post(f"{BASE}/requests.xml", {"service_code": "klotter"}), 403)
    assert root.tag == "errors"
    assert [(e.tag, [c.tag for c in e]) for e in root] == [("error", ["code", "description"])]
    assert root.findtext("error/code") == "403"

    data = {"api_key": key("bob"), "lat": "59.31", "long": "18.02"}
    root = xml(Client().post(f"{BASE}/requests.xml", data), 400)
    assert "service_code" in root.findtext("error/description")
    assert not Incident.objects.exists()


def test_reading_requests_needs_a_key_by_default(world, requests_in_world):
    for path in ("requests", f"requests/{requests_in_world['open'].pk}"):
        root, _ = both(path, status=403)
        assert root.findtext("error/code") == "403"


def test_a_request_id_too_large_for_the_database_is_not_found(world, key):
    params = {"api_key": key("alice")}
    both("requests/99999999999999999999", params, status=404)
    both("requests/١٢", params, status=404)  # digits, but not ASCII ones
    response = Client().get(f"{BASE}/requests.json", {**params, "service_request_id": "9" * 20})
    assert response.status_code == 400


def test_text_xml_cannot_carry_is_left_out(world, key):
    incident = record(world, description="Tags\x0bpå\x1f väggen")
    root = xml(Client().get(f"{BASE}/requests/{incident.pk}.xml", {"api_key": key("alice")}))
    assert root.findtext("request/description") == "Tagspå väggen"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_null_character_is_refused(world, key, fmt):
    data = {"api_key": key("bob"), "service_code": "klotter", "lat": "59.31", "long": "18.02"}
    response = Client().post(f"{BASE}/requests.{fmt}", {**data, "description": "Tags\x00"})
    assert response.status_code == 400
    response = Client().get(
        f"{BASE}/requests.{fmt}", {"api_key": key("bob"), "service_code": "\x00"}
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_a_method_the_resource_does_not_take(world):
    response = Client().delete(f"{BASE}/services.xml")
    root = xml(response, 405)
    assert root.findtext("error/code") == "405"
    assert response["Allow"] == "GET, HEAD"
    assert Client().head(f"{BASE}/services.xml").status_code == 200


# The public view ------------------------------------------------------------------------


@pytest.fixture
def requests_in_world(world):
    """An open report with a point and text, a reviewed one by area only, a rejected one."""
    near = record(
        world,
        days_ago=2,
        latitude=59.3123,
        longitude=18.0234,
        place="Porten till Storgatan 5",
        description="Klotter på porten",
    )
    reviewed = record(world, "nedskrapning", days_ago=3)
    rejected = record(world, days_ago=4)
    Incident.objects.filter(pk=reviewed.pk).update(status=Status.GRANSKAD)
    Incident.objects.filter(pk=rejected.pk).update(status=Status.AVVISAD)
    return {"open": near, "reviewed": reviewed, "rejected": rejected}


@pytest.fixture
def public(settings):
    settings.TRYGG_OPEN311_PUBLIC_REQUESTS = True


def test_the_public_view_shows_counted_requests_without_free_text(world, requests_in_world, public):
    root, body = both("requests")
    shown = {r["service_request_id"]: r for r in body}
    assert set(shown) == {str(requests_in_world[n].pk) for n in ("open", "reviewed")}
    assert {child.tag for child in root[0]} == REQUEST
    near = shown[str(requests_in_world["open"].pk)]
    assert near["description"] is None
    assert near["address"] == "Liljeholmen"  # the area, not the place text
    assert "Storgatan" not in json.dumps(body, ensure_ascii=False)
    assert "Storgatan" not in "".join(root.itertext())
    requested = dt.datetime.fromisoformat(near["requested_datetime"])
    assert (requested.minute, requested.second) == (0, 0)
    assert requested.utcoffset() is not None
    assert shown[str(requests_in_world["reviewed"].pk)]["status"] == "closed"


def test_the_public_view_places_a_request_at_the_centre_of_its_square_kilometre(
    world, requests_in_world, public
):
    incident = requests_in_world["open"]
    [shown] = Client().get(f"{BASE}/requests/{incident.pk}.json").json()
    x, y = TO_SWEREF.transform(shown["long"], shown["lat"])
    true_x, true_y = TO_SWEREF.transform(incident.longitude, incident.latitude)
    assert (x % 1000, y % 1000) == (pytest.approx(500, abs=1), pytest.approx(500, abs=1))
    assert (x // 1000, y // 1000) == (true_x // 1000, true_y // 1000)
    [by_area] = Client().get(f"{BASE}/requests/{requests_in_world['reviewed'].pk}.json").json()
    assert (by_area["lat"], by_area["long"]) == (None, None)


def test_the_public_view_hides_a_rejected_request(world, requests_in_world, public):
    both(f"requests/{requests_in_world['rejected'].pk}", status=404)


def test_a_key_still_reads_the_full_view_when_the_public_one_is_open(
    world, key, requests_in_world, public
):
    incident = requests_in_world["open"]
    [shown] = Client().get(f"{BASE}/requests/{incident.pk}.json", {"api_key": key("alice")}).json()
    assert shown["description"] == "Klotter på porten"
    assert shown["address"] == "Porten till Storgatan 5"
    assert (shown["lat"], shown["long"]) == (59.3123, 18.0234)
    assert Client().get(f"{BASE}/requests.json", {"api_key": "not-a-key"}).status_code == 403
