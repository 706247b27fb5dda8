"""Repeated wrong passwords lock the account (django-axes); API tokens are not affected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, password: str, username: str = "alice"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_ten_wrong_passwords_lock_the_account_with_a_swedish_message(client, world):
    for _ in range(9):
        response = _sign_in(client, "fel")
        assert response.status_code == 200
    response = _sign_in(client, "fel")
    assert response.status_code == 429
    assert "Kontot är låst i 15 minuter" in response.content.decode()
    # Now even the right password is refused, from any address.
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other accounts still sign in.
    assert _sign_in(client, PASSWORD, username="bob").status_code == 302


def test_the_lock_ends_after_the_set_time(client, world):
    from axes.models import AccessAttempt

    for _ in range(10):
        _sign_in(client, "fel")
    assert _sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _sign_in(client, PASSWORD).status_code == 302


def test_a_correct_password_resets_the_count(client, world):
    for _ in range(9):
        _sign_in(client, "fel")
    assert _sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        assert _sign_in(client, "fel").status_code == 200
    assert _sign_in(client, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(client, world):
    for _ in range(2):
        assert _sign_in(client, "fel").status_code == 200
    assert _sign_in(client, "fel").status_code == 429


def test_a_locked_account_keeps_using_its_api_token(client, world):
    token = Token.objects.create(user=world.alice)
    for _ in range(10):
        _sign_in(client, "fel")
    assert _sign_in(client, PASSWORD).status_code == 429
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
