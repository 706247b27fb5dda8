"""The weekly e-mail to coordinators: what falls due within SOON_DAYS, and what is overdue.

``send_digests`` is run by ``trygg compliance-digest`` from cron. Each active coordinator with
an e-mail address gets one message covering the areas they coordinate; a coordinator with
nothing due gets no message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trygg.accounts.models import Membership, Role, User
from trygg.compliance.duties import SOON_DAYS, Duty, Status, checklist
from trygg.places.models import Area


@dataclass
class DigestResult:
    sent: list[str] = field(default_factory=list)
    nothing_due: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)


def _coordinators() -> dict[User, list[Area]]:
    """Each active coordinator and the top areas they coordinate."""
    found: dict[User, list[Area]] = {}
    memberships = (
        Membership.objects.active()
        .filter(role=Role.SAMORDNARE, user__is_active=True)
        .select_related("user", "area")
        .order_by("user__username", "area__name")
    )
    for membership in memberships:
        areas = found.setdefault(membership.user, [])
        if membership.area not in areas:
            areas.append(membership.area)
    return found


def due_duties(area: Area, today: dt.date) -> list[Duty]:
    """Duties that fall due within SOON_DAYS or are overdue."""
    return [
        duty
        for duty in checklist(area, today)
        if duty.status in (Status.SNART_FORFALLET, Status.FORFALLET)
    ]


def digest_text(user: User, sections: list[tuple[Area, list[Duty]]], base_url: str) -> str:
    def day(value: dt.date | None) -> str:
        return date_format(value, "j F Y") if value else "–"

    lines = [
        _("Hello %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        _("This falls due within %(days)s days, or is already overdue:") % {"days": SOON_DAYS},
    ]
    for area, duties in sections:
        lines += ["", f"== {area} =="]
        for duty in duties:
            lines.append(f"* {duty.title}: {duty.status.label} ({_('due')} {day(duty.due)})")
            lines.append(f"  {duty.explanation}")
            for evidence in duty.evidence:
                if evidence.due:
                    lines.append(f"  - {day(evidence.due)}: {evidence.label}")
        url = f"{base_url}{reverse('compliance:checklist')}?omrade={area.pk}"
        lines.append(_("The whole checklist: %(url)s") % {"url": url})
    lines += ["", _("– Trygg, every week")]
    return "\n".join(lines)


def send_digests(
    today: dt.date, *, base_url: str = "", dry_run: bool = False
) -> tuple[DigestResult, list[EmailMessage]]:
    result = DigestResult()
    messages: list[EmailMessage] = []
    with translation.override(settings.LANGUAGE_CODE):
        for user, areas in _coordinators().items():
            sections = [(area, due) for area in areas if (due := due_duties(area, today))]
            if not sections:
                result.nothing_due.append(user.username)
                continue
            if not user.email:
                result.no_address.append(user.username)
                continue
            count = sum(len(duties) for _area, duties in sections)
            subject = _("Trygg: %(n)s duties need attention (week %(week)s)") % {
                "n": count,
                "week": today.isocalendar().week,
            }
            messages.append(
                EmailMessage(
                    subject,
                    digest_text(user, sections, base_url.rstrip("/")),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
            )
            result.sent.append(user.username)
    if not dry_run:
        for message in messages:
            message.send(using="default")
    return result, messages
