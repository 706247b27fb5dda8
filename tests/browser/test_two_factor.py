"""A reporter turns on two-step verification from their account page, typing the setup key into
"their app" (the code computed from the key shown on the page), signs out, and signs in again
with the password and then a code; a wrong code is refused on the way."""

from __future__ import annotations

import os
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.browser.conftest import serious_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep screenshots of the pages, for a person to look at (unset: none are taken).
SHOTS = os.environ.get("TRYGG_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def app_code(key: str, later: int = 0) -> str:
    """What an authenticator app given ``key`` (base32, as the page shows it) displays."""
    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{totp(b32decode(secret), t0=-later * 30):06d}"


def sign_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/logga-in/")
    page.get_by_label("Användarnamn").fill("bob")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_set_up_then_sign_in_with_a_code(live_server, page, world):
    base = live_server.url
    sign_in(page, base)
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="bob").click()
    assert page.get_by_role("heading", name="Mitt konto", level=1).is_visible()
    shot(page, "1-account")
    page.get_by_role("link", name="Ställ in tvåstegsverifiering").click()
    assert page.get_by_role("heading", name="Tvåstegsverifiering", level=1).is_visible()
    assert page.get_by_role("img", name="QR-kod att skanna med autentiseringsappen").is_visible()
    assert serious_violations(page) == []
    shot(page, "2-setup")
    key = page.get_by_label("Nyckel").inner_text()

    page.get_by_label("Kod från appen").fill(app_code(key))
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    page.wait_for_url(f"{base}/konto/")
    assert page.get_by_text("Tvåstegsverifiering är påslagen").is_visible()
    shot(page, "3-on")

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in/")
    sign_in(page, base)
    page.wait_for_url("**/logga-in/kod/**")
    assert page.get_by_role("heading", name="Ange koden från din app").is_visible()
    # No menu to pages that cannot be reached before the code.
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 0
    assert serious_violations(page) == []
    shot(page, "4-verify")

    wrong = next(
        c for c in ("123456", "654321") if c not in {app_code(key, n) for n in (-1, 0, 1, 2)}
    )
    page.get_by_label("Kod från appen").fill(wrong)
    page.get_by_role("button", name="Fortsätt").click()
    assert page.get_by_role("alert").get_by_text("Koden stämmer inte").is_visible()
    shot(page, "5-wrong")
    time.sleep(1.1)  # after one wrong code the next try waits a second

    # The code used to turn it on is spent; the app's next one signs in.
    page.get_by_label("Kod från appen").fill(app_code(key, later=1))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("navigation", name="Huvudmeny").is_visible()
