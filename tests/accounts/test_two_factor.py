"""Two-step verification (TOTP): setting it up, signing in with a code, turning it off, the
requirement for coordinators, throttling of wrong codes, and API tokens left alone.

Codes are computed from the device's key the way an authenticator app does (RFC 6238 through
django_otp.oath.totp); ``later=1`` is the code the app shows one step (30 s) from now, which a
test uses for its second sign-in since a code is accepted only once.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD
from trygg.accounts.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
DISABLE = reverse("two_factor_disable")


def app_code(device: TOTPDevice, later: int = 0) -> str:
    """The code an authenticator app with the device's key shows now (or ``later`` steps on)."""
    value = totp(device.bin_key, device.step, device.t0 - later * device.step, device.digits)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device refuses: none of those its tolerance accepts around now."""
    near = {app_code(device, later) for later in range(-2, 4)}
    return next(code for code in ("123456", "654321", "111111") if code not in near)


def wait_out_throttle(device: TOTPDevice) -> None:
    """As if the wait after the last wrong code had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(days=1)
    )
    device.refresh_from_db()


def sign_in(client, username: str = "alice"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.fixture
def device(world) -> TOTPDevice:
    """alice's phone, set up and confirmed."""
    return TOTPDevice.objects.create(user=world.alice, name="Trygg", confirmed=True)


def test_the_account_page_leads_to_two_step_verification(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("account")).content.decode()
    assert "Mitt konto" in page
    assert "Tvåstegsverifiering" in page
    assert f'href="{SETUP}"' in page
    # The user's name in the header is the way to the account page.
    assert f'href="{reverse("account")}"' in client.get("/").content.decode()


def test_set_up_shows_a_qr_code_and_the_key_and_refuses_a_wrong_code(client, world):
    client.force_login(world.bob)
    response = client.get(SETUP)
    assert response.status_code == 200
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=world.bob)
    assert not device.confirmed
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'aria-label="QR-kod att skanna med autentiseringsappen"' in page
    key = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    # The key in text is the device's own, in base32 as apps take it.
    from base64 import b32encode

    assert key.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # A reload shows the same device (the same QR code), not a new one.
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=world.bob).count() == 1

    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert AuditEvent.objects.filter(user=world.bob, kind=AuditKind.CODE_FAILED).count() == 1

    response = client.post(SETUP, {"code": "12ab"})
    assert "Ange de sex siffror som appen visar." in response.content.decode()


def test_the_right_code_confirms_the_device_and_verifies_the_session(client, world):
    client.force_login(world.bob)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.bob)
    response = client.post(SETUP, {"code": app_code(device)}, follow=True)
    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "Tvåstegsverifiering är påslagen" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(user=world.bob, kind=AuditKind.TWO_FACTOR_ON).exists()
    # This session entered the code: pages open, and the setup page says it is on.
    assert client.get("/").status_code == 200
    assert "Stäng av tvåstegsverifiering" in client.get(SETUP).content.decode()


def test_signing_in_with_a_device_asks_for_the_code_before_any_page(client, world, device):
    sign_in(client)
    for path in ("/", "/handelser/", reverse("account"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"
    # Nor can a second device be set up before the code is entered.
    assert client.get(SETUP).url.startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "Ange koden från din app" in page.content.decode()
    # No menu of pages that cannot be reached yet; signing out still can.
    assert 'class="main-nav"' not in page.content.decode()
    assert reverse("logout") in page.content.decode()

    response = client.post(VERIFY, {"code": app_code(device), "next": "/handelser/"})
    assert response.status_code == 302
    assert response.url == "/handelser/"
    assert client.get("/handelser/").status_code == 200


def test_a_wrong_code_is_refused_in_swedish_and_throttled(client, world, device):
    sign_in(client)
    response = client.post(VERIFY, {"code": wrong_code(device), "next": "/"})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/").status_code == 302
    # Straight after a wrong code even the right one waits (1, 2, 4 … seconds).
    response = client.post(VERIFY, {"code": app_code(device), "next": "/"})
    assert response.status_code == 200
    assert "För många felaktiga koder. Vänta 1 sekund och försök igen." in response.content.decode()
    assert client.get("/").status_code == 302

    for _ in range(3):
        wait_out_throttle(device)
        client.post(VERIFY, {"code": wrong_code(device), "next": "/"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    response = client.post(VERIFY, {"code": app_code(device), "next": "/"})
    assert "Vänta 8 sekunder" in response.content.decode()
    assert AuditEvent.objects.filter(user=world.alice, kind=AuditKind.CODE_FAILED).count() == 4

    # Signing in again does not reset the count: it is kept on the device.
    client.logout()
    sign_in(client)
    response = client.post(VERIFY, {"code": app_code(device), "next": "/"})
    assert "Vänta" in response.content.decode()

    wait_out_throttle(device)
    response = client.post(VERIFY, {"code": app_code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_is_accepted_only_once(client, world, device):
    sign_in(client)
    code = app_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    sign_in(client)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()


def test_the_code_page_goes_only_to_pages_of_trygg(client, world, device):
    sign_in(client)
    response = client.post(VERIFY, {"code": app_code(device), "next": "https://example.com/"})
    assert response.url == reverse("front:overview")


def test_a_user_without_a_device_is_not_asked_for_a_code(client, world):
    sign_in(client, "bob")
    assert client.get("/").status_code == 200
    # The code page has nothing to ask and goes on.
    assert client.get(VERIFY).status_code == 302


def test_turning_off_asks_for_a_current_code(client, world, device):
    sign_in(client)
    client.post(VERIFY, {"code": app_code(device)})
    page = client.get(DISABLE)
    assert page.status_code == 200
    assert "Stänga av tvåstegsverifiering?" in page.content.decode()

    response = client.post(DISABLE, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.alice).exists()
    assert client.post(DISABLE, {}).status_code == 200
    assert TOTPDevice.objects.filter(user=world.alice).exists()

    wait_out_throttle(device)
    response = client.post(DISABLE, {"code": app_code(device, later=1)})
    assert response.status_code == 302
    assert response.url == reverse("account")
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert AuditEvent.objects.filter(user=world.alice, kind=AuditKind.TWO_FACTOR_OFF).exists()
    # Next time the password alone signs in.
    client.logout()
    sign_in(client)
    assert client.get("/").status_code == 200


def test_the_requirement_sends_a_coordinator_without_a_device_to_set_up(client, world, settings):
    settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = True
    sign_in(client, "alice")
    for path in ("/", "/handelser/", reverse("account")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(f"{SETUP}?next=")
    page = client.get(SETUP + "?next=/handelser/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Samordnare måste använda tvåstegsverifiering" in text
    assert 'class="main-nav"' not in text

    device = TOTPDevice.objects.get(user=world.alice)
    response = client.post(SETUP, {"code": app_code(device), "next": "/handelser/"})
    assert response.status_code == 302
    assert response.url == "/handelser/"
    assert client.get("/handelser/").status_code == 200


def test_the_requirement_does_not_touch_a_reporter(client, world, settings):
    settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = True
    sign_in(client, "bob")
    assert client.get("/").status_code == 200
    assert client.get("/handelser/").status_code == 200


def test_the_requirement_is_off_by_default(client, world):
    sign_in(client, "alice")
    assert client.get("/").status_code == 200


def test_with_the_requirement_a_coordinator_with_a_device_enters_the_code(
    client, world, device, settings
):
    settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = True
    sign_in(client, "alice")
    assert client.get("/").url.startswith(VERIFY)
    client.post(VERIFY, {"code": app_code(device)})
    assert client.get("/").status_code == 200


def test_an_unverified_session_gets_no_api_answers(client, world, device):
    sign_in(client)
    response = client.get("/api/v1/areas/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Ange först koden från din app på inloggningssidan."}


def test_api_token_requests_are_untouched(client, world, device, settings):
    settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = True
    for user in (world.alice, world.dave):  # with a device; a coordinator without one
        token = Token.objects.create(user=user)
        response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200
    # Even beside a session that has not entered its code yet.
    sign_in(client)
    token = Token.objects.get(user=world.alice)
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    # Open311 takes the token as its api_key.
    response = client.get("/open311/v2/requests.json", {"api_key": token.key})
    assert response.status_code == 200
    assert client.get("/open311/v2/requests.json").status_code == 403


def test_the_command_turns_it_off_for_a_lost_phone(world, device, capsys):
    call_command("two-factor-off", "alice")
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert "Tvåstegsverifiering är avstängd för alice." in capsys.readouterr().out
    assert AuditEvent.objects.filter(user=world.alice, kind=AuditKind.TWO_FACTOR_OFF).exists()


def test_a_token_header_does_not_open_pages_to_an_unverified_session(client, world, device):
    # Pages read the session, not the header: the header must not let the session past.
    token = Token.objects.create(user=world.alice)
    sign_in(client)
    for header in (f"Token {token.key}", "Token not-a-token"):
        response = client.get("/handelser/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 302
        assert response.url.startswith(VERIFY)
    # The API reads the header first: a bad token is refused there, never the session used.
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_a_download_link_takes_the_token_beside_an_unverified_session(client, world, device):
    token = Token.objects.create(user=world.alice)
    sign_in(client)
    export = reverse("plans:plan_export", args=[999999, "docx"])
    assert client.get(export).url.startswith(VERIFY)
    # With the token the view runs (and finds no such plan).
    assert client.get(export, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 404
