"""``trygg import-statistics FILE [--series NAME] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.statistics.importers import ImportFailed, StatisticsRefused, import_statistics
from trygg.statistics.models import StatisticSeries

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Import official statistics from a CSV or XLSX file with the columns serie, område, "
        "kategori, period, värde, enhet, källa, anteckning (see docs/statistics-import.md). "
        "All or nothing; importing the same file again updates the values."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--series", help="import every row into this existing series (name or code)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(err)s") % {"path": path, "err": error.strerror}
            ) from None
        series = None
        if options["series"]:
            series = StatisticSeries.objects.by_name_or_code(options["series"])
            if series is None:
                raise CommandError(
                    _("There is no statistics series “%(name)s”.") % {"name": options["series"]}
                )
        try:
            report = import_statistics(data, path.name, series=series, dry_run=options["dry_run"])
        except ImportFailed as error:
            raise CommandError(str(error)) from None
        except StatisticsRefused as refused:
            for problem in refused.problems[:MAX_LISTED]:
                self.stderr.write(f"  {problem}")
            if len(refused.problems) > MAX_LISTED:
                self.stderr.write(
                    _("  … and %(n)s more") % {"n": len(refused.problems) - MAX_LISTED}
                )
            raise CommandError(
                _("%(n)s problems; nothing was imported.") % {"n": len(refused.problems)}
            ) from None
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(cols)s") % {"cols": ", ".join(report.ignored_columns)}
            )
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
        prefix = _("Dry run, nothing written: ") if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _("New values: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s.")
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
