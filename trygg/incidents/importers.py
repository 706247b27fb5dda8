"""Incident imports: CSV/XLSX files as Swedish offices write them, and the police events feed.

Each reader turns its input into ``IncidentDraft`` objects plus the problems it found while
parsing (bad dates, unknown categories, …); ``import_incidents`` then hands the drafts to
``record_incidents``, which applies the same checks as every other way of entry. A file with
any problem imports nothing unless ``skip_invalid`` is set; every problem names its line.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, Organisation
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.incidents.actions import (
    IncidentDraft,
    IncidentsRefused,
    Problem,
    RecordResult,
    record_incidents,
)
from trygg.incidents.models import Category, Source
from trygg.lib.csvio import (
    ColumnTable,
    NotColumnar,
    Table,
    TableError,
    parse_datetime,
    parse_decimal,
    read_columns,
    read_table,
)
from trygg.places.models import Area
from trygg.places.municipalities import AreaRegistry

TEMPLATE_COLUMNS = [
    "kategori",
    "tidpunkt",
    "område",
    "latitud",
    "longitud",
    "plats",
    "beskrivning",
    "organisation",
    "extern_id",
]
REQUIRED_COLUMNS = {"kategori", "tidpunkt"}
# Headers people write for the same column; all map to the template's names.
HEADER_ALIASES = {
    "omrade": "område",
    "lat": "latitud",
    "latitude": "latitud",
    "lon": "longitud",
    "lng": "longitud",
    "longitude": "longitud",
    "tid": "tidpunkt",
    "datum": "tidpunkt",
    "externt id": "extern_id",
    "extern id": "extern_id",
}
# Police feed types that summarise a shift or update another event rather than report one.
POLICE_NON_EVENTS = ("sammanfattning", "uppdatering", "information")
FORMATS = ("csv", "xlsx", "polisen")
FIELD_TO_COLUMN = {
    "category": "kategori",
    "occurred_at": "tidpunkt",
    "occurred_until": "tidpunkt",
    "area": "område",
    "latitude": "latitud",
    "longitude": "longitud",
    "place": "plats",
    "description": "beskrivning",
    "organisation": "organisation",
    "external_id": "extern_id",
}


class ImportFailed(Exception):
    """The file cannot be imported at all (unreadable, wrong format, missing columns)."""


@dataclass
class ImportReport:
    format: str
    rows: int = 0
    result: RecordResult | None = None
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_types: Counter[str] = field(default_factory=Counter)
    areas_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    bulk: bool = False  # written in bulk-load mode (trygg.incidents.bulk)

    @property
    def created(self) -> int:
        return self.result.created_count if self.result else 0

    @property
    def already_recorded(self) -> int:
        return self.result.already_recorded if self.result else 0

    @property
    def written(self) -> bool:
        return bool(self.result and self.result.written)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class _Lookups:
    """Name → object lookups for a table import, limited to what the user may use."""

    def __init__(self, user: AnyUser | None) -> None:
        categories = list(Category.objects.all())
        self.categories = {c.code.lower(): c for c in categories}
        names = Counter(c.name.lower() for c in categories)
        self.categories.update(
            {c.name.lower(): c for c in categories if names[c.name.lower()] == 1}
        )
        areas = visible_areas(user) if user is not None else Area.objects.all()
        self.areas: dict[str, list[Area]] = {}
        for area in areas.only("id", "name", "kind"):
            self.areas.setdefault(area.name.lower(), []).append(area)
        orgs = visible_organisations(user) if user is not None else Organisation.objects.all()
        self.organisations = {}
        for org in orgs.only("id", "name", "short_name"):
            self.organisations[org.name.lower()] = org
            if org.short_name:
                self.organisations.setdefault(org.short_name.lower(), org)


def _template_headers(headers: list[str]) -> list[str]:
    """The columns a table's headers leave ignored; ImportFailed when a required one lacks."""
    missing = REQUIRED_COLUMNS - {HEADER_ALIASES.get(h, h) for h in headers}
    if missing:
        raise ImportFailed(
            _("The file lacks the column(s) %(cols)s. Download the template to see the columns.")
            % {"cols": ", ".join(sorted(missing))}
        )
    return [h for h in headers if HEADER_ALIASES.get(h, h) not in TEMPLATE_COLUMNS]


def table_columns(table: ColumnTable) -> tuple[dict[str, Any], list[str]]:
    """A column table's columns by template name (aliases resolved, the later of two columns
    for the same name winning, as per row), and the ignored columns."""
    ignored = _template_headers(table.headers)
    columns = {HEADER_ALIASES.get(h, h): table.columns[h] for h in table.headers}
    return columns, ignored


def drafts_from_table(
    table: Table, *, user: AnyUser | None, organisation: Organisation | None
) -> tuple[list[IncidentDraft], list[Problem], list[str]]:
    """Drafts from a CSV/XLSX table with the template's columns, the parse problems, and the
    names of columns that were ignored."""
    ignored = _template_headers(table.headers)
    lookups = _Lookups(user)
    tz = _tz()
    drafts: list[IncidentDraft] = []
    problems: list[Problem] = []
    for row in table.rows:
        values = {HEADER_ALIASES.get(k, k): v for k, v in row.values.items()}
        line = row.line
        draft = IncidentDraft(line=line, organisation=organisation)

        code = values.get("kategori", "")
        draft.category = lookups.categories.get(code.lower())
        if draft.category is None:
            problems.append(
                Problem(
                    line,
                    "kategori",
                    _("unknown category “%(value)s”") % {"value": code}
                    if code
                    else _("a category is required"),
                )
            )
        try:
            draft.occurred_at, draft.time_unknown = parse_datetime(values.get("tidpunkt", ""), tz)
        except ValueError as error:
            problems.append(Problem(line, "tidpunkt", str(error)))
        for column, attribute in (("latitud", "latitude"), ("longitud", "longitude")):
            try:
                setattr(draft, attribute, parse_decimal(values.get(column, "")))
            except ValueError as error:
                problems.append(Problem(line, column, str(error)))
        area_name = values.get("område", "")
        if area_name:
            matches = lookups.areas.get(area_name.lower(), [])
            if len(matches) == 1:
                draft.area = matches[0]
            elif not matches:
                problems.append(
                    Problem(line, "område", _("unknown area “%(value)s”") % {"value": area_name})
                )
            else:
                problems.append(
                    Problem(
                        line,
                        "område",
                        _("the area name “%(value)s” is ambiguous; give coordinates instead")
                        % {"value": area_name},
                    )
                )
        org_name = values.get("organisation", "")
        if org_name:
            org = lookups.organisations.get(org_name.lower())
            if org is None:
                problems.append(
                    Problem(
                        line,
                        "organisation",
                        _("unknown organisation “%(value)s”") % {"value": org_name},
                    )
                )
            draft.organisation = org or organisation
        draft.place = values.get("plats", "")
        draft.description = values.get("beskrivning", "")
        draft.external_id = values.get("extern_id", "")
        drafts.append(draft)
    return drafts, problems, ignored


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
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as error:
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
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
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


def import_incidents(
    data: bytes,
    filename: str,
    *,
    format: str | None = None,
    user: AnyUser | None = None,
    organisation: Organisation | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    columnar: bool | None = None,
    bulk: bool = False,
) -> ImportReport:
    """Read a file and record its incidents. Raises ImportFailed or IncidentsRefused.

    Large clean CSV/XLSX tables are imported column-wise (``trygg.incidents.columnar``),
    with the same result; ``columnar`` forces that path (True) or the row-wise one (False).
    ``bulk`` (PostgreSQL only) writes a clean CSV/XLSX table of any size in bulk-load mode
    (``trygg.incidents.bulk``): the incident table and the tables it refers to are locked
    for the whole import. A file that only the row-wise import takes is imported normally
    (``report.bulk`` says which).
    """
    from trygg.incidents.bulk import BulkLoadUnavailable

    kind = format or guess_format(filename, data)
    if kind not in FORMATS:
        raise ImportFailed(_("Unknown format “%(format)s”.") % {"format": kind})
    if bulk and connection.vendor != "postgresql":
        raise ImportFailed(
            _("Bulk mode (--bulk) needs PostgreSQL. On SQLite, import without --bulk.")
        )
    if kind != "polisen" and columnar is not False:
        try:
            fast = _import_columnar(
                data, filename if kind != "xlsx" else "upload.xlsx", user=user,
                organisation=organisation, dry_run=dry_run, progress=progress,
                force=bool(columnar) or bulk, bulk=bulk,
            )  # fmt: skip
        except BulkLoadUnavailable as error:
            raise ImportFailed(str(error)) from None
        if fast is not None:
            return fast
    report = ImportReport(format=kind, dry_run=dry_run)
    if kind == "polisen":
        if organisation is None:
            organisation = Organisation.objects.filter(kind="polis").order_by("pk").first()
        drafts, problems, report.skipped_types, report.areas_created = drafts_from_police_feed(
            data, organisation=organisation
        )
        source = Source.POLISEN
    else:
        try:
            table = read_table(data, filename if kind != "xlsx" else "upload.xlsx")
        except TableError as error:
            raise ImportFailed(str(error)) from None
        drafts, problems, report.ignored_columns = drafts_from_table(
            table, user=user, organisation=organisation
        )
        source = Source.IMPORT
    report.rows = len(drafts) + len({p.line for p in problems} - {d.line for d in drafts})
    if progress is not None:
        progress(0, report.rows)  # read; now checked, then written
    if problems and not skip_invalid:
        # Run the record checks as well, so that one pass reports every problem in the file.
        try:
            record_incidents(drafts, source=source, user=user, dry_run=True)
        except IncidentsRefused as refused:
            problems = problems + _as_columns(refused.problems)
        raise IncidentsRefused(sorted(set(problems), key=_problem_order))
    bad_lines = {p.line for p in problems}
    good = [d for d in drafts if d.line not in bad_lines]
    try:
        report.result = record_incidents(
            good,
            source=source,
            user=user,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            progress=progress,
        )
    except IncidentsRefused as refused:
        merged = set(problems + _as_columns(refused.problems))
        raise IncidentsRefused(sorted(merged, key=_problem_order)) from None
    report.problems = sorted(
        set(problems + _as_columns(report.result.problems)), key=_problem_order
    )
    return report


def _import_columnar(
    data: bytes,
    filename: str,
    *,
    user: AnyUser | None,
    organisation: Organisation | None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None,
    force: bool,
    bulk: bool = False,
) -> ImportReport | None:
    """The column-wise import's report, or None when the row-wise import must run."""
    from trygg.incidents.columnar import MIN_ROWS, import_columns, log

    started = time.perf_counter()
    try:
        table = read_columns(data, filename)
    except TableError as error:
        raise ImportFailed(str(error)) from None
    except NotColumnar:
        return None
    log.debug("%6.2f s  file read into columns", time.perf_counter() - started)
    if len(table) < MIN_ROWS and not force:
        return None
    return import_columns(
        table, user=user, organisation=organisation, dry_run=dry_run, progress=progress, bulk=bulk
    )


def _as_columns(problems: list[Problem]) -> list[Problem]:
    """Problems named by the file's column names rather than the model's field names."""
    return [Problem(p.line, FIELD_TO_COLUMN.get(p.field, p.field), p.message) for p in problems]


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.field)


def guess_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")) or data[:2] == b"\x1f\x8b":
        return "polisen"
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    return "csv"
