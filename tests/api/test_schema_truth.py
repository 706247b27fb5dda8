"""The OpenAPI schema says what the API answers: errors, blank and null values, bounds, examples.

Answers are validated against the schema served at ``/api/schema/`` (OpenAPI 3.0 semantics,
``nullable`` included), with data that holds the blank and null values the demo has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.collaboration.models import AgendaItem, Forum, ForumKind, Meeting
from trygg.incidents.models import Category, Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db) -> dict[str, Any]:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def api(world):
    def client_for(actor: str) -> APIClient:
        client = APIClient()
        token, _created = Token.objects.get_or_create(user=getattr(world, actor))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


def operations(schema: dict[str, Any]):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def validate_answer(
    schema: dict[str, Any], path: str, method: str, status: int, body: object
) -> None:
    """Validate ``body`` against the schema's response for (path, method, status)."""
    content = schema["paths"][path][method]["responses"][str(status)]["content"]
    assert "schema" in content["application/json"]
    pointer = "/".join(
        ["#", "paths", _escape(path), method, "responses", str(status), "content",
         "application~1json", "schema"]
    )  # fmt: skip
    # The whole document is the root, so that its "#/components/…" references resolve.
    OAS30Validator({**schema, "$ref": pointer}, format_checker=oas30_format_checker).validate(body)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def test_every_operation_documents_its_errors_with_bodies(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["type"] == "object"
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for code in ("401", "403", "404", "429"):
            assert code in responses, (method, path, code)
            body = responses[code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)
        assert "Retry-After" in responses["429"]["headers"]
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if method != "get" or query:
            body = responses["400"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ValidationError"}, (method, path)
        if method in {"post", "put", "patch"}:
            assert {"413", "415"} <= set(responses)
            assert set(operation["requestBody"]["content"]) == {"application/json"}


def test_error_answers_match_the_documented_bodies(schema, api, world):
    validate_answer(schema, "/api/v1/incidents/", "get", 401, APIClient().get(
        "/api/v1/incidents/").json())  # fmt: skip
    missing = api("alice").get("/api/v1/incidents/999999/")
    assert missing.status_code == 404
    validate_answer(schema, "/api/v1/incidents/{id}/", "get", 404, missing.json())
    refused = api("bob").post("/api/v1/incidents/", {"category": "klotter"})
    assert refused.status_code == 400
    validate_answer(schema, "/api/v1/incidents/", "post", 400, refused.json())
    analysis = api("alice").get("/api/v1/analysis/counts/", {"area": "x"})
    assert analysis.status_code == 400
    validate_answer(schema, "/api/v1/analysis/counts/", "get", 400, analysis.json())


def test_a_form_body_is_refused_as_the_schema_says(api):
    response = api("bob").generic(
        "POST",
        "/api/v1/incidents/",
        "category=klotter&latitude=59.31&longitude=18.02",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert not Incident.objects.exists()


def test_blank_and_null_values_are_in_the_schema(schema, api, world):
    """Blank enums, blank e-mail and URL fields, a null relation and a null link answer as
    the schema says."""
    Category.objects.filter(code="klotter").update(iccs_section="")
    assert world.district.police_classification == ""
    forum = Forum.objects.create(name="Rådet", kind=ForumKind.LOKALT_RAD, area=world.district)
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        forum=forum,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        online_url="",
        contact_email="",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Öppnande")
    client = api("alice")
    for path, detail in (
        ("/api/v1/areas/", f"/api/v1/areas/{world.district.pk}/"),
        ("/api/v1/categories/", None),
        ("/api/v1/meetings/", f"/api/v1/meetings/{meeting.pk}/"),
    ):
        listed = client.get(path, {"page_size": 500})
        assert listed.status_code == 200, path
        validate_answer(schema, path, "get", 200, listed.json())
        if detail:
            validate_answer(schema, path + "{id}/", "get", 200, client.get(detail).json())
    meeting_body = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert meeting_body["online_url"] == "" and meeting_body["contact_email"] == ""
    assert meeting_body["agenda"][0]["link"] is None
    report = schema["components"]["schemas"]["SituationReport"]["properties"]
    assert report["approved_by"]["nullable"] is True


def test_the_analysis_parameters_state_their_bounds(schema):
    for name in ("counts", "changes", "time-pattern", "hotspots"):
        parameters = {
            p["name"]: p["schema"] for p in schema["paths"][f"/api/v1/analysis/{name}/"]["get"][
                "parameters"]
        }  # fmt: skip
        for ids in ("area", "category", "organisation"):
            assert parameters[ids]["items"]["minimum"] == 1, (name, ids)
    changes = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/analysis/changes/"][
        "get"]["parameters"]}  # fmt: skip
    assert (changes["n"]["minimum"], changes["n"]["maximum"]) == (1, 20)
    hotspots = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/analysis/hotspots/"][
        "get"]["parameters"]}  # fmt: skip
    assert (hotspots["cell_m"]["minimum"], hotspots["cell_m"]["maximum"]) == (25, 5000)
    assert hotspots["q"]["exclusiveMinimum"] is True
    evaluation = {p["name"]: p["schema"] for p in schema["paths"][
        "/api/v1/analysis/evaluation/"]["get"]["parameters"]}  # fmt: skip
    assert evaluation["area"]["minimum"] == 1


def test_an_empty_optional_parameter_is_as_if_not_given(schema, api):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                assert parameter["allowEmptyValue"] is True, (method, path, parameter["name"])
    client = api("alice")
    for path, params in (
        ("/api/v1/analysis/changes/", {"comparison": "", "n": ""}),
        ("/api/v1/analysis/counts/", {"group_by": "", "start": ""}),
        ("/api/v1/incidents/", {"omrade": "", "page": "", "page_size": ""}),
        ("/api/v1/statistics/values/", {"start": "", "series": ""}),
    ):
        assert client.get(path, params).status_code == 200, path


def test_integer_query_parameters_state_their_bounds(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            schema_ = parameter["schema"]
            number = schema_.get("items", schema_) if schema_.get("type") == "array" else schema_
            if parameter["in"] == "query" and number.get("type") == "integer":
                assert {"minimum", "maximum"} <= set(number), (method, path, parameter["name"])
                assert number["minimum"] >= 0
    listed = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/areas/"]["get"][
        "parameters"]}  # fmt: skip
    assert (listed["page_size"]["minimum"], listed["page_size"]["maximum"]) == (1, 500)
    assert listed["page"]["minimum"] == 1


@pytest.mark.parametrize(
    "field, value",
    [("description", 0), ("external_id", 7), ("latitude", "59.31"), ("time_unknown", "true"),
     ("time_unknown", 1), ("place", ["x"])],
)  # fmt: skip
def test_a_write_takes_the_json_types_the_schema_names(api, field, value):
    body = {
        "category": "klotter",
        "occurred_at": "2026-09-14T21:30:00+02:00",
        "latitude": 59.3098,
        "longitude": 18.0227,
        field: value,
    }
    response = api("bob").post("/api/v1/incidents/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_a_nul_character_in_the_category_is_refused_not_a_server_error(api):
    """Found by schemathesis (seed 1816307314): PostgreSQL cannot compare text with NUL."""
    body = {
        "category": "kl\x00otter",
        "occurred_at": "2026-09-14T21:30:00+02:00",
        "latitude": 59.3098,
        "longitude": 18.0227,
    }
    response = api("bob").post("/api/v1/incidents/", body)
    assert response.status_code == 400
    assert "category" in response.json()


def test_the_incident_create_states_the_area_or_point_rule(schema):
    create = schema["paths"]["/api/v1/incidents/"]["post"]
    assert "`latitude`" in create["description"] and "`area`" in create["description"]
    assert {"200", "201", "400"} <= set(create["responses"])


def test_every_write_example_is_accepted(schema, api, world):
    """The examples the documentation page shows for each write work as they stand."""
    client = api("alice")
    writes = [(path, method, operation) for path, method, operation in operations(schema)
              if method in {"post", "put", "patch"}]  # fmt: skip
    assert {(path, method) for path, method, _ in writes} == {
        ("/api/v1/incidents/", "post"),
        ("/api/v1/incidents/{id}/", "put"),
        ("/api/v1/incidents/{id}/", "patch"),
    }
    for path, method, operation in writes:
        examples = operation["requestBody"]["content"]["application/json"]["examples"]
        assert examples, (method, path)
        for name, example in examples.items():
            if method == "post":
                response = api("bob").post(path, example["value"])
                assert response.status_code == 201, (name, response.json())
            else:
                incident = Incident.objects.order_by("pk").first()
                assert incident is not None
                url = path.replace("{id}", str(incident.pk))
                response = getattr(client, method)(url, example["value"])
                assert response.status_code == 200, (name, response.json())


def test_the_schema_is_generated_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
