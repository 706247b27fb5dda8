"""The OpenAPI schema validates and describes every endpoint; the docs work offline."""

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from trygg.api.urls import router


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Trygg API"
    validate(schema)


def test_schema_describes_every_endpoint(schema):
    expected = set()
    for prefix, _viewset, _basename in router.registry:
        expected |= {f"/api/v1/{prefix}/", f"/api/v1/{prefix}/{{id}}/"}
    assert expected <= set(schema["paths"])
    incidents = schema["paths"]["/api/v1/incidents/"]
    assert {"get", "post"} <= set(incidents)
    assert {"get", "put", "patch"} <= set(schema["paths"]["/api/v1/incidents/{id}/"])
    parameters = {p["name"] for p in incidents["get"]["parameters"]}
    assert {"fran", "till", "omrade", "kategori", "organisation", "kalla", "status", "q"} <= (
        parameters
    )


def test_schema_names_the_incident_fields(schema):
    fields = set(schema["components"]["schemas"]["Incident"]["properties"])
    assert {
        "id", "category", "occurred_at", "area", "latitude", "longitude", "place",
        "description", "organisation", "source", "external_id", "status",
    } <= fields  # fmt: skip


def test_schema_names_the_file_links_the_api_hands_out(schema):
    components = schema["components"]["schemas"]
    document = components["AgreementDocument"]["properties"]
    assert components["Agreement"]["properties"]["documents"]["items"]["$ref"].endswith(
        "/AgreementDocument"
    )
    assert document["download_url"]["format"] == "uri"
    meeting = components["Meeting"]["properties"]
    assert meeting["ics_url"]["format"] == "uri" and "token" in meeting["ics_url"]["description"]
    for name in ("ActionPlan", "Meeting", "SituationReport"):
        assert "exports" in components[name]["properties"]


def test_docs_work_without_the_internet(world):
    client = Client()
    client.force_login(world.bob)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", page)
    assert external == []
    assert not re.search(r"cdn|unpkg|jsdelivr", page, re.IGNORECASE)
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)""", page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_schema_describes_etags_and_repeated_creates(schema):
    path = schema["paths"]["/api/v1/incidents/{id}/"]
    for method in ("put", "patch"):
        headers = {p["name"] for p in path[method]["parameters"] if p["in"] == "header"}
        assert "If-Match" in headers
        assert "412" in path[method]["responses"]
    assert {"200", "201", "409"} <= set(schema["paths"]["/api/v1/incidents/"]["post"]["responses"])
