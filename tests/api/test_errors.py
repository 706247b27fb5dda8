"""Errors in the API's own language and format (issue 17, item 5): JSON bodies in Swedish under
/api/ for 400, 401, 403, 404, 405, 406, 413, 415 and 500; Swedish pages elsewhere."""

import json

import pytest
from django.test import Client, override_settings

from trygg.incidents.models import Incident

URL = "/api/v1/incidents/"


def detail_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


def test_a_body_that_is_not_json_is_a_swedish_400(world, api):
    response = api("alice").post(URL, b'{"category": ', content_type="application/json")
    assert detail_of(response, 400) == "Förfrågans innehåll är inte giltig JSON."


def test_drf_validation_messages_are_swedish(world, api):
    response = api("alice").post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["category"] == ["Det här fältet är obligatoriskt."]


def test_anonymous_is_asked_to_sign_in_in_swedish(world, api):
    response = api(None).get(URL)
    assert detail_of(response, 401) == (
        "Logga in: skicka en token (Authorization: Token …) eller använd en inloggad session."
    )
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_refused_in_swedish(world):
    client = Client(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(URL)
    assert detail_of(response, 401) == (
        "Token är inte giltig, eller så får dess användare inte längre logga in."
    )


def test_forbidden_is_a_swedish_403(world, client):
    client.force_login(world.erin)
    response = client.get("/api/v1/situation-reports/")
    assert detail_of(response, 403) == "Du får inte göra det här."


def test_an_unknown_row_names_no_model(world, api):
    # Django's own message was "No Incident matches the given query.", in English.
    missing = (Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = api("alice").get(f"{URL}{missing}/")
    assert detail_of(response, 404) == "Det finns inget här, eller så får du inte se det."


def test_an_unknown_url_under_the_api_is_json(world, api):
    response = api("alice").get("/api/v1/no-such-thing/")
    assert detail_of(response, 404) == "Det finns inget här, eller så får du inte se det."


def test_a_wrong_method_is_a_swedish_405_with_allow(world, api):
    response = api("alice").delete("/api/v1/areas/")
    assert detail_of(response, 405) == "Metoden DELETE är inte tillåten här."
    assert "GET" in response["Allow"]


def test_an_unsupported_accept_is_a_swedish_406(world, api):
    response = api("alice").get("/api/v1/areas/", HTTP_ACCEPT="text/csv")
    assert detail_of(response, 406) == "API:t svarar i JSON: be om application/json (Accept)."


def test_a_three_megabyte_body_is_a_json_413(world, api):
    body = json.dumps({"description": "x" * 3_000_000}).encode()
    response = api("alice").post(URL, body, content_type="application/json")
    assert detail_of(response, 413) == "Förfrågans innehåll är för stort: högst 2,6 MB."


def test_an_unsupported_body_type_is_a_swedish_415(world, api):
    response = api("alice").post(URL, b"category=klotter", content_type="text/plain")
    assert detail_of(response, 415) == (
        "Skicka förfrågans innehåll som JSON (Content-Type: application/json)."
    )


@override_settings(ROOT_URLCONF="tests.api.boom_urls")
def test_a_server_error_under_the_api_is_json_in_swedish(db):
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert detail_of(response, 500) == "Något gick fel i Trygg; felet är loggat. Försök igen."


@override_settings(ROOT_URLCONF="tests.api.boom_urls")
def test_a_server_error_on_a_page_is_a_swedish_page(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Något gick fel" in page and 'lang="sv"' in page


def test_a_bad_parameter_on_a_page_is_a_swedish_400_page(world, client):
    client.force_login(world.alice)
    response = client.get(f"/samverkan/efterlevnad/?omrade={'9' * 20}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Förfrågan kunde inte läsas" in page
    assert "Ett id är ett heltal, högst 9223372036854775807." in page


def test_pages_keep_their_html_404(world, client):
    client.force_login(world.alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/areas/", "/handelser/"])
def test_a_disallowed_host_is_a_400_in_the_right_format(db, path):
    response = Client(HTTP_HOST="evil.example").get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json() == {"detail": "Förfrågan kunde inte läsas."}
    else:
        assert "Förfrågan kunde inte läsas" in response.content.decode()


def test_a_session_post_without_csrf_token_is_a_swedish_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)
    response = client.post(URL, {}, content_type="application/json")
    assert detail_of(response, 403) == (
        "Sessionens CSRF-token saknas eller är fel (skicka headern X-CSRFToken)."
    )
