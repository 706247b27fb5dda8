"""Two-step verification: a TOTP device (django-otp) as the second factor after the password.

A user with a confirmed device signs in with the password and then a six-digit code from the
app on their phone; until the code is entered the session is signed in but not verified
(``request.user.is_verified()``, django-otp's ``OTPMiddleware``), and ``TwoFactorMiddleware``
sends every page to the code page. With ``TRYGG_REQUIRE_TOTP_FOR_COORDINATORS`` a coordinator
without a device is sent to set one up instead. API token requests (``Authorization: Token``,
Open311's ``api_key``) never pass through a sign-in and are left alone, and so is a session
signed in with the municipality's account (``trygg.accounts.oidc``): its identity provider
asks for the second factor.

Every wrong code doubles the wait before the device accepts the next one (django-otp's
throttling, counted on the device, so signing in again does not reset it) and is kept in the
audit log.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import TokenAuthentication

from trygg.accounts import audit
from trygg.accounts.models import AnyUser, AuditKind, Role, User
from trygg.accounts.oidc import signed_in_by_sso
from trygg.accounts.scope import scope_for

# Views a signed-in user reaches before the second step: signing in and out, the code page,
# the language switch. The set-up page only while no device is confirmed (see the middleware).
# Single sign-on's start and callback too: a session waiting for a code may sign in that way.
OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "two_factor_verify",
        "set_language",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)
SETUP_VIEW = "two_factor_setup"
# Paths whose clients read JSON, not pages: an unverified session there is answered 403.
MACHINE_PREFIXES = ("/api/", "/open311/")


def confirmed_device(user: AnyUser) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def has_device(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    )


def is_verified(user: AnyUser) -> bool:
    """Whether this request's session entered a code (set by django-otp's OTPMiddleware)."""
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(check and check())


def is_required(user: AnyUser) -> bool:
    """Whether the user must have a device: with the setting on, every coordinator (a
    superuser counts as one, as everywhere in Trygg's rules)."""
    return settings.TRYGG_REQUIRE_TOTP_FOR_COORDINATORS and scope_for(user).has_role(
        Role.SAMORDNARE
    )


def device_to_set_up(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit; the same one (and so the same
    QR code) on every reload until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Trygg", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an app's "enter a setup key" field takes it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def check_code(request: HttpRequest, device: TOTPDevice, code: str) -> str | None:
    """Verifies ``code`` against ``device``; None when it is right, else the message to show.
    A wrong code is counted on the device (the next try waits longer) and logged."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return _wait_message((info or {}).get("locked_until"))
    if django_otp.verify_token(device.user, device.persistent_id, code.replace(" ", "")):
        return None
    audit.record(AuditKind.CODE_FAILED, request, user=device.user)
    return _(
        "The code is not right. Enter the six digits the app shows now; if it still fails, "
        "check that the phone's clock is right."
    )


def _wait_message(until: Any) -> str:
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def turn_on(request: HttpRequest, device: TOTPDevice) -> None:
    """Confirms a device whose code was right and counts this session as verified with it;
    any other device of the user's is removed (one phone per account)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    mark_verified(request, device)
    audit.record(AuditKind.TWO_FACTOR_ON, request, user=device.user)


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The session has entered a right code: it counts as verified from now on, under a new
    session key (its rights grew, as at sign-in)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def turn_off(request: HttpRequest | None, user: User) -> bool:
    """Removes the user's devices (from their page, or ``trygg two-factor-off`` for a lost
    phone); whether there was one to remove."""
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    if request is not None:
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    if removed:
        audit.record(AuditKind.TWO_FACTOR_OFF, request, user=user)
    return bool(removed)


def _by_token(request: HttpRequest, view: Callable[..., Any]) -> bool:
    """An API client's request, which the view signs in by its token and never by the
    session: a token header to a view that reads it first (a DRF view whose first
    authentication is the token, or a ``download``), or Open311's ``api_key``. A token header
    sent to a page proves nothing, since the page reads the session."""
    if request.headers.get("Authorization", "").startswith("Token "):
        if getattr(view, "signs_in_by_token", False):
            return True
        classes: list[type] = list(
            getattr(getattr(view, "cls", None), "authentication_classes", None) or []
        )
        return bool(classes) and issubclass(classes[0], TokenAuthentication)
    if request.path.startswith("/open311/"):
        # Open311 reads the api_key's user whenever a key is given, beside a session too.
        return "api_key" in request.GET or "api_key" in request.POST
    return False


class TwoFactorMiddleware:
    """Before any view but those in OPEN_VIEWS: a signed-in user with a device whose session
    has not entered a code (nor was signed in by single sign-on) goes to the code page; one
    who must have a device and has none goes to the set-up page. Pages redirect (with
    ``next``); API paths answer 403 JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or _by_token(request, view) or is_verified(user):
            return None
        if signed_in_by_sso(request):
            return None  # the identity provider did the second step
        match = request.resolver_match
        name = match.view_name if match else None  # namespaced: admin:login is not login
        if has_device(user):
            target = "two_factor_verify"
        elif is_required(user):
            if name == SETUP_VIEW:
                request.two_factor_pending = True  # type: ignore[attr-defined]  # no menu
                return None
            target = SETUP_VIEW
        else:
            return None
        if name in OPEN_VIEWS:
            request.two_factor_pending = True  # type: ignore[attr-defined]  # no menu
            return None
        if request.path.startswith(MACHINE_PREFIXES):
            message = (
                _("Enter the code from your app on the sign-in page first.")
                if target == "two_factor_verify"
                else _("Set up two-step verification in Trygg first (My account).")
            )
            return JsonResponse({"detail": message}, status=403)
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
