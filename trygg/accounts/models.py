"""Users, the organisations they work for, and their roles within area subtrees.

A user holds memberships; each membership says: in this organisation, with this role, within
this area and everything below it. What a user may see and do is the union of their
memberships (see ``trygg.accounts.scope`` and ``trygg.accounts.rules``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.lib.safetext import SafeCharField, SafeEmailField, SafeTextField, SafeURLField


class User(AbstractUser):
    """A person who signs in. Names and e-mail are optional; usernames are what demo users share."""

    # AbstractUser's names and e-mail, guarded like every other text (see lib/safetext).
    first_name = SafeCharField(_("first name"), max_length=150, blank=True)
    last_name = SafeCharField(_("last name"), max_length=150, blank=True)
    email = SafeEmailField(_("email address"), blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username


# Who a request comes from (``request.user``): what scopes and permission checks are asked about.
type AnyUser = User | AnonymousUser


class OrganisationKind(models.TextChoices):
    KOMMUN = "kommun", _("municipality")
    STADSDELSFORVALTNING = "stadsdelsforvaltning", _("district administration")
    POLIS = "polis", _("police")
    SKOLA = "skola", _("school or education administration")
    TRAFIKKONTOR = "trafikkontor", _("traffic office")
    BOSTADSBOLAG = "bostadsbolag", _("housing company")
    FASTIGHETSAGARE = "fastighetsagare", _("property owner")
    FORETAGARFORENING = "foretagarforening", _("business association")
    FORENING = "forening", _("association")
    ANNAN = "annan", _("other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    name = SafeCharField(_("name"), max_length=200, unique=True)
    short_name = SafeCharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area of operation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_(
            "Where the organisation works. It is visible to everyone working in this area, "
            "above it or below it."
        ),
    )
    description = SafeTextField(_("description"), blank=True)
    website = SafeURLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SAMORDNARE = "samordnare", _("coordinator")
    ANALYTIKER = "analytiker", _("analyst")
    RAPPORTOR = "rapportor", _("reporter")
    RADSMEDLEM = "radsmedlem", _("council member")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organisation__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("The role applies in this area and every area below it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "area"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation} ({self.area})"


class AuditKind(models.TextChoices):
    LOGIN = "login", _("sign-in")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOCKED_OUT = "locked_out", _("account locked")
    EXPORT = "export", _("export")
    CODE_FAILED = "code_failed", _("wrong sign-in code")
    TWO_FACTOR_ON = "two_factor_on", _("two-step verification turned on")
    TWO_FACTOR_OFF = "two_factor_off", _("two-step verification turned off")
    SSO_LOGIN = "sso_login", _("sign-in with the municipality's account")
    SSO_REFUSED = "sso_refused", _("refused sign-in with the municipality's account")
    SSO_CREATED = "sso_created", _("user created at sign-in with the municipality's account")


class AuditEvent(models.Model):
    """Who did what, when: sign-ins (with a password or the municipality's account), failed
    and refused sign-ins and codes, lockouts, two-step verification turned on and off, and file
    exports."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # The name given, also when no such user exists (a failed sign-in).
    username = SafeCharField(_("username"), max_length=150, blank=True)
    kind = models.CharField(_("event"), max_length=20, choices=AuditKind.choices)
    object = SafeCharField(_("object"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.object}"
