"""Sign-in and sign-out with the second step (two_factor), the user's own account page, and the
pages listing organisations and their members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.accounts import oidc, two_factor
from trygg.accounts.forms import CodeForm
from trygg.accounts.models import AuditEvent, Membership, Organisation, User
from trygg.accounts.permissions import (
    can_add_organisation,
    can_organisation,
    check_organisation,
    visible_memberships,
    visible_organisations,
)
from trygg.accounts.rules import MANAGERS
from trygg.accounts.scope import scope_for
from trygg.lib.qr import qr_svg
from trygg.lib.web import page


def sso_context(request: HttpRequest) -> dict[str, object]:
    """The sign-in page's single sign-on: the button (only when set up) and the message of a
    refused attempt, shown once."""
    if not oidc.is_configured():
        return {}
    return {
        "sso_button": oidc.button_text(),
        "sso_error": request.session.pop(oidc.ERROR_SESSION_KEY, None),
    }


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **sso_context(self.request)}


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address and mails a one-time link (Swedish templates)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choosing a password from a one-time link: after "Glömt lösenordet?" or an invitation
    (an invited user has no usable password until here)."""


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """The sign-in page after too many wrong passwords (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = settings.TRYGG_LOCKOUT_MINUTES
    message = ngettext(
        "Too many failed sign-ins. The account is locked for %(minutes)d minute; try again later.",
        "Too many failed sign-ins. The account is locked for %(minutes)d minutes; try again later.",
        minutes,
    ) % {"minutes": minutes}
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_message": message,
            "next": request.POST.get("next", ""),
            **sso_context(request),
        },
        status=429,
    )


def _next(request: HttpRequest) -> str:
    """Where to go after the second step: the page asked for, if it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the views below are signed in
    return request.user


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the user's app."""
    user = _user(request)
    device = two_factor.confirmed_device(user)
    if device is None or two_factor.is_verified(user) or oidc.signed_in_by_sso(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs["autofocus"] = True  # the only thing to do here
    if request.method == "POST" and form.is_valid():
        error = two_factor.check_code(request, device, form.cleaned_data["code"])
        if error is None:
            two_factor.mark_verified(request, device)
            return redirect(_next(request))
        form.add_error("code", error)
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@page("account")
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are, their memberships, two-step verification."""
    user = _user(request)
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation", "area")
        .order_by("organisation__name", "role")
    )
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "two_factor_on": two_factor.has_device(user),
            "two_factor_required": two_factor.is_required(user),
        },
    )


@page("account")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turning two-step verification on: scan the QR code (or type the key), enter a code;
    only a right code confirms the device. With one confirmed, the page says so."""
    user = _user(request)
    if two_factor.has_device(user):
        return render(request, "accounts/two_factor.html", {"on": True})
    device = two_factor.device_to_set_up(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = two_factor.check_code(request, device, form.cleaned_data["code"])
        if error is None:
            two_factor.turn_on(request, device)
            messages.success(
                request,
                _("Two-step verification is on. Next time you sign in, Trygg asks for a code."),
            )
            return redirect(_next(request) if "next" in request.POST else "account")
        form.add_error("code", error)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "on": False,
            "form": form,
            "qr": qr_svg(
                device.config_url,
                label=_("QR code to scan with the authenticator app"),
            ),
            "secret": two_factor.secret_text(device),
            "required": two_factor.is_required(user),
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


@page("account")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turning two-step verification off, confirmed with a current code."""
    user = _user(request)
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = two_factor.check_code(request, device, form.cleaned_data["code"])
        if error is None:
            two_factor.turn_off(request, user)
            messages.success(request, _("Two-step verification is off."))
            return redirect("account")
        form.add_error("code", error)
    return render(
        request,
        "accounts/two_factor_disable.html",
        {"form": form, "required": two_factor.is_required(user)},
    )


@page("administration")
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(request.user).select_related("area").order_by("name")
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": organisations, "can_add": can_add_organisation(request.user)},
    )


@page("administration")
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("area"), pk=pk)
    check_organisation(request.user, organisation)
    members = (
        visible_memberships(request.user)
        .filter(organisation=organisation)
        .select_related("user", "area")
        .order_by("user__username", "role")
    )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_change": can_organisation(request.user, organisation, "change"),
        },
    )


@page("administration")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Sign-ins, failed sign-ins, lockouts and exports, for coordinators: those of the users with
    a membership in their areas (and failed attempts naming them); everything for a superuser."""
    scope = scope_for(request.user)
    if not scope.has_role(*MANAGERS):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("user")
    if not scope.everything:
        users = Membership.objects.filter(area_id__in=scope.area_ids(MANAGERS)).values("user_id")
        events = events.filter(user_id__in=users)
    return render(request, "accounts/audit_log.html", {"events": events[:500]})
