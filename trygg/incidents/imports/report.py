"""What an incident import reports, and its problems named by the file's columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from trygg.incidents.actions import RecordResult
from trygg.lib.imports import ImportReport, Problem

# The template column a problem with a model field concerns.
FIELD_TO_COLUMN = {
    "category": "kategori",
    "occurred_at": "tidpunkt",
    "occurred_until": "slut",
    "area": "område",
    "latitude": "latitud",
    "longitude": "longitud",
    "place": "plats",
    "description": "beskrivning",
    "organisation": "organisation",
    "external_id": "extern_id",
}


@dataclass
class IncidentImportReport(ImportReport):
    result: RecordResult | None = None
    problems: list[Problem] = field(default_factory=list)
    skipped_types: Counter[str] = field(default_factory=Counter)
    areas_created: list[str] = field(default_factory=list)
    bulk: bool = False  # written in bulk-load mode (trygg.incidents.imports.bulk)

    @property
    def created(self) -> int:
        return self.result.created_count if self.result else 0

    @property
    def already_recorded(self) -> int:
        return self.result.already_recorded if self.result else 0

    @property
    def refused(self) -> int:
        return self.result.refused if self.result else 0

    @property
    def written(self) -> bool:
        return bool(self.result and self.result.written)


def as_columns(problems: list[Problem]) -> list[Problem]:
    """Problems named by the file's column names rather than the model's field names."""
    return [Problem(p.line, FIELD_TO_COLUMN.get(p.field, p.field), p.message) for p in problems]
