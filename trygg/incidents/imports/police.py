"""The police's open events feed (polisen.se/api/events): JSON lines, optionally gzipped, or
the live feed's JSON array.

Each event becomes an ``IncidentDraft`` recorded through ``record_incidents``, so the feed meets
the same rules as every other way in. Types are mapped through the editable categories
(``Category.police_type``); each event goes to the municipality or county it names, created
from SCB's list when missing (``places.municipalities``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation
from trygg.incidents.actions import IncidentDraft, IncidentsRefused, record_incidents
from trygg.incidents.imports.report import IncidentImportReport, as_columns
from trygg.incidents.models import Category, Source
from trygg.lib.imports import ImportFailed, Problem, in_order
from trygg.places.municipalities import AreaRegistry

# Police feed types that summarise a shift or update another event rather than report one.
POLICE_NON_EVENTS = ("sammanfattning", "uppdatering", "information")


def _police_lines(data: bytes) -> Iterable[tuple[int, str]]:
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("["):
        # The live feed answers with one JSON array rather than JSON lines.
        for number, item in enumerate(json.loads(stripped), start=1):
            yield number, json.dumps(item)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def parse_police_datetime(value: str) -> dt.datetime:
    """The feed's "2025-06-07 6:38:18 +02:00": an hour without zero padding and an offset."""
    return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S %z")


def drafts_from_police_feed(
    data: bytes, *, organisation: Organisation | None
) -> tuple[list[IncidentDraft], list[Problem], Counter[str], list[str]]:
    """Drafts from the police events feed (JSON lines, optionally gzipped, or a JSON array).

    Events whose type maps to no category, and summaries, are skipped and counted by type.
    Each event goes to the municipality (or county) named by ``location.name``; the feed's
    coordinates are that area's centroid, not the event's place, so no point is stored.
    """
    by_type = Category.objects.police_type_map()
    registry = AreaRegistry()
    drafts: list[IncidentDraft] = []
    problems: list[Problem] = []
    skipped: Counter[str] = Counter()
    try:
        lines = list(_police_lines(data))
    except json.JSONDecodeError as error:
        # The parser's own message is English ("Expecting value"): say where, in Swedish.
        raise ImportFailed(
            _("The file is not the police events feed: not JSON (line %(line)s, column %(col)s).")
            % {"line": error.lineno, "col": error.colno}
        ) from None
    except (UnicodeDecodeError, OSError) as error:
        raise ImportFailed(
            _("The file is not the police events feed: %(err)s") % {"err": error}
        ) from None
    for number, line in lines:
        try:
            event = json.loads(line)
            event_type = str(event["type"]).strip()
            location = str(event["location"]["name"])
            occurred = parse_police_datetime(event["datetime"])
            event_id = str(int(event["id"]))
        except json.JSONDecodeError as error:
            problems.append(
                Problem(
                    number,
                    "event",
                    _("not a police event (not JSON from column %(col)s)") % {"col": error.colno},
                )
            )
            continue
        except (KeyError, TypeError, ValueError) as error:
            problems.append(
                Problem(number, "event", _("not a police event (%(err)s)") % {"err": error})
            )
            continue
        lowered = event_type.lower()
        category = by_type.get(lowered)
        if category is None or lowered.startswith(POLICE_NON_EVENTS):
            skipped[event_type] += 1
            continue
        area = registry.area_for(location)
        if area is None:
            problems.append(
                Problem(
                    number,
                    "location",
                    _("unknown municipality or county “%(name)s”") % {"name": location},
                )
            )
            continue
        drafts.append(
            IncidentDraft(
                line=number,
                category=category,
                occurred_at=occurred,
                area=area,
                place=location,
                description=str(event.get("summary") or "")[:4000],
                organisation=organisation,
                external_id=event_id,
            )
        )
    return drafts, problems, skipped, [a.name for a in registry.created]


def import_police_feed(
    data: bytes,
    *,
    organisation: Organisation | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> IncidentImportReport:
    """Record the feed's events (by default for the first police organisation). Raises
    ImportFailed (not the feed) or IncidentsRefused (events with problems, all named)."""
    report = IncidentImportReport(format="polisen", dry_run=dry_run)
    if organisation is None:
        organisation = Organisation.objects.filter(kind="polis").order_by("pk").first()
    drafts, problems, report.skipped_types, report.areas_created = drafts_from_police_feed(
        data, organisation=organisation
    )
    report.rows = len(drafts) + len({p.line for p in problems} - {d.line for d in drafts})
    if progress is not None:
        progress(0, report.rows)  # read; now checked, then written
    if problems and not skip_invalid:
        # Run the record checks as well, so that one pass reports every problem in the file.
        try:
            record_incidents(drafts, source=Source.POLISEN, dry_run=True)
        except IncidentsRefused as refused:
            problems = problems + as_columns(refused.problems)
        raise IncidentsRefused(in_order(problems))
    try:
        report.result = record_incidents(
            drafts,
            source=Source.POLISEN,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            progress=progress,
        )
    except IncidentsRefused as refused:
        raise IncidentsRefused(in_order(problems + as_columns(refused.problems))) from None
    report.problems = in_order(problems + as_columns(report.result.problems))
    return report
