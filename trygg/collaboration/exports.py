"""A meeting as documents: the agenda (kallelse, before the meeting) and the minutes after it,
each as DOCX (python-docx) and PDF (WeasyPrint), in Swedish.

The agenda gives the time, the place, the contact person, who is invited (the forum's members)
and the numbered items, with the open action items carried over. The minutes name who was
present (who was invited, when attendance is not recorded), repeat the items as paragraphs (§)
with the decisions taken under each, then the notes and the action items with owner, due date
and state. Both formats render one ``MeetingDocument``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt

from trygg.collaboration.models import ActionItem, AgendaItem, ForumMember, Meeting
from trygg.lib import documents, word
from trygg.lib.documents import day


class Kind(StrEnum):
    """Which document; the values are the Swedish words in the download's address."""

    AGENDA = "dagordning"
    MINUTES = "protokoll"


def current_kind(meeting: Meeting, now: dt.datetime | None = None) -> Kind:
    """The agenda until the meeting starts (unless minutes are already written), then the
    minutes."""
    now = now or timezone.now()
    if meeting.starts_at > now and not meeting.minutes:
        return Kind.AGENDA
    return Kind.MINUTES


@dataclass
class Item:
    number: int
    title: str
    lines: list[str]  # presenter, link, carried-over state, description
    decisions: list[str] = field(default_factory=list)


@dataclass
class ActionRow:
    what: str
    owner: str
    due: str
    state: str

    @property
    def cells(self) -> list[str]:
        return [self.what, self.owner, self.due, self.state]


@dataclass
class MeetingDocument:
    meeting: Meeting
    kind: Kind
    heading: str  # "Dagordning" / "Minnesanteckningar"
    title: str
    facts: list[tuple[str, str]]
    people_heading: str  # "Kallade" (the forum's members) or "Närvarande" (as recorded)
    people: list[str]
    items: list[Item]
    minutes: str
    other_decisions: list[str]
    actions: list[ActionRow]
    action_headers: list[str]

    @property
    def is_minutes(self) -> bool:
        return self.kind == Kind.MINUTES


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    at = _("at")
    text = f"{date_format(start, 'l j F Y').capitalize()} {at} {start:%H.%M}–"
    if end.date() != start.date():
        text += f"{day(end)} "
    return text + f"{end:%H.%M}"


def _facts(meeting: Meeting) -> list[tuple[str, str]]:
    facts = [(_("When"), _when(meeting))]
    where = meeting.place
    if meeting.online_url:
        online = _("join online: %(url)s") % {"url": meeting.online_url}
        where = f"{where}; {online}" if where else online
    facts.append((_("Where"), where or "–"))
    contact = ", ".join(
        p for p in (meeting.contact_name, meeting.contact_phone, meeting.contact_email) if p
    )
    if contact:
        facts.append((_("Contact"), contact))
    facts.append((_("Forum"), meeting.forum.name))
    if meeting.is_cancelled:
        facts.append((_("Status"), _("cancelled")))
    return facts


def _member(member: ForumMember) -> str:
    if member.is_chair:
        chair = _("chair")
        return f"{member.described} – {chair}"
    return member.described


def _item(item: AgendaItem, today: dt.date) -> Item:
    lines = []
    if item.presenter:
        lines.append(_("Presented by: %(name)s") % {"name": item.presenter})
    if item.linked is not None:
        about = _("About:")
        lines.append(f"{about} {item.linked}")
    action = item.carried_action
    if action is not None:
        state = _("done") if action.done else _("open")
        text = _("Carried over, %(state)s") % {"state": state}
        if action.owner_display:
            text += "; " + _("owner: %(name)s") % {"name": action.owner_display}
        if action.due_on:
            text += ", " + _("due %(day)s") % {"day": day(action.due_on)}
        lines.append(text)
    if item.description:
        lines.append(item.description)
    return Item(item.position, item.title, lines, [d.text for d in item.decisions.all()])


def _state(action: ActionItem, today: dt.date) -> str:
    if action.done:
        return _("done %(day)s") % {"day": day(action.done_on)} if action.done_on else _("done")
    if action.is_overdue(today):
        return _("overdue")
    return _("open")


def meeting_document(meeting: Meeting, kind: Kind, today: dt.date | None = None) -> MeetingDocument:
    today = today or timezone.localdate()
    items = list(
        meeting.agenda_items.select_related("linked_type", "carried_action__owner")
        .prefetch_related("linked", "decisions")
        .order_by("position", "pk")
    )
    members = meeting.forum.members.select_related("user", "organisation")
    present = []
    if kind == Kind.MINUTES:
        chair_ids = {m.pk for m in members if m.is_chair}
        present = [
            _member(m) if m.pk in chair_ids else m.described
            for m in meeting.attendees.select_related("user", "organisation")
        ]
        present += [line.strip() for line in meeting.other_attendees.splitlines() if line.strip()]
    decisions = meeting.decisions.filter(agenda_item__isnull=True).order_by("pk")
    actions = meeting.action_items.select_related("owner")
    return MeetingDocument(
        meeting=meeting,
        kind=kind,
        heading=_("Agenda") if kind == Kind.AGENDA else _("Minutes"),
        title=meeting.display_title,
        facts=_facts(meeting),
        people_heading=_("Present") if present else _("Invited"),
        people=present or [_member(m) for m in members],
        items=[_item(i, today) for i in items],
        minutes=meeting.minutes,
        other_decisions=[d.text for d in decisions],
        actions=[
            ActionRow(
                a.title,
                a.owner_display or "–",
                day(a.due_on),
                _state(a, today),
            )
            for a in actions
        ],
        action_headers=[_("What"), _("Owner"), _("Due"), _("Status")],
    )


# DOCX --------------------------------------------------------------------------------------


def render_docx(doc: MeetingDocument) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render_docx(doc)


def _facts_docx(document: DocumentObject, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


def _render_docx(doc: MeetingDocument) -> bytes:
    document = Document()
    title = f"{doc.heading} – {doc.title}"
    word.setup_a4(document, title=title)
    word.page_footer(
        document, f"{doc.title}, {day(timezone.localtime(doc.meeting.starts_at))}", _("page")
    )
    document.add_heading(doc.title, level=0)
    document.add_paragraph(doc.heading).runs[0].font.size = Pt(16)
    _facts_docx(document, doc.facts)

    document.add_heading(doc.people_heading, level=1)
    for line in doc.people or ["–"]:
        document.add_paragraph(line, style="List Bullet")

    document.add_heading(_("Agenda"), level=1)
    if not doc.items:
        document.add_paragraph(_("No agenda yet.")).runs[0].italic = True
    for item in doc.items:
        heading = document.add_heading(f"§ {item.number}  {item.title}", level=2)
        heading.paragraph_format.keep_with_next = True
        for line in item.lines:
            paragraph = document.add_paragraph(line)
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.runs[0].italic = line != item.lines[-1] or None
        if doc.is_minutes:
            for decision in item.decisions:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(0.6)
                paragraph.add_run(_("Decision:") + " ").bold = True
                paragraph.add_run(decision)

    if doc.is_minutes:
        document.add_heading(_("Notes"), level=1)
        if doc.minutes:
            for part in doc.minutes.split("\n\n"):
                document.add_paragraph(part.strip())
        else:
            document.add_paragraph(_("No minutes yet.")).runs[0].italic = True
        if doc.other_decisions:
            document.add_heading(_("Other decisions"), level=1)
            for decision in doc.other_decisions:
                document.add_paragraph(decision, style="List Bullet")
        document.add_heading(_("Action items"), level=1).paragraph_format.keep_with_next = True
        if doc.actions:
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            widths = [Cm(8.2), Cm(4.0), Cm(2.8), Cm(2.6)]
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width
            word.repeat_header(table.rows[0])
            for cell, text in zip(table.rows[0].cells, doc.action_headers, strict=True):
                word.cell_lines(cell, [(text, {"bold": True})], size=Pt(10))
                word.shade(cell, "EEF3F8")
            for action in doc.actions:
                for cell, text in zip(table.add_row().cells, action.cells, strict=True):
                    word.cell_lines(cell, [(text, {})], size=Pt(10))
            if len(doc.actions) <= 12:
                word.keep_table_together(table)
        else:
            document.add_paragraph(_("No action items.")).runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PDF ---------------------------------------------------------------------------------------


def render_pdf(doc: MeetingDocument) -> bytes:
    return documents.pdf("collaboration/print_meeting.html", {"doc": doc})


RENDERERS: dict[str, Callable[[MeetingDocument], bytes]] = {"docx": render_docx, "pdf": render_pdf}
