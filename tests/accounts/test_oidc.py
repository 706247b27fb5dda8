"""Single sign-on against a real OpenID provider: django-oauth-toolkit with OpenID Connect and an
RS256 key made here, run by tests/oidc_provider/serve.py in a subprocess on a free port.

Each sign-in goes the way a browser goes: Trygg's start page (Django's test client) sends it
to the provider, where a requests session signs in with the provider's login form; the
provider sends it back to Trygg's callback with a code, and the test client follows that.
Trygg itself then talks to the provider for real: discovery, the token endpoint, the JWKS.
"""

from __future__ import annotations

import re
import socket
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory
from tests.oidc_provider.runner import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.oidc_provider.runner import PASSWORD as PASSWORD_THERE
from trygg.accounts import oidc
from trygg.accounts.models import AuditEvent, AuditKind, Membership, User

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver" + reverse("oidc_authentication_callback")
START = reverse("oidc_authentication_init")
# The provider's people: (username, e-mail).
PEOPLE = [
    ("anna.s", "Anna.Svensson@kommun.se"),  # Trygg has anna.svensson@kommun.se
    ("okand", "okand@kommun.se"),  # not in Trygg
    ("gammal", "gammal@kommun.se"),  # deactivated in Trygg
    ("kalle@kommun.se", ""),  # no e-mail claim; Trygg knows kalle@kommun.se as an address
    ("alice.k", "alice@kommun.se"),  # the world's coordinator alice, once she has the address
]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The issuer URL of a running provider (stopped after the module)."""
    with running_provider(tmp_path_factory.mktemp("oidc_provider"), PEOPLE, [CALLBACK]) as issuer:
        yield issuer


@pytest.fixture
def sso(settings, provider):
    """Trygg set up for the provider by its issuer alone (endpoints from discovery)."""
    oidc.forget_discovery()
    settings.TRYGG_OIDC_ISSUER = provider
    settings.TRYGG_OIDC_CLIENT_ID = CLIENT_ID
    settings.TRYGG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    yield provider
    oidc.forget_discovery()


@pytest.fixture
def anna(db) -> User:
    return UserFactory(username="asvensson", email="anna.svensson@kommun.se")


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """What a browser does at the provider: its login form, then the authorization (skipped
    for Trygg's application); the URL it is sent back to at Trygg."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        if url.startswith("http://testserver/"):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            assert token, response.text[:500]
            next_url = parse_qs(urlsplit(url).query)["next"][0]
            response = browser.post(
                url,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": username,
                    "password": PASSWORD_THERE,
                    "next": next_url,
                },
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code == 302, (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back to Trygg")


def start(client, next_url: str = "") -> str:
    """Trygg's SSO button: the provider's authorize URL it redirects to."""
    response = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sso_sign_in(client, username: str, next_url: str = ""):
    back = sign_in_at_provider(start(client, next_url), username)
    assert back.startswith(CALLBACK), back
    return client.get(back.removeprefix("http://testserver"))


def login_page_after(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    return client.get(response["Location"]).content.decode()


def test_the_sign_in_page_shows_the_button_only_when_single_sign_on_is_set_up(
    client, settings, provider
):
    assert "oidc" not in client.get(reverse("login")).content.decode()
    assert client.get(START).status_code == 404
    settings.TRYGG_OIDC_ISSUER = provider
    settings.TRYGG_OIDC_CLIENT_ID = CLIENT_ID
    settings.TRYGG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    page = client.get(reverse("login") + "?next=/handelser/").content.decode()
    assert "Logga in med kommunens konto" in page
    assert f'href="{START}?next=/handelser/"' in page
    settings.TRYGG_OIDC_BUTTON_TEXT = "Logga in med Sollentuna-kontot"
    assert "Logga in med Sollentuna-kontot" in client.get(reverse("login")).content.decode()


def test_single_sign_on_signs_in_the_user_with_the_address_and_skips_the_code(client, sso, anna):
    # anna has a phone for two-step verification; signed in by the provider, Trygg does not
    # ask for its code (the provider asks for its own second factor).
    TOTPDevice.objects.create(user=anna, name="Trygg", confirmed=True)
    authorize = start(client, "/handelser/")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(sso + "/authorize/")  # from the discovery document
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    response = client.get(
        sign_in_at_provider(authorize, "anna.s").removeprefix("http://testserver")
    )
    assert response.status_code == 302
    assert response["Location"] == "/handelser/"
    assert int(client.session["_auth_user_id"]) == anna.pk
    assert client.session[BACKEND_SESSION_KEY] == oidc.BACKEND
    assert client.get("/handelser/").status_code == 200  # not the code page
    assert client.get(reverse("two_factor_verify")).status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.SSO_LOGIN)
    # The claim's value, as the provider gives it (Django there lowers the domain).
    assert event.user == anna and event.object == "Anna.Svensson@kommun.se"
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN).exists()
    # Discovery was fetched once and is kept for the next sign-in.
    assert list(oidc._discovered) == [sso]
    # Nothing from the provider is kept on the user.
    anna.refresh_from_db()
    assert (anna.username, anna.email, anna.first_name) == (
        "asvensson",
        "anna.svensson@kommun.se",
        "",
    )


def test_an_unknown_person_is_refused_with_a_swedish_message(client, sso, anna):
    from axes.models import AccessAttempt

    response = sso_sign_in(client, "okand")
    page = login_page_after(client, response)
    assert "Kontot okand@kommun.se finns inte i Trygg" in page
    assert 'role="alert"' in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(kind=AuditKind.SSO_REFUSED)
    assert (event.username, event.object, event.user) == ("okand@kommun.se", "unknown", None)
    # Not a failed password: nothing for axes to count, no second event.
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).exists()
    assert not AccessAttempt.objects.exists()
    assert not User.objects.filter(email="okand@kommun.se").exists()
    # The message is shown once.
    assert "finns inte i Trygg" not in client.get(reverse("login")).content.decode()


def test_an_unknown_person_gets_a_user_without_memberships_when_set_so(client, sso, settings):
    settings.TRYGG_OIDC_CREATE_USERS = True
    response = sso_sign_in(client, "okand")
    assert response.status_code == 302 and response["Location"] == reverse("front:overview")
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert (user.username, user.email, user.has_usable_password()) == (
        "okand@kommun.se",
        "okand@kommun.se",
        False,
    )
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.SSO_CREATED, user=user).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.SSO_LOGIN, user=user).exists()


def test_a_deactivated_user_is_refused_and_a_deactivated_session_ends(client, sso, anna):
    UserFactory(username="gammal", email="gammal@kommun.se", is_active=False)
    page = login_page_after(client, sso_sign_in(client, "gammal"))
    assert "Kontot gammal@kommun.se är inaktiverat i Trygg" in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(kind=AuditKind.SSO_REFUSED).object == "deactivated"
    # A user deactivated after signing in is signed out at the next request.
    assert sso_sign_in(client, "anna.s").status_code == 302
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert client.get("/handelser/")["Location"].startswith(reverse("login"))


def test_a_tampered_state_is_refused(client, sso, anna):
    back = urlsplit(sign_in_at_provider(start(client), "anna.s"))
    query = parse_qs(back.query)
    query["state"] = ["x" * 32]
    tampered = urlunsplit(("", "", back.path, urlencode(query, doseq=True), ""))
    page = login_page_after(client, client.get(tampered))
    assert "Inloggningen med kommunens konto kunde inte slutföras" in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(kind=AuditKind.SSO_REFUSED).object == "error"
    # A callback without any sign-in started in this session is refused the same way.
    client.cookies.clear()
    page = login_page_after(client, client.get(urlunsplit(("", "", back.path, back.query, ""))))
    assert "kunde inte slutföras" in page
    assert "_auth_user_id" not in client.session


def test_preferred_username_with_explicit_endpoints(client, settings, provider):
    """Entra ID's preferred_username (in the ID token only), and endpoints given one by one
    instead of the issuer."""
    kalle = UserFactory(username="kalle", email="kalle@kommun.se")
    settings.TRYGG_OIDC_CLIENT_ID = CLIENT_ID
    settings.TRYGG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.TRYGG_OIDC_AUTHORIZATION_ENDPOINT = provider + "/authorize/"
    settings.TRYGG_OIDC_TOKEN_ENDPOINT = provider + "/token/"
    settings.TRYGG_OIDC_JWKS_ENDPOINT = provider + "/.well-known/jwks.json"
    oidc.forget_discovery()
    # With the default claim, kalle's provider account has no e-mail: refused, and said why.
    page = login_page_after(client, sso_sign_in(client, "kalle@kommun.se"))
    assert "talade inte om vem du är (ingen email)" in page
    settings.TRYGG_OIDC_CLAIM = "preferred_username"
    response = sso_sign_in(client, "kalle@kommun.se")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == kalle.pk
    assert not oidc._discovered  # no issuer, no discovery


def test_passwords_still_work_and_still_need_the_code_with_single_sign_on_set_up(client, sso, anna):
    TOTPDevice.objects.create(user=anna, name="Trygg", confirmed=True)
    response = client.post(reverse("login"), {"username": "asvensson", "password": "fel"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).count() == 1
    response = client.post(reverse("login"), {"username": "asvensson", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/handelser/")["Location"].startswith(reverse("two_factor_verify"))
    # Waiting for the code, the user may sign in with the provider instead.
    assert sso_sign_in(client, "anna.s").status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == oidc.BACKEND
    assert client.get("/handelser/").status_code == 200


def test_a_provider_that_does_not_answer_gives_a_message(client, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    oidc.forget_discovery()
    settings.TRYGG_OIDC_ISSUER = f"http://127.0.0.1:{port}/o"
    settings.TRYGG_OIDC_CLIENT_ID = CLIENT_ID
    settings.TRYGG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    page = login_page_after(client, client.get(START))
    assert "Kommunens inloggningstjänst svarar inte just nu" in page
    assert not oidc._discovered  # not kept: the next try asks again


def test_a_coordinator_signed_in_by_the_provider_need_not_set_up_a_code(
    client, sso, settings, world
):
    settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = True
    User.objects.filter(pk=world.alice.pk).update(email="alice@kommun.se")
    assert sso_sign_in(client, "alice.k").status_code == 302
    assert int(client.session["_auth_user_id"]) == world.alice.pk
    assert client.get("/").status_code == 200  # not sent to the set-up page
    # With her password she still is.
    client.logout()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
