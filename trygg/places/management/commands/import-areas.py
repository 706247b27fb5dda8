"""``trygg import-areas FILE.geojson --kind stadsdel --parent "Hägersten-Älvsjö"``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.places.importers import AreaImportError, find_area, import_areas
from trygg.places.models import AreaKind


class Command(BaseCommand):
    help = "Import area boundaries (GeoJSON in WGS84) as areas under a parent area."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON FeatureCollection or Feature")
        parser.add_argument("--kind", required=True, choices=AreaKind.values)
        parser.add_argument("--parent", help='parent area name, or a path "A > B"')
        parser.add_argument("--name-property", default="name")
        parser.add_argument("--code-property")
        parser.add_argument("--population-property")
        parser.add_argument(
            "--only", help="comma-separated feature names to import; others are skipped"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["only"].split(",") if options["only"] else None
        try:
            parent = find_area(options["parent"]) if options["parent"] else None
            result = import_areas(
                options["file"],
                kind=options["kind"],
                parent=parent,
                name_property=options["name_property"],
                code_property=options["code_property"],
                population_property=options["population_property"],
                only=only,
                dry_run=options["dry_run"],
            )
        except AreaImportError as error:
            if len(error.problems) == 1:
                raise CommandError(error.problems[0]) from None
            details = "\n".join(f"  - {p}" for p in error.problems)
            raise CommandError(
                _("%(n)s problems, nothing imported:") % {"n": len(error.problems)} + "\n" + details
            ) from None
        prefix = _("Dry run, nothing written: ") if options["dry_run"] else ""
        self.stdout.write(
            prefix
            + _("%(created)s areas created, %(updated)s updated, %(skipped)s skipped.")
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "skipped": result.skipped,
            }
        )
        for name in result.repaired:
            self.stdout.write(_("Repaired an invalid boundary: %(name)s") % {"name": name})
