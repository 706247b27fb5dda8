"""Column-wise import of large CSV/XLSX files: the row-wise import's result, without its loop.

``import_incidents`` sends a large table here first. Every step works on whole columns:
pyarrow reads the CSV, dates, times and decimal commas are parsed as arrays (cells in a rarer
format go one by one through ``csvio.parse_datetime``/``parse_decimal``), names become ids
through dictionaries built over the distinct values, the point decides the area through the
vectorised ``locate_coordinates``, the personnummer guard runs a regex prefilter over each text
column and the exact check (``contains_identity_number``) only on the candidates, and the
rows go to PostgreSQL by COPY straight from the columns, without model instances.

The path is only taken when the whole file is clean. As soon as a row has a problem (or the
file's layout needs the row reader), it answers None and the row-wise import runs instead,
so every problem is still named by line and column, all-or-nothing and ``skip_invalid``
behave exactly as before, and the two paths can never disagree on what a bad file means.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from trygg.accounts.models import AnyUser
from trygg.incidents.actions import FUTURE_TOLERANCE, RecordResult, reporting_scope
from trygg.incidents.bulk import lock_for_bulk_load, without_indexes_and_foreign_keys
from trygg.incidents.models import DESCRIPTION_MAX_LENGTH, Incident, Source, Status
from trygg.incidents.rollup import month_of, refresh_rollup
from trygg.lib.csvio import ColumnTable, parse_datetime, parse_decimal
from trygg.lib.personnummer import contains_identity_number
from trygg.places.lookup import area_index, locate_coordinates

# Below this many rows the row-wise import is as quick and writes per-row history for one row.
MIN_ROWS = 2000
PLACE_MAX_LENGTH = 200
# Every match of personnummer._CANDIDATE contains six ASCII digits, at most one separator and
# four ASCII digits in a row, so a text without this cannot hold an identity number. (RE2's
# \d is ASCII, like _CANDIDATE's re.ASCII.) tests/incidents/test_columnar.py checks it.
IDENTITY_PREFILTER = r"\d{6}[-–+ ]?\d{4}"
_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?: (?P<H>\d{1,2}):(?P<M>\d{2}))?$"
_DMY = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2}) (?P<y>\d{4})(?: (?P<H>\d{1,2}):(?P<M>\d{2}))?$"
_STRICT_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2})?$"
_DECIMAL = r"^-?\d{1,15}(?:[.,]\d{1,15})?$"
COPY_CHUNK = 100_000
log = logging.getLogger(__name__)  # each phase's seconds at DEBUG (bench/import_incidents.py)


class _NotClean(Exception):
    """A row has a problem (or may have one): the row-wise import must name it."""


def import_columns(
    table: ColumnTable,
    *,
    user: AnyUser | None,
    organisation: Any,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    bulk: bool = False,
) -> Any:
    """Import a clean table column-wise and return its ImportReport; None if any row has a
    problem (the caller then runs the row-wise import, which names them).

    ``bulk`` writes in bulk-load mode (``trygg.incidents.bulk``: PostgreSQL only, the incident
    table locked, its indexes and foreign keys re-created after the COPY)."""
    from trygg.incidents.importers import ImportReport, _Lookups, _tz, table_columns

    columns, ignored = table_columns(table)
    n = len(table)
    if progress is not None:
        progress(0, n)  # read; now checked and written chunk by chunk
    external_id = columns.get("extern_id", pa.array([""] * n, type=pa.string()))
    given = external_id.filter(pc.greater(pc.binary_length(external_id), 0))
    if len(pc.unique(given)) != len(given):
        return None
    report = ImportReport(format=table.format, rows=n, ignored_columns=ignored)
    report.dry_run = dry_run
    reporter = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    # Everything the checks read from the database is read now: no query may run on the
    # connection while its COPY is open.
    lookups, tz, scope, boundaries = _Lookups(user), _tz(), reporting_scope(user), area_index()

    def checked_chunks() -> Any:
        """Each chunk's checked rows; _NotClean at the first chunk with a bad row."""
        for start in range(0, n, COPY_CHUNK):
            chunk = {name: column.slice(start, COPY_CHUNK) for name, column in columns.items()}
            size = min(COPY_CHUNK, n - start)
            yield start, _checked_rows(chunk, size, organisation, lookups, tz, scope, boundaries)

    # Rows are checked a chunk at a time and each clean chunk is sent to the database at
    # once, so PostgreSQL takes one chunk while the next is being checked. A bad row in a
    # later chunk ends the transaction, which removes what was sent, and the row-wise
    # import runs instead, as when the whole file was checked first.
    try:
        with transaction.atomic():
            shape = None
            if bulk and not dry_run:
                # Locked before the external ids are read, so that none can arrive between.
                shape = lock_for_bulk_load(Incident._meta.db_table)
            fresh = _not_yet_recorded(external_id)
            result = RecordResult(
                already_recorded=int((~fresh).sum()), created_total=int(fresh.sum())
            )
            report.result = result
            if dry_run or not fresh.any():
                for _chunk in checked_chunks():
                    pass
                return report
            hours: set[int] = set()
            loading = (
                without_indexes_and_foreign_keys(Incident._meta.db_table, shape)
                if shape is not None
                else contextlib.nullcontext()
            )
            phase = _Phases()
            with loading:
                with _Writer(reporter, n, progress) as writer:
                    for start, rows in checked_chunks():
                        keep = fresh[start : start + len(rows["external_id"])]
                        if not keep.all():
                            mask = pa.array(keep)
                            rows = {name: column.filter(mask) for name, column in rows.items()}
                        writer.write(rows, done=start + len(keep))
                        hours.update(np.unique(rows["occurred_at"].to_numpy() // 3600).tolist())
                    phase("checked and queued for COPY")
                phase("COPY finished")
            if shape is not None:
                phase("indexes and foreign keys re-created")
            refresh_rollup({month_of(_EPOCH + dt.timedelta(hours=h)) for h in hours})
            phase("rollup refreshed")
    except _NotClean:
        return None
    report.bulk = shape is not None
    result.written = True
    return report


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class _Phases:
    """Logs the seconds since the previous phase ended (DEBUG)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        log.debug("%6.2f s  %s", now - self.last, name)
        self.last = now


# --- checking ----------------------------------------------------------------------------------


def _checked_rows(
    columns: dict[str, pa.Array],
    n: int,
    organisation: Any,
    lookups: Any,
    tz: Any,
    scope: tuple[set[int] | None, set[int] | None, set[int]],
    boundaries: Any,
) -> dict[str, pa.Array]:
    """The incident columns, or _NotClean as soon as some row would be refused."""

    def text(name: str) -> pa.Array:
        column = columns.get(name)
        return pa.array([""] * n, type=pa.string()) if column is None else column

    category = _mapped(text("kategori"), lambda v: _active_category(lookups, v))
    occurred, date_only = _datetimes(text("tidpunkt"), tz)
    latest = (timezone.now() + FUTURE_TOLERANCE).timestamp()
    if n and occurred.max() > latest:
        raise _NotClean
    latitude = _decimals(text("latitud"))
    longitude = _decimals(text("longitud"))
    has_lat, has_lon = ~np.isnan(latitude), ~np.isnan(longitude)
    if np.any(has_lat != has_lon):
        raise _NotClean
    if np.any(np.abs(latitude[has_lat]) > 90) or np.any(np.abs(longitude[has_lon]) > 180):
        raise _NotClean
    named_area = _mapped(text("område"), lambda v: _one_area(lookups, v), blank=0)

    org_text = text("organisation")
    default_org = getattr(organisation, "pk", None) or 0
    org = _mapped(org_text, lambda v: _organisation(lookups, v), blank=default_org)

    place, description = text("plats"), text("beskrivning")
    for column, limit in ((place, PLACE_MAX_LENGTH), (description, DESCRIPTION_MAX_LENGTH)):
        if n and pc.max(pc.utf8_length(column)).as_py() > limit:
            raise _NotClean
        if holds_identity_number(column).any():
            raise _NotClean

    allowed_areas, allowed_orgs, own_orgs = scope
    area = named_area.copy()
    if has_lat.any():
        points = np.flatnonzero(has_lat)
        found = locate_coordinates(
            latitude[points], longitude[points], allowed=allowed_areas, index=boundaries
        )
        # A point outside the user's areas keeps the named area, as check_drafts does.
        area[points] = np.where(found > 0, found, area[points])
    if np.any(area == 0):
        raise _NotClean
    if allowed_areas is not None and not np.isin(area, list(allowed_areas)).all():
        raise _NotClean
    if allowed_orgs is not None:
        if len(own_orgs) == 1:
            org = np.where(org == 0, next(iter(own_orgs)), org)
        if not np.isin(org, list(allowed_orgs)).all():
            raise _NotClean

    external_id = text("extern_id")  # unique in the whole file: import_columns checks
    return {
        "category_id": pa.array(category),
        "occurred_at": pa.array(occurred),
        "time_unknown": pa.array(date_only),
        "area_id": pa.array(area),
        "latitude": pa.array(latitude, mask=~has_lat),
        "longitude": pa.array(longitude, mask=~has_lon),
        "place": place,
        "description": description,
        "organisation_id": pa.array(org, mask=org == 0),
        "external_id": external_id,
    }


def _active_category(lookups: Any, value: str) -> int:
    category = lookups.categories.get(value.lower())
    if category is None or not category.is_active:
        raise _NotClean
    return category.pk


def _one_area(lookups: Any, value: str) -> int:
    matches = lookups.areas.get(value.lower(), [])
    if len(matches) != 1:
        raise _NotClean
    return matches[0].pk


def _organisation(lookups: Any, value: str) -> int:
    found = lookups.organisations.get(value.lower())
    if found is None:
        raise _NotClean
    return found.pk


def _mapped(column: pa.Array, lookup: Callable[[str], int], blank: int | None = None) -> np.ndarray:
    """Ids for a text column through a lookup run once per distinct value.

    With ``blank``, an empty cell gives that id instead of being looked up.
    """
    encoded = pc.dictionary_encode(column)
    ids = np.array(
        [
            blank if value == "" and blank is not None else lookup(value)
            for value in encoded.dictionary.to_pylist()
        ],
        dtype=np.int64,
    )
    if not len(column):
        return np.zeros(0, dtype=np.int64)
    return ids[encoded.indices.to_numpy()]


def holds_identity_number(column: pa.Array) -> np.ndarray:
    """Which cells hold a personnummer or samordningsnummer: ``contains_identity_number``
    applied only to the cells the prefilter lets through."""
    candidates = np.flatnonzero(
        pc.match_substring_regex(column, IDENTITY_PREFILTER).to_numpy(zero_copy_only=False)
    )
    found = np.zeros(len(column), dtype=bool)
    for i in candidates.tolist():
        found[i] = contains_identity_number(column[i].as_py())
    return found


class _Parsed:
    """Local wall-clock seconds and "date only" per row, filled in as shapes are recognised."""

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


def _datetimes(column: pa.Array, tz: Any) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds and "date only" per cell, as ``parse_datetime`` reads them in ``tz``."""
    n = len(column)
    parsed = _Parsed(n)
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
        parsed.assign(rest[matched], *(field(f) for f in ("y", "m", "d", "H", "M")), no_time)
    local, date_only, done = parsed.local, parsed.date_only, parsed.done

    utc = local - _utc_offsets(local, done, tz)
    # Cells the fast patterns do not cover (or whose hour holds a clock change) go one by one.
    for i in np.flatnonzero(~done).tolist():
        try:
            moment, only_date = parse_datetime(column[i].as_py(), tz)
        except ValueError:
            raise _NotClean from None
        utc[i] = int(moment.timestamp())
        date_only[i] = only_date
    return utc, date_only


def _utc_offsets(local: np.ndarray, done: np.ndarray, tz: Any) -> np.ndarray:
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
def _hour_offset(hour: int, tz: Any) -> tuple[int, bool]:
    """The UTC offset in seconds of a local wall-clock hour (hours since 1970-01-01 00:00)
    at its start, and whether it changes within the hour. Cached: the chunks of one file
    share most of their hours."""
    start = (dt.datetime(1970, 1, 1) + dt.timedelta(hours=hour)).replace(tzinfo=tz)
    first, last = start.utcoffset(), (start + dt.timedelta(minutes=59)).utcoffset()
    return (int(first.total_seconds()) if first is not None else 0), first != last


def _decimals(column: pa.Array) -> np.ndarray:
    """Floats per cell as ``parse_decimal`` reads them; NaN for an empty cell."""
    n = len(column)
    values = np.full(n, np.nan)
    plain = pc.match_substring_regex(column, _DECIMAL).to_numpy(zero_copy_only=False)
    if plain.any():
        chosen = column.filter(pa.array(plain))
        values[plain] = pc.replace_substring(chosen, ",", ".").cast(pa.float64()).to_numpy()
    blank = pc.equal(column, "").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~plain & ~blank).tolist():
        try:
            number = parse_decimal(column[i].as_py())
        except ValueError:
            raise _NotClean from None
        values[i] = np.nan if number is None else number
    return values


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


# --- writing -----------------------------------------------------------------------------------

_COLUMNS = (
    "category_id", "occurred_at", "occurred_until", "time_unknown", "area_id", "latitude",
    "longitude", "place", "description", "organisation_id", "reported_by_id", "source",
    "external_id", "status", "reviewed_by_id", "reviewed_at", "created_at", "updated_at",
)  # fmt: skip


class _Writer:
    """Writes checked chunks: one binary COPY on PostgreSQL, fed through a queue that a
    psycopg thread sends (so the next chunk is checked meanwhile); INSERTs on SQLite."""

    def __init__(
        self, reporter: int | None, total: int, progress: Callable[[int, int], None] | None
    ) -> None:
        self.reporter, self.total, self.progress = reporter, total, progress
        self.now = timezone.now()
        self._stack = contextlib.ExitStack()
        self._copy: Any = None

    def __enter__(self) -> _Writer:
        if connection.vendor == "postgresql":
            from psycopg.copy import QueuedLibpqWriter

            quote = connection.ops.quote_name
            names = ", ".join(quote(c) for c in _COLUMNS)
            table = quote(Incident._meta.db_table)
            # Binary: PostgreSQL takes the numbers and times as they are instead of parsing
            # text (that parsing took more than twice as long as the bare COPY of the file).
            sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT binary)"
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(
                cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor))
            )
            self._copy.write(_BINARY_SIGNATURE)
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> bool | None:
        if self._copy is not None and exc_type is None:
            self._copy.write(_BINARY_TRAILER)
        return self._stack.__exit__(exc_type, *exc)

    def write(self, rows: dict[str, pa.Array], *, done: int) -> None:
        if self._copy is not None:
            if len(rows["category_id"]):
                self._copy.write(_binary_rows(rows, self.reporter, self.now))
        else:
            table = self._table(rows)
            if table.num_rows:
                _insert(table)
        if self.progress is not None:
            self.progress(done, self.total)

    def _table(self, rows: dict[str, pa.Array]) -> pa.Table:
        n = len(rows["category_id"])
        utc = pa.timestamp("us", tz="UTC")
        now = pa.scalar(self.now, type=utc)
        return pa.table(
            {
                **rows,
                "occurred_at": rows["occurred_at"].cast(pa.timestamp("s", tz="UTC")).cast(utc),
                "occurred_until": pa.nulls(n, utc),
                "reported_by_id": pa.repeat(pa.scalar(self.reporter, type=pa.int64()), n),
                "source": pa.repeat(pa.scalar(Source.IMPORT.value), n),
                "status": pa.repeat(pa.scalar(Status.NY.value), n),
                "reviewed_by_id": pa.nulls(n, pa.int64()),
                "reviewed_at": pa.nulls(n, utc),
                "created_at": pa.repeat(now, n),
                "updated_at": pa.repeat(now, n),
            }
        ).select(list(_COLUMNS))


# PostgreSQL's binary COPY format: a signature and two zero words, then per row the number of
# fields and per field its length in bytes (-1 for NULL) and its value in network byte order;
# int8 and float8 as 8 bytes, boolean as 1, timestamptz as int8 microseconds since
# 2000-01-01 UTC, text as its UTF-8 bytes; a word -1 ends the data.
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_BINARY_TRAILER = b"\xff\xff"
_NULL = b"\xff\xff\xff\xff"
_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_PG_EPOCH_SECONDS = int(_PG_EPOCH.timestamp())


def _binary_rows(rows: dict[str, pa.Array], reporter: int | None, now: dt.datetime) -> bytes:
    """The chunk's rows in binary COPY format, in the order of _COLUMNS. Every field becomes
    a column of byte strings (a constant where all rows agree) and one element-wise join puts
    each row's fields side by side; the joined column's data is the rows one after another."""
    n = len(rows["category_id"])
    now_us = (now - _PG_EPOCH) // dt.timedelta(microseconds=1)
    occurred_us = (rows["occurred_at"].to_numpy() - _PG_EPOCH_SECONDS) * 1_000_000
    fields = {
        "category_id": _fixed(rows["category_id"].to_numpy(), ">i8"),
        "occurred_at": _fixed(occurred_us, ">i8"),
        "occurred_until": _NULL,
        "time_unknown": _fixed(rows["time_unknown"].to_numpy(zero_copy_only=False), "u1"),
        "area_id": _fixed(rows["area_id"].to_numpy(), ">i8"),
        "latitude": _nullable(rows["latitude"], ">f8"),
        "longitude": _nullable(rows["longitude"], ">f8"),
        "place": _text(rows["place"]),
        "description": _text(rows["description"]),
        "organisation_id": _nullable(rows["organisation_id"], ">i8"),
        "reported_by_id": _NULL if reporter is None else _constant(reporter, ">i8"),
        "source": _constant_text(Source.IMPORT.value),
        "external_id": _text(rows["external_id"]),
        "status": _constant_text(Status.NY.value),
        "reviewed_by_id": _NULL,
        "reviewed_at": _NULL,
        "created_at": _constant(now_us, ">i8"),
        "updated_at": _constant(now_us, ">i8"),
    }
    parts: list[Any] = [len(_COLUMNS).to_bytes(2, "big")]
    for name in _COLUMNS:
        value = fields[name]
        parts.extend(value if isinstance(value, list) else [value])
    scalars = [pa.scalar(p, type=pa.binary()) if isinstance(p, bytes) else p for p in parts]
    joined = pc.binary_join_element_wise(*scalars, pa.scalar(b"", type=pa.binary()))
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[joined.offset :]
    data = joined.buffers()[2]
    return data[int(offsets[0]) : int(offsets[n])].to_pybytes()


def _fixed(values: np.ndarray, dtype: str) -> pa.Array:
    """Length word and value per row, for numbers of a fixed width."""
    width = np.dtype(dtype).itemsize
    record = np.dtype([("length", ">i4"), ("value", dtype)])
    out = np.empty(len(values), dtype=record)
    out["length"] = width
    out["value"] = values
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4 + width), len(values), [None, pa.py_buffer(out.tobytes())]
    ).cast(pa.binary())


def _nullable(column: pa.Array, dtype: str) -> pa.Array | bytes:
    """As _fixed, with the NULL word where the column is null."""
    if column.null_count == len(column):
        return _NULL
    values = column.fill_null(0).to_numpy() if column.null_count else column.to_numpy()
    fixed = _fixed(values, dtype)
    if not column.null_count:
        return fixed
    return pc.if_else(column.is_valid(), fixed, pa.scalar(_NULL, type=pa.binary()))


def _constant(value: int, dtype: str) -> bytes:
    return np.array(
        [(np.dtype(dtype).itemsize, value)], dtype=[("l", ">i4"), ("v", dtype)]
    ).tobytes()


def _constant_text(value: str) -> bytes:
    encoded = value.encode("utf-8")
    return len(encoded).to_bytes(4, "big") + encoded


def _text(column: pa.Array) -> list[pa.Array]:
    """Length word and UTF-8 bytes per row (the columns hold no nulls)."""
    lengths = pc.binary_length(column).to_numpy(zero_copy_only=False).astype(">i4")
    prefix = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4), len(column), [None, pa.py_buffer(lengths.tobytes())]
    ).cast(pa.binary())
    return [prefix, column.cast(pa.binary())]


def _insert(table: pa.Table) -> None:
    """Plain INSERTs from the columns (SQLite, where there is no COPY)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in table.column_names)
    marks = ", ".join(["%s"] * table.num_columns)
    sql = f"INSERT INTO {quote(Incident._meta.db_table)} ({names}) VALUES ({marks})"
    ops = connection.ops
    values = []
    for name in table.column_names:
        column = table.column(name).to_pylist()
        if pa.types.is_timestamp(table.schema.field(name).type):
            column = [ops.adapt_datetimefield_value(v) for v in column]
        values.append(column)
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*values, strict=True)))
