"""``trygg import-comparison-groups FILE.csv [--dry-run]``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from trygg.lib.imports import ImportCommand
from trygg.places.groups import GroupImportReport, import_groups


class Command(ImportCommand):
    help = (
        "Import comparison groups (e.g. SKR's municipality groups) from a CSV or XLSX file with "
        "the columns grupp and kod (optionally källa): each group gets exactly the areas the "
        "file lists; codes without an area are listed. All or nothing."
    )

    def run(self, data: bytes, name: str, options: dict[str, Any]) -> GroupImportReport:
        return import_groups(data, name, dry_run=options["dry_run"])

    def summarise(self, report: GroupImportReport, options: dict[str, Any]) -> None:
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(cols)s") % {"cols": ", ".join(report.ignored_columns)}
            )
        if report.unmatched:
            self.stdout.write(
                _("Codes without an area (skipped): %(codes)s")
                % {"codes": ", ".join(f"{code} (line {line})" for line, code in report.unmatched)}
            )
        prefix = _("Dry run, nothing written: ") if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _("New groups: %(created)s, updated: %(updated)s; %(members)s members.")
                % {
                    "created": len(report.groups_created),
                    "updated": len(report.groups_updated),
                    "members": report.members,
                }
            )
        )
