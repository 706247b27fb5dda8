"""Throttling (issue 17, item 7): DRF's anon and user rates from settings, counted in the
cache, answered 429 with Retry-After and a Swedish message."""

import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

AREAS = "/api/v1/areas/"


def assert_throttled(response):
    assert response.status_code == 429, response.content
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    message = response.json()["detail"]
    assert re.fullmatch(r"För många förfrågningar: försök igen om \d+ sekunder\.", message)


def test_tests_run_without_limits(settings):
    assert settings.TRYGG_API_USER_RATE is None and settings.TRYGG_API_ANON_RATE is None


def test_a_user_over_the_rate_gets_429_with_retry_after(world, api, settings):
    settings.TRYGG_API_USER_RATE = "3/minute"
    alice = api("alice")
    assert [alice.get(AREAS).status_code for _ in range(3)] == [200, 200, 200]
    assert_throttled(alice.get(AREAS))
    # Counted per user: bob has his own three.
    assert api("bob").get(AREAS).status_code == 200


def test_anonymous_clients_are_counted_per_address(db, settings):
    settings.TRYGG_API_ANON_RATE = "2/minute"
    # /api/docs/ is open to anyone; signed-in resources answer 401 before any count.
    one = Client(REMOTE_ADDR="192.0.2.1")
    assert [one.get("/api/docs/").status_code for _ in range(2)] == [200, 200]
    assert_throttled(one.get("/api/docs/"))
    assert Client(REMOTE_ADDR="192.0.2.2").get("/api/docs/").status_code == 200


def test_a_forwarded_for_header_does_not_give_a_new_count(db, settings):
    # Without proxies configured (TRYGG_NUM_PROXIES=0) the header is the client's to invent.
    settings.TRYGG_API_ANON_RATE = "1/minute"
    client = Client(REMOTE_ADDR="192.0.2.3")
    assert client.get("/api/docs/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert_throttled(client.get("/api/docs/", HTTP_X_FORWARDED_FOR="198.51.100.2"))


def test_off_means_no_limit(world, api, settings):
    settings.TRYGG_API_USER_RATE = None
    alice = api("alice")
    assert {alice.get(AREAS).status_code for _ in range(5)} == {200}


@pytest.mark.django_db(transaction=True)
def test_counts_live_in_a_cache_the_servers_share(world, api, settings):
    """With CACHE_URL=db://table every process reads the same counts: here the table holds
    alice's, and a client that never saw her requests is throttled by them."""
    table = "trygg_test_throttle_cache"
    shared = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    }
    with override_settings(CACHES=shared):
        call_command("createcachetable", table)
        try:
            settings.TRYGG_API_USER_RATE = "2/minute"
            assert [api("alice").get(AREAS).status_code for _ in range(2)] == [200, 200]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key FROM {table}")
                keys = [row[0] for row in cursor.fetchall()]
            assert any(f"throttle_user_{world.alice.pk}" in key for key in keys)
            caches["default"].close()
            assert_throttled(api("alice").get(AREAS))
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {table}")
