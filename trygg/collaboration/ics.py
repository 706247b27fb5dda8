"""Meetings as iCalendar (RFC 5545): one meeting's ``.ics`` file and a user's calendar feed.

Times are written in UTC, which every calendar program converts to its own time zone; each
meeting keeps one UID, so importing a changed meeting again updates the event instead of
adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from trygg.collaboration.models import Meeting

PRODID = "-//Trygg//Samverkan//SV"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def meeting_event(meeting: Meeting, *, url: str, domain: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("dtstamp", _utc(meeting.updated_at or timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.display_title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", url)
    lines = []
    agenda = list(meeting.agenda_items.all())
    if agenda:
        lines.append(_("Agenda:"))
        lines += [f"{item.position}. {item.title}" for item in agenda]
    contact = ", ".join(
        part
        for part in (meeting.contact_name, meeting.contact_phone, meeting.contact_email)
        if part
    )
    if contact:
        lines.append(_("Contact: %(contact)s") % {"contact": contact})
    if meeting.online_url:
        lines.append(_("Join online: %(url)s") % {"url": meeting.online_url})
    lines.append(url)
    event.add("description", "\n".join(lines))
    if meeting.contact_email:
        organizer = vCalAddress(f"mailto:{meeting.contact_email}")
        if meeting.contact_name:
            organizer.params["cn"] = vText(meeting.contact_name)
        event.add("organizer", organizer)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def calendar(
    meetings: Iterable[Meeting], *, name: str, url_for: Callable[[Meeting], str], domain: str
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url=url_for(meeting), domain=domain))
    return cal.to_ical()
