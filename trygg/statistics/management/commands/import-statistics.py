"""``trygg import-statistics FILE [--series NAME] [--dry-run]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.lib.imports import ImportCommand
from trygg.statistics.importers import StatisticsImportReport, import_statistics
from trygg.statistics.models import StatisticSeries


class Command(ImportCommand):
    help = (
        "Import official statistics from a CSV or XLSX file with the columns serie, område, "
        "kategori, period, värde, enhet, källa, anteckning (see docs/statistics-import.md). "
        "All or nothing; importing the same file again updates the values."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--series", help="import every row into this existing series (name or code)"
        )

    def run(self, data: bytes, name: str, options: dict[str, Any]) -> StatisticsImportReport:
        series = None
        if options["series"]:
            series = StatisticSeries.objects.by_name_or_code(options["series"])
            if series is None:
                raise CommandError(
                    _("There is no statistics series “%(name)s”.") % {"name": options["series"]}
                )
        return import_statistics(data, name, series=series, dry_run=options["dry_run"])

    def summarise(self, report: StatisticsImportReport, options: dict[str, Any]) -> None:
        super().summarise(report, options)
        if report.ragged_lines:
            self.stdout.write(
                _("Cells to the right of the last column were ignored on lines: %(lines)s")
                % {"lines": ", ".join(map(str, report.ragged_lines))}
            )
        if report.not_published:
            self.stdout.write(
                _("Rows without a published figure (.. or –), skipped on lines: %(lines)s")
                % {"lines": ", ".join(map(str, report.not_published))}
            )
        if report.series_created:
            self.stdout.write(
                _("New series: %(names)s") % {"names": ", ".join(report.series_created)}
            )
        self.done(
            report,
            _("New values: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
