"""Single sign-on with the municipality's identity provider (OpenID Connect, e.g. Entra ID).

mozilla-django-oidc runs the authorization code flow (with PKCE and a nonce); this module
gives it its settings from Trygg's (``TRYGG_OIDC_*``), reads the provider's endpoints from its
discovery document when only the issuer is set, and maps a signed-in person to a Trygg user:
the value of one claim (``TRYGG_OIDC_CLAIM``, ``email`` by default) is matched to an active
user's e-mail address or username, case-insensitively. Nothing from the provider is stored;
with ``TRYGG_OIDC_CREATE_USERS`` a person without a user gets one (username and, where the
value is an address, e-mail) without memberships, otherwise they are refused.

Every refusal ends on the sign-in page with a Swedish message and is kept in the audit log;
a sign-in is logged as a sign-in by single sign-on. The provider does the second factor, so
a session signed in here is not asked for a TOTP code (``two_factor.TwoFactorMiddleware``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from trygg.accounts import audit
from trygg.accounts.models import AuditKind, User

logger = logging.getLogger(__name__)

BACKEND = "trygg.accounts.oidc.Backend"
# Where the sign-in page finds the message of a refused single sign-on.
ERROR_SESSION_KEY = "trygg_sso_error"
DISCOVERY_PATH = "/.well-known/openid-configuration"

# Trygg's endpoint settings and the discovery document's names for them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": (
        "TRYGG_OIDC_AUTHORIZATION_ENDPOINT",
        "authorization_endpoint",
    ),
    "OIDC_OP_TOKEN_ENDPOINT": ("TRYGG_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    "OIDC_OP_USER_ENDPOINT": ("TRYGG_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    "OIDC_OP_JWKS_ENDPOINT": ("TRYGG_OIDC_JWKS_ENDPOINT", "jwks_uri"),
}
CLIENT = {
    "OIDC_RP_CLIENT_ID": "TRYGG_OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "TRYGG_OIDC_CLIENT_SECRET",
}


class ProviderError(Exception):
    """The identity provider could not be reached or answered something unusable."""


def is_configured() -> bool:
    """Whether single sign-on is set up: a client and an issuer or the explicit endpoints
    (authorization, token and JWKS; userinfo is optional)."""
    if not (settings.TRYGG_OIDC_CLIENT_ID and settings.TRYGG_OIDC_CLIENT_SECRET):
        return False
    if settings.TRYGG_OIDC_ISSUER:
        return True
    return all(
        getattr(settings, ENDPOINTS[name][0])
        for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT")
    ) and bool(settings.TRYGG_OIDC_JWKS_ENDPOINT)


def button_text() -> str:
    return settings.TRYGG_OIDC_BUTTON_TEXT or _("Sign in with the municipality's account")


def signed_in_by_sso(request: HttpRequest) -> bool:
    """Whether this session was signed in through the identity provider."""
    session = getattr(request, "session", None)
    return session is not None and session.get(BACKEND_SESSION_KEY) == BACKEND


# --- discovery -------------------------------------------------------------------------------

_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, fetched once per process and kept (a failed fetch is
    not kept, so the next sign-in tries again)."""
    with _discovery_lock:
        if issuer in _discovered:
            return _discovered[issuer]
        url = issuer.rstrip("/") + DISCOVERY_PATH
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderError(f"discovery at {url} failed: {error}") from error
        if not isinstance(document, dict) or not document.get("authorization_endpoint"):
            raise ProviderError(f"discovery at {url} has no authorization_endpoint")
        _discovered[issuer] = document
        return document


def forget_discovery() -> None:
    with _discovery_lock:
        _discovered.clear()


def setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's setting ``name``, from Trygg's: an explicit endpoint if set, else
    the issuer's discovery document; the client from TRYGG_OIDC_CLIENT_*."""
    if name in ENDPOINTS:
        own, key = ENDPOINTS[name]
        explicit = getattr(settings, own)
        if explicit:
            return explicit
        if settings.TRYGG_OIDC_ISSUER:
            value = discovery(settings.TRYGG_OIDC_ISSUER).get(key)
            if value:
                return value
        if default:
            return default[0]
        raise ImproperlyConfigured(f"{own} is not set and the issuer's discovery has no {key}")
    if name in CLIENT:
        return getattr(settings, CLIENT[name])
    return import_from_settings(name, *default)


def expected_issuer() -> str | None:
    """The ``iss`` the ID token must carry: the discovery document's, where the issuer is set."""
    if not settings.TRYGG_OIDC_ISSUER:
        return None
    issuer = discovery(settings.TRYGG_OIDC_ISSUER).get("issuer")
    return str(issuer) if issuer else settings.TRYGG_OIDC_ISSUER


# --- mapping the provider's person to a Trygg user ------------------------------------------


@dataclass(frozen=True)
class Refusal:
    reason: str  # for the audit log: unknown, deactivated, ambiguous, no_claim, error …
    value: str  # the claim's value (or the provider's error code)


def find_user(value: str) -> tuple[User | None, Refusal | None]:
    """The one user whose e-mail address or username is ``value`` (ignoring case); a refusal
    when there is none, several, or a deactivated one."""
    users = list(User.objects.filter(Q(email__iexact=value) | Q(username__iexact=value))[:3])
    if not users:
        return None, Refusal("unknown", value)
    active = [user for user in users if user.is_active]
    if len(active) > 1:
        return None, Refusal("ambiguous", value)
    if not active:
        return None, Refusal("deactivated", value)
    return active[0], None


def create_user(value: str) -> User:
    """A new user for ``value`` with no memberships (so no rights) and no usable password."""
    user = User(username=value[:150], email=value if "@" in value else "")
    user.set_unusable_password()
    user.full_clean(exclude=["password", "email"])
    user.save()
    return user


class Backend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, reading Trygg's settings when a sign-in comes back from
    the provider (not at start-up, and not for a password sign-in, which it leaves alone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads every endpoint here, for each authenticate() of any kind; Trygg
        # reads them only in authenticate() below, when the callback calls it.
        self.UserModel = User

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; a password sign-in goes to ModelBackend.
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = setting("OIDC_OP_USER_ENDPOINT", None)
        self.OIDC_OP_JWKS_ENDPOINT = setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = setting("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The parent checks the signature, expiry and nonce; this adds the audience (this
        client) and, where the issuer is set, the issuer."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is for another client")
        issuer = expected_issuer()
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("ID token is from another issuer")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        """The user the claim names: read from the ID token, else from the userinfo endpoint
        (Entra ID's userinfo has no preferred_username; its ID token has)."""
        assert self.request is not None
        claim = settings.TRYGG_OIDC_CLAIM
        value = payload.get(claim)
        if not value and self.OIDC_OP_USER_ENDPOINT:
            value = self.get_userinfo(access_token, id_token, payload).get(claim)
        value = str(value or "").strip()
        if not value:
            self._refuse(Refusal("no_claim", claim))
            return None
        user, refusal = find_user(value)
        if refusal is not None and refusal.reason == "unknown" and settings.TRYGG_OIDC_CREATE_USERS:
            try:
                user, refusal = create_user(value), None
            except ValidationError as error:  # not a username Django takes (e.g. spaces)
                logger.warning("single sign-on: no user made for %r: %s", value, error)
            else:
                self.request.trygg_sso_created = True
        if refusal is not None:
            self._refuse(refusal)
            return None
        self.request.trygg_sso_value = value
        return user

    def _refuse(self, refusal: Refusal) -> None:
        self.request.trygg_sso_refusal = refusal
        return None

    def get_user(self, user_id: Any) -> User | None:
        """A deactivated user's session ends at the next request, as with a password."""
        user = ModelBackend.get_user(self, user_id)
        return user if isinstance(user, User) else None


# --- views -----------------------------------------------------------------------------------


def refusal_message(refusal: Refusal) -> str:
    if refusal.reason == "unknown":
        return _(
            "The account %(name)s does not exist in Trygg. Ask your coordinator or Trygg's "
            "administrator to invite you, then sign in again."
        ) % {"name": refusal.value}
    if refusal.reason == "deactivated":
        return _(
            "The account %(name)s is deactivated in Trygg. Ask Trygg's administrator if you "
            "need it again."
        ) % {"name": refusal.value}
    if refusal.reason == "ambiguous":
        return _(
            "More than one account in Trygg matches %(name)s. Ask Trygg's administrator to "
            "sort it out."
        ) % {"name": refusal.value}
    if refusal.reason == "no_claim":
        return _(
            "The municipality's sign-in did not say who you are (no %(claim)s). Ask Trygg's "
            "administrator to check the single sign-on settings."
        ) % {"claim": refusal.value}
    if refusal.reason == "cancelled":
        return _("The sign-in with the municipality's account was cancelled or refused.")
    if refusal.reason == "unavailable":
        return _(
            "The municipality's sign-in service does not answer right now. Try again later "
            "or sign in with your password."
        )
    return _(
        "The sign-in with the municipality's account could not be completed (it may have been "
        "started in another window or have taken too long). Try again."
    )


def _refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """Back to the sign-in page with the message; the refusal in the audit log."""
    audit.record(
        AuditKind.SSO_REFUSED,
        request,
        username=refusal.value if refusal.reason not in {"error", "cancelled"} else "",
        obj=refusal.reason if refusal.reason != "cancelled" else f"cancelled: {refusal.value}",
    )
    request.session[ERROR_SESSION_KEY] = refusal_message(refusal)
    return HttpResponseRedirect(reverse("login"))


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in (with state, nonce and PKCE's challenge)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the endpoint here; Trygg reads it per request (it may need discovery).
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (ProviderError, ImproperlyConfigured) as error:
            logger.warning("single sign-on: %s", error)
            return _refused(request, Refusal("unavailable", ""))
        self.OIDC_RP_CLIENT_ID = setting("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the mapped user in, or returns to the
    sign-in page with the reason."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_configured():
            raise Http404
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as error:
            # A state that this session did not start, or a token that does not verify.
            logger.warning("single sign-on refused: %s", error)
            return _refused(request, Refusal("error", ""))
        except (requests.RequestException, ProviderError, jwt.PyJWTError, KeyError) as error:
            logger.warning("single sign-on failed: %s", error)
            return _refused(request, Refusal("error", ""))
        return response

    def login_success(self) -> HttpResponse:
        request = self.request
        request.session.pop(ERROR_SESSION_KEY, None)
        if not signed_in_by_sso(request):
            # Also when this user's password sign-in waits for a code: the session is signed in
            # anew by the provider (the parent skips login() for the same user).
            auth.login(request, self.user)
        response: HttpResponse = super().login_success()
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        refusal: Refusal | None = getattr(request, "trygg_sso_refusal", None)
        if refusal is None and request.GET.get("error"):
            refusal = Refusal("cancelled", request.GET["error"][:100])
        return _refused(request, refusal or Refusal("error", ""))
