"""``trygg import-population FILE.json [--source TEXT] [--dry-run]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from trygg.lib.imports import ImportCommand
from trygg.places.population import PopulationImportReport, import_population


class Command(ImportCommand):
    help = (
        "Import population per region and year from SCB's statistical database saved as "
        "JSON-stat 2 (e.g. table BE0101N1). Region codes are matched to the areas' codes "
        "(kommun 0180, län 01, riket 00, DeSO, RegSO); codes without an area are listed. All "
        "or nothing; importing again updates."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--source", default="", help="the source to record (default: SCB)")

    def run(self, data: bytes, name: str, options: dict[str, Any]) -> PopulationImportReport:
        return import_population(data, source=options["source"], dry_run=options["dry_run"])

    def summarise(self, report: PopulationImportReport, options: dict[str, Any]) -> None:
        if report.unmatched:
            self.stdout.write(
                _("Region codes without an area (not imported): %(codes)s")
                % {"codes": ", ".join(f"{code} {label}" for code, label in report.unmatched)}
            )
        prefix = _("Dry run, nothing written: ") if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _(
                    "New population figures: %(created)s, updated: %(updated)s, "
                    "unchanged: %(unchanged)s."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
