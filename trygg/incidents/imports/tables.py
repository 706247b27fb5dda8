"""Incident files as Swedish offices write them (CSV/XLSX with the template's columns),
read, checked and written column by column.

A file of any size takes the same path, a chunk of rows at a time:

1. **read**: the cells of each template column as a pyarrow string array
   (``trygg.lib.csvio.read_columns``; a layout only the row reader handles, such as a line break
   inside quotes, is read by ``read_table`` and turned into columns);
2. **parse**: names become ids through lookups run once per distinct value, dates, times and
   decimal commas are parsed as arrays (cells in a rarer format one by one through
   ``csvio.parse_datetime``/``parse_decimal``); a cell that cannot be read is a problem named
   by its line and column;
3. **check**: the chunk as an ``IncidentBatch`` through ``rules.check_batch``, the rules every
   way in shares;
4. **write**: the good rows by COPY (``writer.ColumnWriter``) while the next chunk is parsed and
   checked; all or nothing unless ``skip_invalid``, and rows whose external id was imported
   before are skipped.

A bad row in an all-or-nothing import rolls back what was sent, and the remaining chunks are
still checked so that one pass names every problem in the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, Organisation
from trygg.accounts.permissions import visible_areas, visible_organisations
from trygg.incidents.actions import IncidentsRefused, RecordResult
from trygg.incidents.imports.bulk import lock_for_bulk_load, without_indexes_and_foreign_keys
from trygg.incidents.imports.report import IncidentImportReport, as_columns
from trygg.incidents.imports.writer import ColumnWriter
from trygg.incidents.models import Category, Incident, Source
from trygg.incidents.rollup import incidents_written
from trygg.incidents.rules import (
    NO_TIME,
    CategoryInfo,
    IncidentBatch,
    ReportingScope,
    check_batch,
    repeated_external_ids,
)
from trygg.lib.csvio import ColumnTable, parse_datetime, parse_decimal
from trygg.lib.imports import Columns, NameIndex, Problem, in_order
from trygg.lib.periods import month_of
from trygg.places.lookup import area_index
from trygg.places.models import Area

TEMPLATE = Columns(
    names=(
        "kategori",
        "tidpunkt",
        "område",
        "latitud",
        "longitud",
        "plats",
        "beskrivning",
        "organisation",
        "extern_id",
        "slut",
    ),
    required=("kategori", "tidpunkt"),
    # Headers people write for the same column; all map to the template's names.
    aliases={
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
        # The end of a time window ("between 22:00 and 06:00"); the export's name is "slut".
        "till": "slut",
        "tidpunkt till": "slut",
        "tidpunkt_till": "slut",
        "sluttid": "slut",
    },
)
TEMPLATE_COLUMNS = list(TEMPLATE.names)
# Rows parsed, checked and sent to the database at a time.
CHUNK_ROWS = 100_000
_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?: (?P<H>\d{1,2}):(?P<M>\d{2}))?$"
_DMY = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2}) (?P<y>\d{4})(?: (?P<H>\d{1,2}):(?P<M>\d{2}))?$"
_STRICT_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2})?$"
_DECIMAL = r"^-?\d{1,15}(?:[.,]\d{1,15})?$"
log = logging.getLogger(__name__)  # each phase's seconds at DEBUG (bench/import_incidents.py)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class Lookups:
    """Names in a file to the categories, areas and organisations the user may use."""

    def __init__(self, user: AnyUser | None) -> None:
        self.categories, _shared = Category.objects.by_name()
        self.category_info = {
            pk: CategoryInfo(name, active)
            for pk, name, active in Category.objects.values_list("id", "name", "is_active")
        }
        areas = visible_areas(user) if user is not None else Area.objects.all()
        self.areas: NameIndex[int] = NameIndex()
        self.area_names: dict[int, str] = {}
        for pk, name in areas.values_list("id", "name"):
            self.areas.add(name, pk)
            self.area_names[pk] = name
        orgs = visible_organisations(user) if user is not None else Organisation.objects.all()
        self.organisations: NameIndex[int] = NameIndex()
        named = list(orgs.values_list("id", "name", "short_name"))
        for pk, name, _short in named:
            self.organisations.add(name, pk)
        for pk, _name, short in named:
            self.organisations.add_first(short, pk)


def table_columns(table: ColumnTable) -> tuple[dict[str, pa.Array], list[str]]:
    """A table's columns by template name (aliases resolved, the later of two columns for the
    same name winning, as per row), and the ignored columns; ImportFailed if one lacks."""
    ignored = TEMPLATE.resolve(table.headers)
    return {TEMPLATE.name(h): table.columns[h] for h in table.headers}, ignored


# --- parsing -------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    """A chunk's cells as a batch, and the cells that could not be read."""

    batch: IncidentBatch
    problems: list[Problem]
    bad: np.ndarray


def _parse(
    columns: dict[str, pa.Array],
    lines: np.ndarray,
    lookups: Lookups,
    tz: zoneinfo.ZoneInfo,
    organisation: Organisation | None,
) -> _Parsed:
    n = len(lines)
    problems: list[Problem] = []
    bad = np.zeros(n, dtype=bool)

    def text(name: str) -> pa.Array:
        column = columns.get(name)
        return pa.array([""] * n, type=pa.string()) if column is None else column

    def refuse(rows: np.ndarray, column: str, messages: list[str]) -> None:
        bad[rows] = True
        problems.extend(
            Problem(int(lines[row]), column, message)
            for row, message in zip(rows.tolist(), messages, strict=True)
        )

    def names(column: str, resolve: Callable[[str], tuple[int, str | None]]) -> np.ndarray:
        ids, messages = _by_distinct_value(text(column), resolve)
        failed = np.flatnonzero(messages != None)  # noqa: E711 - an object array
        refuse(failed, column, messages[failed].tolist())
        return ids

    def category(value: str) -> tuple[int, str | None]:
        found = lookups.categories.one(value)
        if found is not None:
            return found.pk, None
        if not value:
            return 0, _("a category is required")
        return 0, _("unknown category “%(value)s”") % {"value": value}

    def area(value: str) -> tuple[int, str | None]:
        if not value:
            return 0, None
        matches = lookups.areas.get(value)
        if len(matches) == 1:
            return matches[0], None
        if not matches:
            return 0, _("unknown area “%(value)s”") % {"value": value}
        return 0, _("the area name “%(value)s” is ambiguous; give coordinates instead") % {
            "value": value
        }

    default_org = organisation.pk if organisation is not None else 0

    def org(value: str) -> tuple[int, str | None]:
        if not value:
            return default_org, None
        found = lookups.organisations.get(value)
        if found:
            return found[-1], None
        return default_org, _("unknown organisation “%(value)s”") % {"value": value}

    category_id = names("kategori", category)
    occurred, date_only, failed, messages = _datetimes(text("tidpunkt"), tz)
    refuse(failed, "tidpunkt", messages)
    coordinates = {}
    for column in ("latitud", "longitud"):
        coordinates[column], failed, messages = _decimals(text(column))
        refuse(failed, column, messages)
    until = _window_ends(columns.get("slut"), tz, refuse)
    area_id = names("område", area)
    organisation_id = names("organisation", org)
    batch = IncidentBatch(
        lines=lines,
        category_id=category_id,
        occurred_at=occurred,
        occurred_until=until if until is not None else np.full(n, NO_TIME),
        time_unknown=date_only,
        area_id=area_id,
        latitude=coordinates["latitud"],
        longitude=coordinates["longitud"],
        place=text("plats"),
        description=text("beskrivning"),
        organisation_id=organisation_id,
        external_id=text("extern_id"),
        categories=lookups.category_info,
        area_names=lookups.area_names,
    )
    return _Parsed(batch, problems, bad)


def _window_ends(
    column: pa.Array | None,
    tz: zoneinfo.ZoneInfo,
    refuse: Callable[[np.ndarray, str, list[str]], None],
) -> np.ndarray | None:
    """The ``slut`` column (the end of a time window) as UTC, NaT where empty; None without
    the column or a value in it. A date without a time ends the window at that day's end
    (the next local midnight)."""
    if column is None:
        return None
    filled = pc.invalid(column) if column.null_count else None
    given = pc.not_equal(pc.utf8_trim_whitespace(column), "")
    if filled is not None:
        given = pc.and_(given, pc.invert(filled))
    rows = np.flatnonzero(given.to_numpy(zero_copy_only=False))
    if not len(rows):
        return None
    ends = np.full(len(column), NO_TIME)
    parsed, date_only, failed, messages = _datetimes(column.take(pa.array(rows)), tz)
    refuse(rows[failed], "slut", messages)
    for i in np.flatnonzero(date_only).tolist():
        day = parsed[i].astype("datetime64[s]").astype(dt.datetime).replace(tzinfo=dt.UTC)
        local_day = day.astimezone(tz).date() + dt.timedelta(days=1)
        midnight = dt.datetime.combine(local_day, dt.time(), tz)
        parsed[i] = np.datetime64((midnight - _EPOCH) // dt.timedelta(microseconds=1), "us")
    ends[rows] = parsed
    return ends


def _by_distinct_value(
    column: pa.Array, resolve: Callable[[str], tuple[int, str | None]]
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and messages (None where fine) for a text column, resolving each distinct value once."""
    if not len(column):
        return np.zeros(0, dtype=np.int64), np.empty(0, dtype=object)
    encoded = pc.dictionary_encode(column)
    resolved = [resolve(value) for value in encoded.dictionary.to_pylist()]
    ids = np.array([pk for pk, _message in resolved], dtype=np.int64)
    messages = np.array([message for _pk, message in resolved] + [None], dtype=object)[:-1]
    indices = encoded.indices.to_numpy()
    return ids[indices], messages[indices]


class _Local:
    """Local wall-clock seconds and "date only" per cell, filled in as shapes are recognised."""

    def __init__(self, n: int) -> None:
        self.local = np.zeros(n, dtype=np.int64)
        self.date_only = np.zeros(n, dtype=bool)
        self.done = np.zeros(n, dtype=bool)

    def assign(
        self, rows: np.ndarray, y: Any, m: Any, d: Any, hh: Any, mm: Any, no_time: Any
    ) -> None:
        """Take the rows whose parts make a real date and time; leave the rest undone."""
        valid = (y >= 1900) & (y <= 2200) & (m >= 1) & (m <= 12) & (d >= 1) & (hh < 24) & (mm < 60)
        month = ((y - 1970) * 12 + np.clip(m, 1, 12) - 1).astype("datetime64[M]")
        first_day = month.astype("datetime64[D]")
        days_in_month = (
            (month + np.timedelta64(1, "M")).astype("datetime64[D]") - first_day
        ).astype(np.int64)
        valid &= d <= days_in_month
        days = (first_day - np.datetime64("1970-01-01", "D")).astype(np.int64)
        ok = rows[valid]
        self.local[ok] = ((days + d - 1) * 86400 + hh * 3600 + mm * 60)[valid]
        self.date_only[ok] = np.asarray(no_time)[valid]
        self.done[ok] = True


def _datetimes(
    column: pa.Array, tz: zoneinfo.ZoneInfo
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Per cell as ``parse_datetime`` reads it in ``tz``: the UTC time (datetime64[us], NaT
    where unreadable) and "date only"; then the unreadable rows and why."""
    n = len(column)
    parsed = _Local(n)
    # The commonest shapes, 2023-09-14 and 2023-09-14 21:30, are read digit by digit straight
    # from the column's bytes; other shapes through a regex that names the parts.
    strict = pc.match_substring_regex(column, _STRICT_ISO).to_numpy(zero_copy_only=False)
    if strict.any():
        rows = np.flatnonzero(strict)
        offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset :]
        data = np.frombuffer(column.buffers()[2], dtype=np.uint8)
        starts = offsets[rows].astype(np.int64)
        lengths = offsets[rows + 1] - offsets[rows]

        def number(first: int, width: int) -> np.ndarray:
            value = np.zeros(len(rows), dtype=np.int64)
            for k in range(first, first + width):
                value = value * 10 + data[np.minimum(starts + k, len(data) - 1)] - 48
            return value

        no_time = lengths == 10
        hh = np.where(no_time, 0, number(11, 2))
        mm = np.where(no_time, 0, number(14, 2))
        parsed.assign(rows, number(0, 4), number(5, 2), number(8, 2), hh, mm, no_time)
    for pattern in (_ISO, _DMY):
        rest = np.flatnonzero(~parsed.done)
        if not len(rest):
            break
        parts = pc.extract_regex(column.take(pa.array(rest)), pattern)
        matched = parts.is_valid().to_numpy(zero_copy_only=False)
        if not matched.any():
            continue
        picked = parts.filter(pa.array(matched))

        def field(name: str, picked: Any = picked) -> np.ndarray:
            values = pc.struct_field(picked, name)
            return pc.if_else(pc.equal(values, ""), "0", values).cast(pa.int64()).to_numpy()

        no_time = pc.equal(pc.struct_field(picked, "H"), "").to_numpy(zero_copy_only=False)
        y, m, d, hh, mm = (field(f) for f in ("y", "m", "d", "H", "M"))
        parsed.assign(rest[matched], y, m, d, hh, mm, no_time)
    local, date_only, done = parsed.local, parsed.date_only, parsed.done

    seconds = local - _utc_offsets(local, done, tz)
    utc = seconds.astype("datetime64[s]").astype("datetime64[us]")
    # Cells the fast patterns do not cover (or whose hour holds a clock change) go one by one.
    failed: list[int] = []
    messages: list[str] = []
    for i in np.flatnonzero(~done).tolist():
        try:
            moment, only_date = parse_datetime(column[i].as_py(), tz)
        except ValueError as error:
            failed.append(i)
            messages.append(str(error))
            utc[i] = NO_TIME
            continue
        utc[i] = np.datetime64((moment - _EPOCH) // dt.timedelta(microseconds=1), "us")
        date_only[i] = only_date
    return utc, date_only, np.array(failed, dtype=np.int64), messages


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _utc_offsets(local: np.ndarray, done: np.ndarray, tz: zoneinfo.ZoneInfo) -> np.ndarray:
    """Each local wall-clock second's UTC offset in seconds, by zoneinfo with fold=0 (as
    parse_datetime). One zoneinfo call per distinct hour; an hour in which the offset changes
    is left to parse_datetime by clearing ``done``."""
    offsets = np.zeros(len(local), dtype=np.int64)
    if not done.any():
        return offsets
    hours, inverse = np.unique(local[done] // 3600, return_inverse=True)
    per_hour = np.zeros(len(hours), dtype=np.int64)
    unsure = np.zeros(len(hours), dtype=bool)
    for k, hour in enumerate(hours.tolist()):
        per_hour[k], unsure[k] = _hour_offset(hour, tz)
    rows = np.flatnonzero(done)
    offsets[rows] = per_hour[inverse]
    done[rows[unsure[inverse]]] = False
    return offsets


@functools.lru_cache(maxsize=1 << 17)
def _hour_offset(hour: int, tz: zoneinfo.ZoneInfo) -> tuple[int, bool]:
    """The UTC offset in seconds of a local wall-clock hour (hours since 1970-01-01 00:00)
    at its start, and whether it changes within the hour. Cached: the chunks of one file
    share most of their hours."""
    start = (dt.datetime(1970, 1, 1) + dt.timedelta(hours=hour)).replace(tzinfo=tz)
    first, last = start.utcoffset(), (start + dt.timedelta(minutes=59)).utcoffset()
    return (int(first.total_seconds()) if first is not None else 0), first != last


def _decimals(column: pa.Array) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Floats per cell as ``parse_decimal`` reads them (NaN for an empty or unreadable cell),
    then the unreadable rows and why."""
    n = len(column)
    values = np.full(n, np.nan)
    plain = pc.match_substring_regex(column, _DECIMAL).to_numpy(zero_copy_only=False)
    if plain.any():
        chosen = column.filter(pa.array(plain))
        values[plain] = pc.replace_substring(chosen, ",", ".").cast(pa.float64()).to_numpy()
    blank = pc.equal(column, "").to_numpy(zero_copy_only=False)
    failed: list[int] = []
    messages: list[str] = []
    for i in np.flatnonzero(~plain & ~blank).tolist():
        try:
            number = parse_decimal(column[i].as_py())
        except ValueError as error:
            failed.append(i)
            messages.append(str(error))
            continue
        values[i] = np.nan if number is None else number
    return values, np.array(failed, dtype=np.int64), messages


# --- the import ----------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One checked chunk: its problems (by column), its bad rows and what is written of it."""

    start: int
    problems: list[Problem]
    bad: np.ndarray
    batch: IncidentBatch
    area_id: np.ndarray
    organisation_id: np.ndarray

    def rows(self, keep: np.ndarray) -> dict[str, Any]:
        """The kept rows as the writer's columns."""
        batch, mask = self.batch, pa.array(keep)
        return {
            "category_id": batch.category_id[keep],
            "occurred_at": batch.occurred_at[keep].astype(np.int64),
            "occurred_until": batch.occurred_until[keep],
            "time_unknown": batch.time_unknown[keep],
            "area_id": self.area_id[keep],
            "latitude": batch.latitude[keep],
            "longitude": batch.longitude[keep],
            "place": batch.place.filter(mask),
            "description": batch.description.filter(mask),
            "organisation_id": self.organisation_id[keep],
            "external_id": batch.external_id.filter(mask),
        }


class _Refused(Exception):
    """A row of an all-or-nothing import has a problem: roll back what was sent."""


def import_table(
    table: ColumnTable,
    *,
    user: AnyUser | None = None,
    organisation: Organisation | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    bulk: bool = False,
) -> IncidentImportReport:
    """Check and write a table's incidents; raises IncidentsRefused naming every problem when
    a row has one and ``skip_invalid`` is off (then nothing is written).

    ``bulk`` writes in bulk-load mode (``imports.bulk``: PostgreSQL only, the incident table
    locked, its indexes and foreign keys re-created after the COPY)."""
    columns, ignored = table_columns(table)
    n = len(table)
    report = IncidentImportReport(
        format=table.format, rows=n, ignored_columns=ignored, dry_run=dry_run
    )
    if progress is not None:
        progress(0, n)  # read; now checked and written chunk by chunk
    empty = pa.array([""] * n, type=pa.string())
    external_id = columns.get("extern_id", empty)
    repeated = repeated_external_ids(external_id)
    reporter = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    # Everything the checks read from the database is read now: no query may run on the
    # connection while its COPY is open.
    lookups, tz, scope, index = Lookups(user), _tz(), ReportingScope.of(user), area_index()
    now = timezone.now()

    def chunks(first: int = 0) -> Iterator[_Chunk]:
        for start in range(first, n, CHUNK_ROWS):
            part = {name: column.slice(start, CHUNK_ROWS) for name, column in columns.items()}
            lines = table.lines[start : start + CHUNK_ROWS]
            parsed = _parse(part, lines, lookups, tz, organisation)
            checked = check_batch(
                parsed.batch,
                scope,
                now=now,
                index=index,
                repeated_ids=repeated[start : start + len(lines)],
            )
            problems = _merged(parsed.problems, as_columns(checked.problems))
            yield _Chunk(
                start,
                problems,
                parsed.bad | checked.bad,
                parsed.batch,
                checked.area_id,
                checked.organisation_id,
            )

    problems: list[Problem] = []
    counts = {"created": 0, "refused": 0, "already": 0}
    pending = chunks()
    try:
        with transaction.atomic():
            shape = None
            if bulk and not dry_run:
                # Locked before the external ids are read, so that none can arrive between.
                shape = lock_for_bulk_load(Incident._meta.db_table)
            fresh = _not_yet_recorded(external_id)
            write = not dry_run and bool(fresh.any())
            loading = (
                without_indexes_and_foreign_keys(Incident._meta.db_table, shape)
                if shape is not None and write
                else contextlib.nullcontext()
            )
            hours: set[int] = set()
            phase = _Phases()
            writer: Any = ColumnWriter(reporter, n, progress) if write else None
            with loading, writer or contextlib.nullcontext():
                for chunk in pending:
                    problems += chunk.problems
                    if chunk.problems and not skip_invalid:
                        raise _Refused
                    size = len(chunk.bad)
                    keep = ~chunk.bad & fresh[chunk.start : chunk.start + size]
                    counts["refused"] += int(chunk.bad.sum())
                    counts["already"] += int((~chunk.bad).sum() - keep.sum())
                    counts["created"] += int(keep.sum())
                    if writer is not None:
                        rows = chunk.rows(keep)
                        writer.write(rows, done=chunk.start + size)
                        hours.update(np.unique(rows["occurred_at"] // 3_600_000_000).tolist())
                    elif progress is not None:
                        progress(chunk.start + size, n)
                phase("checked and queued for COPY")
            phase("COPY finished")
            if shape is not None and write:
                phase("indexes and foreign keys re-created")
            if write:
                incidents_written({month_of(_hour(h)) for h in hours})
                phase("rollup refreshed")
    except _Refused:
        for chunk in pending:  # the rest of the file, checked without writing
            problems += chunk.problems
        raise IncidentsRefused(in_order(problems)) from None
    report.bulk = shape is not None and write
    report.problems = in_order(problems)
    report.result = RecordResult(
        created_total=counts["created"],
        already_recorded=counts["already"],
        refused=counts["refused"],
        problems=report.problems,
        written=not dry_run,
    )
    return report


def _merged(parsed: list[Problem], checked: list[Problem]) -> list[Problem]:
    """A cell that could not be read is named once: the rules' problems for a column whose
    cell already failed to parse say nothing new."""
    unreadable = {(p.line, p.field) for p in parsed}
    return parsed + [p for p in checked if (p.line, p.field) not in unreadable]


def _hour(hours_since_epoch: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(hours=hours_since_epoch)


class _Phases:
    """Logs the seconds since the previous phase ended (DEBUG)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        log.debug("%6.2f s  %s", now - self.last, name)
        self.last = now


def _not_yet_recorded(external_id: pa.Array) -> np.ndarray:
    """Rows whose external id is empty or not yet recorded for file imports."""
    given = pc.greater(pc.binary_length(external_id), 0).to_numpy(zero_copy_only=False)
    if not given.any():
        return np.ones(len(external_id), dtype=bool)
    recorded = Incident.objects.filter(source=Source.IMPORT).exclude(external_id="")
    ids = external_id.filter(pa.array(given))
    existing: list[str] = []
    if recorded.count() <= len(ids):
        # Fewer recorded than given: reading them all is one query.
        existing = list(recorded.values_list("external_id", flat=True))
    else:
        chunk = 50_000 if connection.vendor == "postgresql" else 500
        for start in range(0, len(ids), chunk):
            existing += recorded.filter(
                external_id__in=ids.slice(start, chunk).to_pylist()
            ).values_list("external_id", flat=True)
    seen = pc.is_in(external_id, value_set=pa.array(existing, type=pa.string()))
    return ~seen.to_numpy(zero_copy_only=False)
