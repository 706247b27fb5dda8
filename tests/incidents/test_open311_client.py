"""A real GeoReport v2 client (the ``georeport`` package) against a live Trygg: it lists the
services in XML and JSON without a key and reads a service definition; a request posted with a
key (the client cannot post, so plain HTTP does, as the specification has it) is then read back
by the client through the public view."""

import pytest
import requests
from georeport import GeoReport
from rest_framework.authtoken.models import Token

from trygg.incidents.defaults import ensure_default_categories
from trygg.incidents.models import Category, Incident, Source

# A live server runs the requests on its own thread, so the tests commit; an earlier transactional
# test's flush may have removed the categories the migrations create, so they are put back here.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server):
    ensure_default_categories(Category)
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_client_lists_the_services_without_a_key(world, endpoint, fmt):
    services = GeoReport(endpoint, output_format=fmt).get_service_list()
    codes = {service["service_code"] for service in services}
    assert "klotter" in codes
    assert codes <= set(Category.objects.active().values_list("code", flat=True))
    definition = GeoReport(endpoint, output_format=fmt).get_service_definition("klotter")
    assert definition["service_code"] == "klotter"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_request_posted_with_a_key_is_read_back_by_the_client(world, endpoint, settings, fmt):
    key = Token.objects.create(user=world.bob).key
    posted = requests.post(
        f"{endpoint}/requests.{fmt}",
        data={
            "api_key": key,
            "service_code": "klotter",
            "lat": "59.3098",
            "long": "18.0227",
            "description": "Nytt klotter på väggen",
        },
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    incident = Incident.objects.get(source=Source.OPEN311)
    assert incident.area == world.liljeholmen and incident.reported_by == world.bob
    # Without a key nothing is read unless the public view is open.
    with pytest.raises(requests.HTTPError):
        GeoReport(endpoint, output_format=fmt).get_service_requests()
    settings.TRYGG_OPEN311_PUBLIC_REQUESTS = True
    found = GeoReport(endpoint, output_format=fmt).get_service_request(str(incident.pk))
    assert str(found["service_request_id"]) == str(incident.pk)
    assert found["service_code"] == "klotter"
    assert not found.get("description")  # the public view carries no free text
