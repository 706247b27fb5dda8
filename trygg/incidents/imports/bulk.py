"""Bulk-load mode for very large imports into PostgreSQL (``import-incidents --bulk``).

Maintaining the incident table's secondary indexes row by row and checking its deferred
foreign keys row by row at commit costs PostgreSQL far more than taking the rows themselves
(see docs/benchmarks.md). In bulk mode the import instead, inside its one transaction:

1. takes an ACCESS EXCLUSIVE lock on the incident table (nobody reads or writes it until the
   import ends), with a lock timeout so that a long-running reader makes the import fail at
   once rather than queue every other request behind it;
2. reads the table's secondary indexes and foreign keys from the catalogue (``pg_index``,
   ``pg_constraint``), so that it follows the migrations, and drops them; dropping a foreign
   key also takes an ACCESS EXCLUSIVE lock on the table it refers to (users, areas,
   categories, organisations), so the whole site waits for the import;
3. lets the caller COPY the rows;
4. re-creates every index from its stored definition (with more ``maintenance_work_mem``)
   and re-adds every foreign key ``NOT VALID`` followed by ``VALIDATE CONSTRAINT``: one
   set-wise check per key instead of one lookup per row.

DDL is transactional in PostgreSQL: any error (a bad row, a duplicate external id found by
the unique index being rebuilt, a dangling reference found by the validation, a lock
timeout) rolls back the rows and the dropped indexes and keys together, leaving the table
exactly as it was. The primary key is dropped and re-added too (first, before the indexes),
with the foreign keys of other tables that refer to it (small tables: merged duplicates kept
apart) dropped before it and re-added and validated after it; other indexes that back a
constraint (UNIQUE, EXCLUDE) are kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections
from django.db.utils import OperationalError
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)  # each step's seconds at DEBUG (bench/import_incidents.py)

# How long the import waits for each lock before it gives up (a reader still running).
LOCK_TIMEOUT = "30s"
# Memory per index build; the sort of 1,000,000 keys fits, so no build spills to disk.
MAINTENANCE_WORK_MEM = "256MB"


class BulkLoadUnavailable(Exception):
    """Bulk mode cannot run here (not PostgreSQL, or the table is in use); says why."""


@dataclass(frozen=True)
class TableShape:
    """What bulk mode drops and re-creates: index definitions and foreign keys by name."""

    indexes: tuple[tuple[str, str], ...]  # (qualified name, CREATE INDEX statement)
    foreign_keys: tuple[tuple[str, str], ...]  # (constraint name, definition)
    referenced: tuple[str, ...]  # the tables the foreign keys refer to or come from, qualified
    # (constraint name, definition) of the primary key
    primary_key: tuple[str, str] | None = None
    # (qualified table, constraint name, definition) of other tables' keys referring to it
    referring: tuple[tuple[str, str, str], ...] = ()


def table_shape(table: str, *, using: str = "default") -> TableShape:
    """The table's secondary indexes (those not backing a constraint) and foreign keys.
    Unique indexes come first: re-created first, a duplicate fails the import before the
    other indexes are built."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT format('%%I.%%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE i.indrelid = %s::regclass AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint k"
            "   WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid"
            "   AND k.contype IN ('p', 'u', 'x'))"
            " ORDER BY i.indisunique DESC, c.relname",
            [table],
        )
        indexes = tuple(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        foreign_keys = tuple(cursor.fetchall())
        cursor.execute(
            "SELECT format('%%I.%%I', n.nspname, c.relname), k.conname,"
            " pg_get_constraintdef(k.oid) FROM pg_constraint k"
            " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE k.confrelid = %s::regclass AND k.contype = 'f' AND k.conrelid <> k.confrelid"
            " ORDER BY 1, 2",
            [table],
        )
        referring = tuple(cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT format('%%I.%%I', n.nspname, c.relname) FROM pg_constraint k"
            " JOIN pg_class c ON c.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE k.conrelid = %s::regclass AND k.contype = 'f' AND k.confrelid <> k.conrelid"
            " ORDER BY 1",
            [table],
        )
        referenced = tuple(
            sorted({row[0] for row in cursor.fetchall()} | {row[0] for row in referring})
        )
        # Maintaining the primary key's index row by row costs the COPY about 0.5 s per
        # 1,000,000 rows, rebuilding it half that.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )
        primary_key = cursor.fetchone()
    return TableShape(
        indexes,
        foreign_keys,
        referenced,
        tuple(primary_key) if primary_key else None,
        referring,
    )


def lock_for_bulk_load(table: str, *, using: str = "default") -> TableShape:
    """Take the table, and the tables its foreign keys refer to, for this transaction alone
    (dropping a foreign key needs that lock on both sides; taking them all at once, in a
    fixed order, cannot deadlock halfway). BulkLoadUnavailable if one stays in use."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BulkLoadUnavailable(_("Bulk mode needs PostgreSQL."))
    if not connection.in_atomic_block:
        raise RuntimeError("bulk mode runs inside the import's transaction")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            cursor.execute(f"LOCK TABLE {quote(table)} IN ACCESS EXCLUSIVE MODE")
            shape = table_shape(table, using=using)
            if shape.referenced:
                cursor.execute(f"LOCK TABLE {', '.join(shape.referenced)} IN ACCESS EXCLUSIVE MODE")
        except OperationalError as error:
            raise BulkLoadUnavailable(
                _(
                    "A table the bulk import needs is in use (waited %(timeout)s for it): "
                    "%(error)s. Run the bulk import when nobody uses Trygg."
                )
                % {"timeout": LOCK_TIMEOUT, "error": str(error).strip()}
            ) from error
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    return shape


@contextmanager
def without_indexes_and_foreign_keys(
    table: str, shape: TableShape, *, using: str = "default"
) -> Iterator[TableShape]:
    """Drop the table's secondary indexes and foreign keys; re-create them when the block
    ends without an error. Call with the shape ``lock_for_bulk_load`` returned, in the same
    transaction; an error in the block (or in re-creating) must roll the transaction back,
    which restores everything."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for other, name, _definition in shape.referring:
            cursor.execute(f"ALTER TABLE {other} DROP CONSTRAINT {quote(name)}")
        for name, _definition in shape.foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for qualified, _definition in shape.indexes:
            cursor.execute(f"DROP INDEX {qualified}")
        if shape.primary_key is not None:
            cursor.execute(
                f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(shape.primary_key[0])}"
            )
    yield shape
    with connection.cursor() as cursor:

        def run(sql: str) -> None:
            started = time.perf_counter()
            cursor.execute(sql)
            log.debug("%6.2f s  %s", time.perf_counter() - started, sql)

        if shape.primary_key is not None:
            name, definition = shape.primary_key
            run(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _qualified, definition in shape.indexes:
            run(definition)
        keys = [(quote(table), name, definition) for name, definition in shape.foreign_keys]
        for owner, name, definition in [*keys, *shape.referring]:
            add = f"ALTER TABLE {owner} ADD CONSTRAINT {quote(name)} {definition}"
            if definition.endswith("NOT VALID"):
                run(add)  # not validated before either: put it back as it was
                continue
            run(f"{add} NOT VALID")
            run(f"ALTER TABLE {owner} VALIDATE CONSTRAINT {quote(name)}")
