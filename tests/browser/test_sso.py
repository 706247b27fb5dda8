"""Single sign-on in Chromium: the sign-in page's button leads to the municipality's provider
(the test OpenID provider, tests/oidc_provider), whose login form the person fills in, and
back to Trygg signed in, without Trygg's two-step code although the user has a device; an
unknown person comes back to the sign-in page with the Swedish message."""

from __future__ import annotations

import os

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import serious_violations
from tests.oidc_provider.runner import CLIENT_ID, CLIENT_SECRET, PASSWORD, running_provider
from trygg.accounts import oidc
from trygg.accounts.models import AuditEvent, AuditKind, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("TRYGG_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    people = [("bob.b", "bob@bostad.se"), ("okand", "okand@kommun.se")]
    callback = f"{live_server.url}/oidc/callback/"
    with running_provider(tmp_path_factory.mktemp("oidc_browser"), people, [callback]) as issuer:
        yield issuer


@pytest.fixture
def sso(settings, provider):
    oidc.forget_discovery()
    settings.TRYGG_OIDC_ISSUER = provider
    settings.TRYGG_OIDC_CLIENT_ID = CLIENT_ID
    settings.TRYGG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    yield provider
    oidc.forget_discovery()


def sign_in_at_provider(page, username: str) -> None:
    page.wait_for_url("http://127.0.0.1:*/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_the_municipalitys_account(live_server, page, world, sso):
    User.objects.filter(pk=world.bob.pk).update(email="bob@bostad.se")
    TOTPDevice.objects.create(user=world.bob, name="Trygg", confirmed=True)
    base = live_server.url
    page.goto(f"{base}/logga-in/")
    button = page.get_by_role("link", name="Logga in med kommunens konto")
    assert button.is_visible()
    assert serious_violations(page) == []
    shot(page, "sso-1-sign-in")

    button.click()
    sign_in_at_provider(page, "bob.b")
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("link", name="bob").is_visible()  # signed in, no code page
    shot(page, "sso-2-signed-in")
    assert AuditEvent.objects.filter(kind=AuditKind.SSO_LOGIN, user=world.bob).exists()

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in/")
    # The provider still has bob.b's session; forget it to sign in there as someone else.
    page.context.clear_cookies()
    page.goto(f"{base}/logga-in/")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    sign_in_at_provider(page, "okand")
    page.wait_for_url(f"{base}/logga-in/")
    alert = page.get_by_role("alert")
    assert "Kontot okand@kommun.se finns inte i Trygg" in alert.inner_text()
    assert serious_violations(page) == []
    shot(page, "sso-3-unknown")
