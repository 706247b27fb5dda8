"""Incident imports: files as Swedish offices write them and the police events feed.

- ``tables``: CSV/XLSX with the template's columns, read, parsed, checked and written column
  by column, a chunk at a time, whatever the file's size;
- ``police``: the police's events feed, recorded through ``actions.record_incidents``;
- ``writer``: PostgreSQL's binary COPY (INSERTs on SQLite) from checked columns;
- ``bulk``: bulk-load mode for maintenance windows (``import-incidents --bulk``);
- ``jobs``: an upload imported by the task worker, with its progress and outcome;
- ``report``: what an import reports.

Every rule a row must satisfy is in ``trygg.incidents.rules``, shared with every other way in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, Organisation
from trygg.incidents.imports.bulk import BulkLoadUnavailable
from trygg.incidents.imports.police import import_police_feed
from trygg.incidents.imports.report import IncidentImportReport
from trygg.incidents.imports.tables import TEMPLATE_COLUMNS, import_table
from trygg.lib.csvio import NotColumnar, TableError, read_columns, read_table, to_columns
from trygg.lib.imports import ImportFailed

__all__ = [
    "FORMATS",
    "TEMPLATE_COLUMNS",
    "ImportFailed",
    "IncidentImportReport",
    "guess_format",
    "import_incidents",
]

FORMATS = ("csv", "xlsx", "polisen")


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
) -> IncidentImportReport:
    """Read a file and record its incidents. Raises ImportFailed or IncidentsRefused.

    A CSV file is read by pyarrow's column reader unless its layout needs the row reader (a
    line break inside quotes, ragged rows) or ``columnar`` is False; both give the same cells,
    and the tests compare the two. ``bulk`` (PostgreSQL only) writes a CSV/XLSX table in
    bulk-load mode (``imports.bulk``): the incident table and the tables it refers to are
    locked for the whole import. The police feed is always imported normally (``report.bulk``
    says which).
    """
    kind = format or guess_format(filename, data)
    if kind not in FORMATS:
        raise ImportFailed(_("Unknown format “%(format)s”.") % {"format": kind})
    if bulk and connection.vendor != "postgresql":
        raise ImportFailed(
            _("Bulk mode (--bulk) needs PostgreSQL. On SQLite, import without --bulk.")
        )
    if kind == "polisen":
        return import_police_feed(
            data,
            organisation=organisation,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            progress=progress,
        )
    name = filename if kind != "xlsx" else "upload.xlsx"
    try:
        if columnar is False:
            table = to_columns(read_table(data, name))
        else:
            try:
                table = read_columns(data, name)
            except NotColumnar:
                table = to_columns(read_table(data, name))
    except TableError as error:
        raise ImportFailed(str(error)) from None
    try:
        return import_table(
            table,
            user=user,
            organisation=organisation,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            progress=progress,
            bulk=bulk,
        )
    except BulkLoadUnavailable as error:
        raise ImportFailed(str(error)) from None


def guess_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")) or data[:2] == b"\x1f\x8b":
        return "polisen"
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    return "csv"
