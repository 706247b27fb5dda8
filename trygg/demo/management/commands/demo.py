"""``trygg demo``: build (or rebuild) the Hägersten-Älvsjö demo database.

A new database (no migration applied yet) is migrated first, so ``trygg demo`` works on a fresh
SQLite file. A database that is migrated only in part is an existing one behind this version
of Trygg: bringing it up to date is the operator's step (``trygg migrate``), so the command
stops with one line saying so and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.demo.build import (
    NotADemoDatabase,
    build_demo,
    demo_logins,
    is_demo_database,
    is_empty_database,
    migration_state,
)


class Command(BaseCommand):
    help = "Build (or rebuild) the Hägersten-Älvsjö demo database. Wipes the database first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="build only when the database is empty; otherwise leave it as it is",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="wipe even a database that was not built by the demo command",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        applied, unapplied = migration_state()
        if unapplied and applied:
            raise CommandError(
                _("The database is behind this version of Trygg; run “trygg migrate” first.")
            )
        if unapplied:
            self.stdout.write(_("The database is new; creating its tables first …"))
            call_command("migrate", interactive=False, verbosity=0)
        if options["if_empty"] and not is_empty_database():
            if is_demo_database():
                self.stdout.write(_("The demo database is already built."))
                self._print_logins()
            else:
                self.stdout.write(_("The database already holds data; no demo was built."))
            return
        self.stdout.write(_("Building the Hägersten-Älvsjö demo …"))
        try:
            build_demo(lambda line: self.stdout.write(f"  {line}"), force=options["force"])
        except NotADemoDatabase:
            raise CommandError(
                _(
                    "This database holds data that the demo did not build; nothing was changed. "
                    "Use --force to wipe it anyway."
                )
            ) from None
        self.stdout.write(self.style.SUCCESS(_("Demo built.")))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": "trygg-demo"})
        for username, _password, role in demo_logins():
            self.stdout.write(f"  {username:<12} {role}")
