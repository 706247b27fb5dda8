import pytest
from django.test import Client

from trygg.reports import actions


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def test_lists_versions_with_status_and_export_links(world, alice, approved):
    draft = actions.new_version(world.alice, approved)
    response = alice.get("/api/v1/situation-reports/")
    assert response.status_code == 200
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    by_version = {item["version"]: item for item in items}
    assert by_version[1]["status"] == "godkand"
    assert by_version[1]["approved_at"] == "2023-09-15"
    assert by_version[2]["status"] == "utkast"
    assert by_version[2]["replaces"] == approved.pk
    exports = by_version[1]["exports"]
    assert set(exports) == {"docx", "pptx", "pdf"}
    assert exports["docx"] == f"http://testserver/lagesbild/{approved.pk}/export.docx"
    # The links work.
    assert alice.get(exports["pptx"]).status_code == 200
    filtered = alice.get("/api/v1/situation-reports/", {"status": "utkast"}).json()
    filtered = filtered["results"] if isinstance(filtered, dict) else filtered
    assert [item["id"] for item in filtered] == [draft.pk]
    assert alice.get("/api/v1/situation-reports/", {"status": "x"}).status_code == 400


def test_scoped_to_the_users_areas(world, client, approved):
    client.force_login(world.dave)
    body = client.get("/api/v1/situation-reports/").json()
    items = body["results"] if isinstance(body, dict) else body
    assert items == []
    assert client.get(f"/api/v1/situation-reports/{approved.pk}/").status_code == 404
    client.force_login(world.erin)
    assert client.get("/api/v1/situation-reports/").status_code == 403


def test_schema_describes_the_exports(db):
    from openapi_spec_validator import validate

    schema = Client().get("/api/schema/", {"format": "json"}).json()
    validate(schema)
    assert "/api/v1/situation-reports/" in schema["paths"]
    report = schema["components"]["schemas"]["SituationReport"]["properties"]
    assert {"status", "exports", "approved_at"} <= set(report)


def test_an_api_client_follows_a_pdf_export_with_its_token(world, approved):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.alice)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    item = client.get(f"/api/v1/situation-reports/{approved.pk}/").json()
    assert client.get(item["exports"]["docx"]).status_code == 200  # small: the file itself
    started = client.get(item["exports"]["pdf"], HTTP_ACCEPT="application/json")
    assert started.status_code == 202
    status = client.get(started.json()["status_url"]).json()
    assert status["finished"] and status["status"] == "done"
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    wrong = Client(HTTP_AUTHORIZATION="Token nonsense")
    assert wrong.get(item["exports"]["pdf"]).status_code == 401
