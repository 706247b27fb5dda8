"""Account administration in Trygg's own pages: users, memberships, organisations, areas.

Coordinators act only inside their areas: each page asks the rules of ``permissions`` (a
membership they may change is one in their subtree) and each form offers only the areas they
coordinate, so they cannot invite to, change or end memberships elsewhere, nor grant an area
above theirs. Superusers act everywhere. Django admin is not needed for any of it.

An invitation creates the user without a usable password and mails a one-time link to
choose one: Django's password-reset token, which no longer matches once a password is set.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from trygg.accounts.forms import AreaForm, InviteForm, MembershipForm, OrganisationForm
from trygg.accounts.models import AnyUser, Membership, Organisation, Role, User
from trygg.accounts.permissions import (
    can_add_area,
    can_add_organisation,
    can_membership,
    check_area,
    check_membership,
    check_organisation,
    visible_memberships,
)
from trygg.accounts.rules import CHANGE
from trygg.accounts.scope import scope_for
from trygg.lib.web import page
from trygg.places.models import Area


def _require_coordinator(user: AnyUser) -> None:
    if not scope_for(user).has_role(Role.SAMORDNARE):
        raise PermissionDenied


def _managed_users(actor: AnyUser) -> list[User]:
    """Users with a membership the actor may change (every user for a superuser)."""
    if scope_for(actor).everything:
        users = User.objects.all()
    else:
        users = User.objects.filter(
            pk__in=visible_memberships(actor, CHANGE).values("user_id")
        ).distinct()
    shown = visible_memberships(actor, CHANGE).select_related("organisation", "area")
    return list(
        users.order_by("username").prefetch_related(
            Prefetch("memberships", queryset=shown, to_attr="shown_memberships")
        )
    )


def _check_user(actor: AnyUser, user: User) -> list[Membership]:
    """The user's memberships the actor may change; PermissionDenied when there is none
    (a superuser may see every user)."""
    memberships = list(
        visible_memberships(actor, CHANGE)
        .filter(user=user)
        .select_related("organisation", "area")
        .order_by("-is_active", "organisation__name", "role")
    )
    if not memberships and not scope_for(actor).everything:
        raise PermissionDenied
    return memberships


def send_invitation(request: HttpRequest, user: User, membership: Membership) -> None:
    """Mail the one-time link to choose a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(reverse("password_reset_confirm", args=[uid, token]))
    context = {
        "user": user,
        "membership": membership,
        "link": link,
        "invited_by": request.user,
        "sign_in": request.build_absolute_uri(reverse("login")),
    }
    subject = render_to_string("accounts/invite_subject.txt", context).strip()
    body = render_to_string("accounts/invite_email.txt", context)
    send_mail(subject, body, None, [user.email])


def _username_for(email: str) -> str:
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@page("administration")
def user_list(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        _require_coordinator(request.user)
    return render(request, "accounts/user_list.html", {"users": _managed_users(request.user)})


@page("administration")
def invite(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        _require_coordinator(request.user)
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = User.objects.filter(email__iexact=data["email"]).first()
        if existing is not None and not existing.is_active:
            form.add_error(
                "email", _("This user is deactivated. Ask a system administrator to reactivate.")
            )
        else:
            with transaction.atomic():
                user = existing
                if user is None:
                    user = User(
                        username=_username_for(data["email"]),
                        email=data["email"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                    )
                    user.set_unusable_password()
                    user.save()
                membership, _created = Membership.objects.get_or_create(
                    user=user,
                    organisation=data["organisation"],
                    role=data["role"],
                    area=data["area"],
                )
                if not membership.is_active:
                    membership.is_active = True
                    membership.save(update_fields=["is_active"])
            if existing is None:
                send_invitation(request, user, membership)
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.") % {"email": user.email},
                )
            else:
                messages.success(
                    request,
                    _("%(email)s already has an account; the membership was added.")
                    % {"email": user.email},
                )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/invite.html", {"form": form})


@page("administration")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    memberships = _check_user(request.user, user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": user,
            "memberships": memberships,
            "can_deactivate": _can_deactivate(request.user, user),
            "can_reinvite": user.is_active and not user.has_usable_password() and user.email,
        },
    )


def _can_deactivate(actor: AnyUser, user: User) -> bool:
    """A superuser may deactivate anyone but themselves; a coordinator only a user all of
    whose active memberships lie in their areas (one working elsewhere too stays)."""
    if actor.pk == user.pk or (user.is_superuser and not actor.is_superuser):
        return False
    if scope_for(actor).everything:
        return True
    active = list(user.memberships.active())
    return bool(active) and all(can_membership(actor, m, CHANGE) for m in active)


@page("administration")
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    _check_user(request.user, user)
    if not _can_deactivate(request.user, user):
        raise PermissionDenied
    if request.method == "POST":
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])
        messages.success(request, _("%(user)s can no longer sign in.") % {"user": user})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_deactivate.html", {"person": user})


@page("administration")
def user_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    memberships = _check_user(request.user, user)
    if request.method != "POST" or not memberships or user.has_usable_password():
        raise PermissionDenied
    send_invitation(request, user, memberships[0])
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": user.email})
    return redirect("accounts:user_detail", pk=user.pk)


@page("administration")
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    check_membership(request.user, membership, CHANGE)
    form = MembershipForm(request.POST or None, instance=membership, actor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The membership was saved."))
        return redirect("accounts:user_detail", pk=membership.user_id)
    return render(
        request, "accounts/membership_form.html", {"form": form, "membership": membership}
    )


@page("administration")
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation", "area"), pk=pk
    )
    check_membership(request.user, membership, CHANGE)
    if request.method == "POST":
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        messages.success(request, _("The membership was ended."))
        return redirect("accounts:user_detail", pk=membership.user_id)
    return render(request, "accounts/membership_end.html", {"membership": membership})


@page("administration")
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can_add_organisation(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("The organisation was saved."))
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@page("administration")
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    check_organisation(request.user, organisation, CHANGE)
    form = OrganisationForm(request.POST or None, instance=organisation, actor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation was saved."))
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )


@page("administration")
def area_create(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        _require_coordinator(request.user)
    form = AreaForm(
        request.POST or None, actor=request.user, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        if not can_add_area(request.user, form.cleaned_data.get("parent")):
            raise PermissionDenied
        area = form.save()
        messages.success(request, _("The area was saved."))
        return redirect("places:detail", pk=area.pk)
    return render(request, "places/area_form.html", {"form": form})


@page("administration")
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area, pk=pk)
    check_area(request.user, area, CHANGE)
    form = AreaForm(request.POST or None, instance=area, actor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The area was saved."))
        return redirect("places:detail", pk=area.pk)
    return render(request, "places/area_form.html", {"form": form, "area": area})
