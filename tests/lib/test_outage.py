"""Database outages: 503 with Retry-After (JSON under /api/, a Swedish page elsewhere), never 500,
and the next request succeeds by itself after PostgreSQL dropped the connection."""

from __future__ import annotations

import json
import time
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token

SWEDISH = "Databasen går inte att nå just nu"


@pytest.fixture
def lost_urls(settings):
    settings.ROOT_URLCONF = "tests.lib.outage_urls"


def test_settings_check_kept_connections():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    # Outside every middleware that may use the database (sessions, authentication).
    middleware = settings.MIDDLEWARE
    outage = middleware.index("trygg.lib.outage.DatabaseOutageMiddleware")
    assert outage < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert outage < middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")


@pytest.mark.django_db
def test_a_page_that_loses_the_database_answers_a_swedish_503_page(client, lost_urls):
    response = client.get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert SWEDISH in response.content.decode()


@pytest.mark.django_db
def test_an_api_view_that_loses_the_database_answers_503_json_not_drf_500(client, lost_urls):
    response = client.get("/api/v1/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert SWEDISH in response.json()["detail"]


@pytest.mark.django_db
def test_a_client_asking_for_json_gets_json(client, lost_urls):
    response = client.get("/lost/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert SWEDISH in response.json()["detail"]


@pytest.mark.django_db
def test_an_outage_in_another_middleware_is_503_too(settings, lost_urls):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.lib.outage_urls.BrokenSessionMiddleware"]
    response = Client(raise_request_exception=False).get("/lost-in-middleware/")
    assert response.status_code == 503
    assert SWEDISH in response.content.decode()


@pytest.mark.django_db
def test_other_errors_stay_500(lost_urls):
    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500


# On PostgreSQL: the connection the requests use is terminated by another session, as a
# database restart or a fail-over does. Requests go through Django's WSGI handler, as under
# gunicorn: connections are kept between requests (CONN_MAX_AGE) and checked at their start.

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminating a backend connection needs PostgreSQL (pg_terminate_backend)",
)


def _wsgi_get(path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_HOST="127.0.0.1")
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished: Django closes a connection that failed
    return answer["status"], answer["headers"], body


def _terminate_own_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = type(connections["default"])(connection.settings_dict.copy(), "default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
    finally:
        other.close()


def _signed_in(world) -> dict[str, dict[str, str]]:
    client = Client()
    client.force_login(world.alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token, _created = Token.objects.get_or_create(user=world.alice)
    return {
        "/api/v1/incidents/": {"authorization": f"Token {token.key}"},
        "/handelser/": {"cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    }


def _assert_succeeds_or_503(status: int, headers: dict[str, str], body: bytes, path: str) -> None:
    assert status in (200, 503), (path, status, body[:300])
    if status == 503:
        assert headers["Retry-After"] == "5"
        if path.startswith("/api/"):
            assert SWEDISH in json.loads(body)["detail"]
        else:
            assert SWEDISH in body.decode()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/api/v1/incidents/", "/handelser/"])
def test_after_the_connection_is_terminated_requests_succeed_or_503_never_500(world, path):
    headers = _signed_in(world)[path]
    assert _wsgi_get(path, **headers)[0] == 200  # the connection is open and kept
    for _ in range(3):
        _terminate_own_connection()
        status, response_headers, body = _wsgi_get(path, **headers)
        _assert_succeeds_or_503(status, response_headers, body, path)
        # The health check replaced the dead connection before the request used it.
        assert status == 200
        assert _wsgi_get(path, **headers)[0] == 200


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/api/v1/incidents/", "/handelser/"])
def test_without_a_health_check_the_dropped_connection_costs_one_503_not_a_500(world, path):
    """A connection that drops while a request uses it (here: no health check to notice it
    first) is answered 503; Django closes it at the end, and the next request succeeds."""
    headers = _signed_in(world)[path]
    assert _wsgi_get(path, **headers)[0] == 200
    _terminate_own_connection()
    connection.health_check_enabled = False
    try:
        status, response_headers, body = _wsgi_get(path, **headers)
    finally:
        connection.health_check_enabled = True
    _assert_succeeds_or_503(status, response_headers, body, path)
    assert status == 503
    assert _wsgi_get(path, **headers)[0] == 200
