"""The audit log records sign-ins, failed sign-ins, lockouts and exports; coordinators read it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from trygg.accounts.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db


def test_sign_ins_failures_and_exports_are_logged_and_shown_to_the_coordinator(client, world):
    client.post(reverse("login"), {"username": "bob", "password": "fel"}, REMOTE_ADDR="10.0.0.7")
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    client.logout()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    response = client.get(reverse("incidents:export_csv"))
    assert response.status_code == 200

    failed = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert (failed.user, failed.username, failed.ip_address) == (world.bob, "bob", "10.0.0.7")
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN, user=world.bob).count() == 1
    export = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert export.user == world.alice
    assert export.object.startswith(reverse("incidents:export_csv"))
    assert ".csv" in export.object

    page = client.get(reverse("accounts:audit_log"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Misslyckad inloggning" in text
    assert "Export" in text
    assert "10.0.0.7" in text


def test_a_lockout_is_logged(client, world):
    for _ in range(10):
        client.post(reverse("login"), {"username": "bob", "password": "fel"})
    assert AuditEvent.objects.filter(kind=AuditKind.LOCKED_OUT, username="bob").exists()


def test_other_districts_and_other_roles_do_not_read_it(client, world):
    client.post(reverse("login"), {"username": "bob", "password": "fel"})
    client.force_login(world.dave)  # coordinator of another district
    page = client.get(reverse("accounts:audit_log"))
    assert page.status_code == 200
    assert "bob" not in page.content.decode()
    client.force_login(world.bob)  # a reporter
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_a_failed_sign_in_naming_a_personnummer_keeps_it_out_of_the_log(client, world):
    client.post(reverse("login"), {"username": "19121212-1212", "password": "fel"})
    event = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert event.username == "…"


def test_an_export_of_a_search_for_a_personnummer_is_logged_without_it(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("incidents:export_csv"), {"q": "19121212-1212"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert "1212" not in event.object.partition(" ")[0]
    assert event.object.startswith(reverse("incidents:export_csv"))
