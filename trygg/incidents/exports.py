"""Incident selections as files Swedish Excel opens: CSV (semicolons, UTF-8 with BOM) and XLSX.

The first columns are the import template's, so an export can be corrected and imported again;
reference, source, status and reviewer follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from trygg.incidents.imports.tables import TEMPLATE_COLUMNS
from trygg.incidents.models import Incident
from trygg.lib.csvio import write_csv, write_xlsx

EXPORT_COLUMNS = [
    *TEMPLATE_COLUMNS,
    "referens",
    "kategorinamn",
    "endast_datum",
    "källa",
    "status",
    "granskad_av",
    "registrerad",
]


def _rows(incidents: Iterable[Incident]) -> Iterator[list[Any]]:
    for i in incidents:
        occurred = timezone.localtime(i.occurred_at)
        yield [
            i.category.code,
            occurred.date() if i.time_unknown else occurred,
            i.area.name,
            i.latitude,
            i.longitude,
            i.place,
            i.description,
            i.organisation.name if i.organisation else "",
            i.external_id,
            timezone.localtime(i.occurred_until) if i.occurred_until else None,
            i.reference,
            i.category.name,
            "ja" if i.time_unknown else "nej",
            i.get_source_display(),
            i.get_status_display(),
            str(i.reviewed_by) if i.reviewed_by_id else "",
            timezone.localtime(i.created_at),
        ]


def incidents_csv(incidents: QuerySet[Incident]) -> bytes:
    return write_csv(EXPORT_COLUMNS, _rows(incidents.iterator(chunk_size=2000)))


def incidents_xlsx(incidents: QuerySet[Incident]) -> bytes:
    rows = _rows(incidents.iterator(chunk_size=2000))
    return write_xlsx(EXPORT_COLUMNS, rows, sheet_title="Händelser")


EXAMPLE_ROW = [
    "klotter",
    dt.datetime(2023, 9, 14, 21, 30),
    "Liljeholmen",
    59.3098,
    18.0227,
    "Liljeholmstorget, vid entrén",
    "Nytt klotter på fasaden",
    "",
    "",
    "",
]


def template_csv() -> bytes:
    return write_csv(TEMPLATE_COLUMNS, [EXAMPLE_ROW])


def template_xlsx() -> bytes:
    return write_xlsx(TEMPLATE_COLUMNS, [EXAMPLE_ROW], sheet_title="Händelser")
