"""``trygg compliance-digest``: e-mail coordinators what falls due within 60 days (for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from trygg.compliance.digest import send_digests


class Command(BaseCommand):
    help = "E-mail each coordinator the duties that fall due within 60 days or are overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=settings.TRYGG_BASE_URL,
            help="Address of the installation for links, e.g. https://trygg.example.se "
            "(default: TRYGG_BASE_URL).",
        )
        parser.add_argument("--date", help="Compute as of this day (YYYY-MM-DD) instead of today.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the messages instead of sending them."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from None
        result, messages = send_digests(
            today or timezone.localdate(),
            base_url=options["base_url"] or "",
            dry_run=options["dry_run"],
        )
        if options["dry_run"]:
            for message in messages:
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n")
                self.stdout.write(message.body + "\n\n")
        verb = "would send" if options["dry_run"] else "sent"
        self.stdout.write(f"{verb} {len(result.sent)} digest(s): {', '.join(result.sent) or '-'}")
        if result.nothing_due:
            self.stdout.write(f"nothing due for: {', '.join(result.nothing_due)}")
        if result.no_address:
            self.stderr.write(f"no e-mail address for: {', '.join(result.no_address)}")
