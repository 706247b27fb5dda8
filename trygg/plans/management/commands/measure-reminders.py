"""``trygg measure-reminders``: e-mail the contacts of measures whose follow-up is due (cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from trygg.plans.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail each responsible contact the measures whose follow-up is due or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=settings.TRYGG_BASE_URL,
            help="Address of the installation for links (default: TRYGG_BASE_URL).",
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
        result, messages = send_reminders(
            today or timezone.localdate(),
            base_url=options["base_url"] or "",
            dry_run=options["dry_run"],
        )
        if options["dry_run"]:
            for message in messages:
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n")
                self.stdout.write(message.body + "\n\n")
        self.stdout.write(
            f"{len(result.sent)} reminders {'prepared' if options['dry_run'] else 'sent'}"
        )
        for title in result.no_address:
            self.stderr.write(f"No contact e-mail for the measure “{title}”")
