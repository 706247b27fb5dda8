"""Writing checked incidents from columns: PostgreSQL's binary COPY, or INSERTs on SQLite.

A file import (``trygg.incidents.imports.tables``) hands each checked chunk here as arrays;
nothing is checked here any more. On PostgreSQL one COPY runs for the whole file, fed through a
queue that a psycopg thread sends, so PostgreSQL takes one chunk while the next is being
checked; no other query may run on the connection meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import timezone

from trygg.incidents.models import Incident, Source, Status

_COLUMNS = (
    "category_id", "occurred_at", "occurred_until", "time_unknown", "area_id", "latitude",
    "longitude", "place", "description", "organisation_id", "reported_by_id", "source",
    "external_id", "status", "reviewed_by_id", "reviewed_at", "created_at", "updated_at",
)  # fmt: skip


class ColumnWriter:
    """Writes checked chunks: one binary COPY on PostgreSQL, fed through a queue that a
    psycopg thread sends (so the next chunk is checked meanwhile); INSERTs on SQLite.

    ``write`` takes a chunk's rows as arrays named by column: ``category_id``, ``area_id``,
    ``organisation_id`` (0 for none), ``occurred_at`` (UTC microseconds, int64),
    ``time_unknown``, ``latitude``, ``longitude`` (NaN for none), and the text columns
    ``place``, ``description`` and ``external_id`` (pyarrow strings)."""

    def __init__(
        self, reporter: int | None, total: int, progress: Callable[[int, int], None] | None
    ) -> None:
        self.reporter, self.total, self.progress = reporter, total, progress
        self.now = timezone.now()
        self._stack = contextlib.ExitStack()
        self._copy: Any = None

    def __enter__(self) -> ColumnWriter:
        if connection.vendor == "postgresql":
            from psycopg.copy import QueuedLibpqWriter

            quote = connection.ops.quote_name
            names = ", ".join(quote(c) for c in _COLUMNS)
            table = quote(Incident._meta.db_table)
            # Binary: PostgreSQL takes the numbers and times as they are instead of parsing
            # text (that parsing took more than twice as long as the bare COPY of the file).
            sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT binary)"
            # The COPY runs on the driver's cursor: its errors become Django's (a lost
            # connection an OperationalError, a duplicate an IntegrityError), as for every
            # other query, so that callers handle one kind.
            self._stack.enter_context(connection.wrap_database_errors)
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(
                cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor))
            )
            self._copy.write(_BINARY_SIGNATURE)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        if self._copy is not None and exc_type is None:
            self._copy.write(_BINARY_TRAILER)
        return self._stack.__exit__(exc_type, exc, traceback)

    def write(self, rows: dict[str, Any], *, done: int) -> None:
        if self._copy is not None:
            if len(rows["category_id"]):
                self._copy.write(_binary_rows(rows, self.reporter, self.now))
        else:
            table = self._table(rows)
            if table.num_rows:
                _insert(table)
        if self.progress is not None:
            self.progress(done, self.total)

    def _table(self, rows: dict[str, Any]) -> pa.Table:
        n = len(rows["category_id"])
        utc = pa.timestamp("us", tz="UTC")
        now = pa.scalar(self.now, type=utc)
        return pa.table(
            {
                **_arrays({name: v for name, v in rows.items() if name != "occurred_until"}),
                "occurred_at": pa.array(rows["occurred_at"], type=pa.int64()).cast(utc),
                "occurred_until": _until(rows["occurred_until"], n),
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
_PG_EPOCH_US = int(_PG_EPOCH.timestamp()) * 1_000_000


def _arrays(rows: dict[str, Any]) -> dict[str, pa.Array]:
    """The chunk's columns as pyarrow arrays: none for 0 ids and NaN coordinates."""
    arrays = {}
    for name, values in rows.items():
        if isinstance(values, pa.Array):
            arrays[name] = values
        elif name in ("organisation_id",):
            arrays[name] = pa.array(values, mask=values == 0)
        elif name in ("latitude", "longitude"):
            arrays[name] = pa.array(values, mask=np.isnan(values))
        else:
            arrays[name] = pa.array(values)
    return arrays


def _binary_rows(rows: dict[str, Any], reporter: int | None, now: dt.datetime) -> bytes:
    """The chunk's rows in binary COPY format, in the order of _COLUMNS. Every field becomes
    a column of byte strings (a constant where all rows agree) and one element-wise join puts
    each row's fields side by side; the joined column's data is the rows one after another."""
    n = len(rows["category_id"])
    until = rows["occurred_until"]
    rows = _arrays({name: v for name, v in rows.items() if name != "occurred_until"})
    now_us = (now - _PG_EPOCH) // dt.timedelta(microseconds=1)
    occurred_us = rows["occurred_at"].to_numpy() - _PG_EPOCH_US
    fields = {
        "category_id": _fixed(rows["category_id"].to_numpy(), ">i8"),
        "occurred_at": _fixed(occurred_us, ">i8"),
        "occurred_until": _nullable(_until(until, n), ">i8", minus=_PG_EPOCH_US),
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


def _until(values: np.ndarray, n: int) -> pa.Array:
    """The window ends (datetime64[us], NaT where none) as a nullable UTC timestamp column."""
    utc = pa.timestamp("us", tz="UTC")
    missing = np.isnat(values)
    if missing.all():
        return pa.nulls(n, utc)
    return pa.array(values.astype(np.int64), type=pa.int64(), mask=missing).cast(utc)


def _nullable(column: pa.Array, dtype: str, *, minus: int = 0) -> pa.Array | bytes:
    """As _fixed, with the NULL word where the column is null (timestamps as integers less
    ``minus``: PostgreSQL counts from 2000)."""
    if column.null_count == len(column):
        return _NULL
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    values = column.fill_null(0).to_numpy() if column.null_count else column.to_numpy()
    values = values - minus if minus else values
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
