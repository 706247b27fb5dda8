"""``trygg sync-polisen``: fetch the police's live events feed and import its new events.

Meant for cron (every 5–15 minutes). It keeps the API's rules across runs and reports a
possible gap when the feed (its latest 500 events) no longer reaches back to the previous
run's newest event. A failure prints one line and exits non-zero, having imported nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.incidents.imports.police_sync import SyncFailed, sync_police_feed
from trygg.lib.imports import MAX_LISTED


class Command(BaseCommand):
    help = (
        "Fetch the police's open events feed (TRYGG_POLISEN_URL) and import the events not "
        "imported yet, within the API's limits. For cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = sync_police_feed()
        except SyncFailed as error:
            raise CommandError(str(error)) from None
        sync, report = outcome.sync, outcome.report
        for problem in report.problems[:MAX_LISTED]:
            self.stderr.write(f"  {problem}")
        if report.areas_created:
            self.stdout.write(
                _("Created %(n)s areas for municipalities and counties: %(names)s")
                % {"n": len(report.areas_created), "names": ", ".join(report.areas_created[:10])}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Police events: %(fetched)s fetched, %(new)s new, %(known)s already "
                    "imported, %(skipped)s skipped (summaries or types mapped to no category), "
                    "%(refused)s refused."
                )
                % {
                    "fetched": sync.fetched,
                    "new": sync.new,
                    "known": sync.known,
                    "skipped": sync.skipped,
                    "refused": sync.refused,
                }
            )
        )
        if outcome.gap_message:
            self.stdout.write(self.style.WARNING(outcome.gap_message))
        else:
            self.stdout.write(_("No gap found."))
