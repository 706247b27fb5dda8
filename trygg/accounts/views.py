"""Sign-in and sign-out, and the pages listing organisations and their members."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from trygg.accounts.models import Organisation
from trygg.accounts.permissions import (
    can_add_organisation,
    can_organisation,
    check_organisation,
    visible_memberships,
    visible_organisations,
)
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
