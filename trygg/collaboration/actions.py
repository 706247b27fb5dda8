"""Writes in Samverkan that carry a rule: defaults, carry-over, attachments, calendar secrets.

Views and the demo call these instead of saving models directly where a rule applies:

- a new agreement gets the default priority areas, and an annex review date
  TRYGG_AGREEMENT_REVIEW_YEARS after signing unless one is given;
- a new meeting gets every open action item of its forum's earlier meetings on its agenda,
  and a new action item goes onto the agenda of its forum's next meeting if one is planned;
- an attachment must really be a PDF;
- a calendar feed's secret can be regenerated (the old address stops working) or revoked.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, User
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementDocument,
    AgreementPriority,
    CalendarFeed,
    Meeting,
    PriorityArea,
    default_annex_review_due,
)

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"


# Agreements ----------------------------------------------------------------------------


@transaction.atomic
def save_agreement(agreement: Agreement, *, parties: Any = None) -> Agreement:
    """Save an agreement; a new one gets the default priority areas."""
    created = agreement.pk is None
    if agreement.annex_review_due is None:
        agreement.annex_review_due = default_annex_review_due(agreement.signed_on)
    agreement.save()
    if parties is not None:
        agreement.parties.set(parties)
    if created:
        AgreementPriority.objects.bulk_create(
            AgreementPriority(agreement=agreement, priority_area=area)
            for area in PriorityArea.objects.filter(is_default=True)
        )
    return agreement


def check_pdf(upload: UploadedFile) -> None:
    """Refuse anything that is not a PDF file, whatever its name or declared type says."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, (upload.size or 0) - 2048))
    tail = upload.read(2048)
    upload.seek(0)
    # A PDF starts with its version header (some writers put a little junk before it) and
    # ends with %%EOF, possibly followed by a line break.
    if PDF_MAGIC not in head or PDF_END not in tail:
        raise ValidationError(_("The file is not a PDF document."))


def attach_document(
    agreement: Agreement, upload: UploadedFile, *, title: str, user: AnyUser
) -> AgreementDocument:
    check_pdf(upload)
    document = AgreementDocument(
        agreement=agreement,
        title=title or upload.name or _("Document"),
        original_name=(upload.name or "")[:255],
        size=upload.size or 0,
        uploaded_by=user if isinstance(user, User) else None,
    )
    document.file.save("document.pdf", upload, save=False)
    document.save()
    return document


def delete_document(document: AgreementDocument) -> None:
    document.file.delete(save=False)
    document.delete()


# Meetings and action items -------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def carry_over_open_items(meeting: Meeting) -> list[AgendaItem]:
    """Put every open action item from the forum's earlier meetings on this meeting's agenda."""
    already = set(
        meeting.agenda_items.filter(carried_action__isnull=False).values_list(
            "carried_action_id", flat=True
        )
    )
    open_items = (
        ActionItem.objects.open()
        .filter(meeting__forum_id=meeting.forum_id, meeting__starts_at__lt=meeting.starts_at)
        .exclude(pk__in=already)
        .select_related("meeting", "owner")
        .order_by("meeting__starts_at", "due_on", "pk")
    )
    position = _next_position(meeting)
    added = []
    for item in open_items:
        added.append(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=_("Follow-up: %(item)s") % {"item": item.title},
                description=_("Open action item from the meeting on %(date)s; owner: %(owner)s.")
                % {
                    "date": timezone.localtime(item.meeting.starts_at).strftime("%Y-%m-%d"),
                    "owner": item.owner_display or "–",
                },
                carried_action=item,
            )
        )
        position += 1
    return AgendaItem.objects.bulk_create(added)


@transaction.atomic
def save_meeting(meeting: Meeting) -> Meeting:
    """Save a meeting; a meeting that is still to come collects the forum's open items."""
    meeting.save()
    if meeting.ends_at >= timezone.now() and not meeting.is_cancelled:
        carry_over_open_items(meeting)
    return meeting


def next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            forum_id=meeting.forum_id, starts_at__gt=meeting.starts_at, is_cancelled=False
        )
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def save_action_items(meeting: Meeting, items: list[ActionItem]) -> None:
    """Save action items of a meeting; open ones go onto the forum's next planned meeting."""
    today = timezone.localdate()
    for item in items:
        if item.done and item.done_on is None:
            item.done_on = today
        if not item.done:
            item.done_on = None
        item.save()
    following = next_meeting(meeting)
    if following is not None and following.ends_at >= timezone.now():
        carry_over_open_items(following)


def set_action_item_done(item: ActionItem, done: bool, day: dt.date | None = None) -> ActionItem:
    item.done = done
    item.done_on = (day or timezone.localdate()) if done else None
    item.save(update_fields=["done", "done_on"])
    return item


# Calendar feeds ------------------------------------------------------------------------


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed(user: User, *, create: bool = False) -> CalendarFeed | None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None and create:
        feed = CalendarFeed.objects.create(user=user, secret=new_secret())
    return feed


def regenerate_calendar_feed(user: User) -> CalendarFeed:
    """A new secret address for the user's feed; the old address answers 404 from now on."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"secret": new_secret()}
    )
    return feed


def revoke_calendar_feed(user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
