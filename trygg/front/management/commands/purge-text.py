"""``trygg purge-text``: blank free text older than the retention settings (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.front.retention import purge_text


class Command(BaseCommand):
    help = (
        "Replace incident, follow-up and comment text older than TRYGG_*_TEXT_RETENTION_DAYS "
        "with a marker, in the rows and their history; counts, categories and places stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print how many rows would be purged, per kind."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        for result in purge_text(dry_run=dry_run):
            if result.days <= 0:
                self.stdout.write(f"{result.kind}: kept (no retention set)")
                continue
            verb = "would purge" if dry_run else "purged"
            self.stdout.write(
                f"{result.kind}: {verb} {result.rows} rows and {result.history_rows} history rows "
                f"older than {result.days} days"
            )
