"""The audit log: sign-ins and failed sign-ins (auth signals), lockouts (django-axes' signal)
and every file download (a response with Content-Disposition, from any app's export view).
Single sign-on's sign-ins are told apart by the claim its backend left on the request; its
refusals are recorded by ``trygg.accounts.oidc``, with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from trygg.accounts.models import AuditEvent, AuditKind, User
from trygg.lib.personnummer import find_identity_numbers


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def _clean(text: str, limit: int) -> str:
    """Text for the log: cut to its field, with anything reading as a personnummer (a searched
    number, or a file name's date and time) blanked out."""
    for found in reversed(find_identity_numbers(text)):
        text = text[: found.start] + "…" + text[found.end :]
    return text[:limit]


def record(
    kind: str,
    request: HttpRequest | None,
    *,
    user: User | None = None,
    username: str = "",
    obj: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=_clean(username or (user.get_username() if user else ""), 150),
        object=_clean(obj, 500),
        ip_address=_address(request),
    )


def _logged_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # trygg.accounts.oidc's backend marks the request with the claim's value it matched.
    sso_value: str | None = getattr(request, "trygg_sso_value", None)
    if sso_value is None:
        record(AuditKind.LOGIN, request, user=user)
        return
    if getattr(request, "trygg_sso_created", False):
        record(AuditKind.SSO_CREATED, request, user=user)
    record(AuditKind.SSO_LOGIN, request, user=user, obj=sso_value)


def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if "nonce" in credentials:
        return  # single sign-on: trygg.accounts.oidc records the refusal with its reason
    username = str(credentials.get("username") or "")
    user = User.objects.filter(username=username).first() if username else None
    record(AuditKind.LOGIN_FAILED, request, user=user, username=username)


def _locked_out(
    sender: object, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    user = User.objects.filter(username=username).first() if username else None
    record(AuditKind.LOCKED_OUT, request, user=user, username=username or "")


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="trygg-audit-login")
    user_login_failed.connect(_login_failed, dispatch_uid="trygg-audit-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="trygg-audit-locked-out")


class ExportAuditMiddleware:
    """Records every successful file download (Content-Disposition) with who and what."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if disposition and response.status_code == 200 and isinstance(user, User):
            name = disposition.partition("filename=")[2].strip('"')
            what = request.get_full_path()
            record(AuditKind.EXPORT, request, user=user, obj=f"{what} {name}".strip())
        return response
