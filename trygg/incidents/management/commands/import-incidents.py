"""``trygg import-incidents FILE [--format csv|xlsx|polisen] [--organisation ORG] [--dry-run]
[--skip-invalid] [--bulk]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation
from trygg.incidents.imports import FORMATS, IncidentImportReport, import_incidents
from trygg.lib.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "Import incidents from a CSV or XLSX file (the template's columns) or from the police "
        "events feed (JSON lines, optionally gzipped). All or nothing unless --skip-invalid."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument("--organisation", help="reporting organisation (name or short name)")
        parser.add_argument("--skip-invalid", action="store_true", help="import the good rows")
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

    def run(self, data: bytes, name: str, options: dict[str, Any]) -> IncidentImportReport:
        organisation = None
        if options["organisation"]:
            given = options["organisation"]
            organisation = (
                Organisation.objects.filter(name__iexact=given).first()
                or Organisation.objects.filter(short_name__iexact=given).first()
            )
            if organisation is None:
                raise CommandError(_("There is no organisation “%(name)s”.") % {"name": given})
        return import_incidents(
            data,
            name,
            format=options["format"],
            organisation=organisation,
            skip_invalid=options["skip_invalid"],
            dry_run=options["dry_run"],
            progress=self.progress,
            bulk=options["bulk"],
        )

    def refused_message(self, count: int, options: dict[str, Any]) -> str:
        return _(
            "%(n)s problems; nothing was imported (use --skip-invalid to import the rest)."
        ) % {"n": count}

    def summarise(self, report: IncidentImportReport, options: dict[str, Any]) -> None:
        if report.problems:
            self.list_problems(report.problems)
        super().summarise(report, options)
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
        self.done(
            report,
            _("%(created)s incidents imported, %(existing)s already imported, %(refused)s refused.")
            % {
                "created": report.created,
                "existing": report.already_recorded,
                "refused": report.refused,
            },
        )
