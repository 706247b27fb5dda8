"""``trygg rebuild-rollup``: recount the monthly incident rollups from the raw rows.

Every write keeps the rollup up to date; this is for after changes made around Trygg's
actions (SQL by hand, a restored backup) and is safe to run at any time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from trygg.incidents.models import IncidentRollup
from trygg.incidents.rollup import rebuild_rollup


class Command(BaseCommand):
    help = (
        "Recount the monthly incident rollups (month × area × category × organisation × source "
        "× status, and the narrow counted month × area × category) from the incidents."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rebuild_rollup()
        self.stdout.write(
            self.style.SUCCESS(
                _("The rollup was rebuilt: %(n)s rows.") % {"n": IncidentRollup.objects.count()}
            )
        )
