"""Sign-in and sign-out, and the pages listing organisations and their members."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import ngettext

from trygg.accounts.models import AuditEvent, Membership, Organisation
from trygg.accounts.permissions import (
    can_add_organisation,
    can_organisation,
    check_organisation,
    visible_memberships,
    visible_organisations,
)
from trygg.accounts.rules import MANAGERS
from trygg.accounts.scope import scope_for
from trygg.lib.web import page


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
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
