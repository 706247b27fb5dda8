"""Reminder e-mails for follow-ups that are due: one message per responsible contact.

``send_reminders`` is run by ``trygg measure-reminders`` from cron. Every measure of a plan in
force whose next follow-up is today or earlier counts; each contact e-mail address gets one
message listing all its measures, with a link to each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trygg.plans.models import Measure


@dataclass
class ReminderResult:
    sent: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)


def reminder_text(name: str, measures: list[Measure], today: dt.date, base_url: str) -> str:
    lines = [_("Hello %(name)s,") % {"name": name}, ""]
    lines.append(_("These measures you are responsible for are due for a follow-up:"))
    for measure in measures:
        due = measure.next_follow_up_on
        state = _("overdue") if measure.follow_up_overdue(today) else _("due today")
        lines += [
            "",
            f"* {measure.title} ({measure.plan.title})",
            "  "
            + _("Follow-up %(state)s, %(day)s.")
            % {"state": state, "day": date_format(due, "j F Y") if due else "–"},
            f"  {base_url}{measure.get_absolute_url()}",
        ]
    lines += ["", _("Write the follow-up on the measure's page."), "", _("– Trygg")]
    return "\n".join(lines)


def send_reminders(
    today: dt.date, *, base_url: str = "", dry_run: bool = False
) -> tuple[ReminderResult, list[EmailMessage]]:
    result = ReminderResult()
    by_address: dict[str, list[Measure]] = {}
    due = (
        Measure.objects.follow_up_due(today)
        .select_related("plan")
        .order_by("contact_email", "next_follow_up_on", "title")
    )
    for measure in due:
        if not measure.contact_email:
            result.no_address.append(measure.title)
            continue
        by_address.setdefault(measure.contact_email.lower(), []).append(measure)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for address, measures in by_address.items():
            name = measures[0].contact_name or address
            subject = _("Trygg: %(n)s measures are due for a follow-up") % {"n": len(measures)}
            body = reminder_text(name, measures, today, base_url.rstrip("/"))
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
            result.sent.append(address)
    if not dry_run:
        for message in messages:
            message.send(using="default")
    return result, messages
