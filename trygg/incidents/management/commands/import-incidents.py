"""``trygg import-incidents FILE [--format csv|xlsx|polisen] [--organisation ORG] [--dry-run]
[--skip-invalid] [--bulk]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation
from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.importers import FORMATS, ImportFailed, import_incidents

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Import incidents from a CSV or XLSX file (the template's columns) or from the police "
        "events feed (JSON lines, optionally gzipped). All or nothing unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument("--organisation", help="reporting organisation (name or short name)")
        parser.add_argument("--skip-invalid", action="store_true", help="import the good rows")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=(
                "bulk-load mode for maintenance windows (PostgreSQL only): drops the incident "
                "table's indexes and foreign keys during the load and re-creates them, all in "
                "one transaction. LOCKS EVERY READER AND WRITER OUT of the incident table and "
                "the tables it refers to (users, areas, categories, organisations) until the "
                "import ends, so Trygg stands still meanwhile. Pays off for loads that are "
                "large next to the table."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(err)s") % {"path": path, "err": error.strerror}
            ) from None
        organisation = None
        if options["organisation"]:
            name = options["organisation"]
            organisation = (
                Organisation.objects.filter(name__iexact=name).first()
                or Organisation.objects.filter(short_name__iexact=name).first()
            )
            if organisation is None:
                raise CommandError(_("There is no organisation “%(name)s”.") % {"name": name})
        try:
            report = import_incidents(
                data,
                path.name,
                format=options["format"],
                organisation=organisation,
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                progress=self._progress,
                bulk=options["bulk"],
            )
        except ImportFailed as error:
            raise CommandError(str(error)) from None
        except IncidentsRefused as refused:
            self._list_problems(refused.problems)
            raise CommandError(
                _("%(n)s problems; nothing was imported (use --skip-invalid to import the rest).")
                % {"n": len(refused.problems)}
            ) from None
        self._finish_progress()
        if report.problems:
            self._list_problems(report.problems)
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(cols)s") % {"cols": ", ".join(report.ignored_columns)}
            )
        if report.areas_created:
            names = ", ".join(report.areas_created[:10])
            more = len(report.areas_created) - 10
            self.stdout.write(
                _("Created %(n)s areas for municipalities and counties: %(names)s")
                % {"n": len(report.areas_created), "names": names}
                + (_(" and %(n)s more") % {"n": more} if more > 0 else "")
            )
        if report.skipped_types:
            skipped = sum(report.skipped_types.values())
            common = ", ".join(f"{t} ({n})" for t, n in report.skipped_types.most_common(8))
            self.stdout.write(
                _("%(n)s events skipped (summaries or types mapped to no category): %(types)s")
                % {"n": skipped, "types": common}
            )
        if options["bulk"] and report.written and not report.bulk:
            self.stdout.write(
                _("Bulk mode was not used: this file can only be imported row by row.")
            )
        prefix = _("Dry run, nothing written: ") if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _(
                    "%(created)s incidents imported, %(existing)s already imported, "
                    "%(refused)s refused."
                )
                % {
                    "created": report.created,
                    "existing": report.already_recorded,
                    "refused": report.result.refused if report.result else 0,
                }
            )
        )

    def _list_problems(self, problems: list[Any]) -> None:
        for problem in problems[:MAX_LISTED]:
            self.stderr.write(f"  {problem}")
        if len(problems) > MAX_LISTED:
            self.stderr.write(_("  … and %(n)s more") % {"n": len(problems) - MAX_LISTED})

    def _progress(self, done: int, total: int) -> None:
        if not sys.stdout.isatty() and total < 10000:
            return
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stdout.flush()
        self._progress_shown = True

    def _finish_progress(self) -> None:
        if getattr(self, "_progress_shown", False):
            self.stdout.write("")
