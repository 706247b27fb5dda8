"""``trygg two-factor-off USERNAME``: turn a user's two-step verification off (a lost phone)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.accounts.two_factor import turn_off


class Command(BaseCommand):
    help = (
        "Turn off a user's two-step verification (e.g. after a lost phone): the password alone "
        "signs them in until they set it up again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(options["username"])
        except User.DoesNotExist:
            raise CommandError(
                _("There is no user “%(username)s”.") % {"username": options["username"]}
            ) from None
        if turn_off(None, user):
            self.stdout.write(
                _("Two-step verification is off for %(username)s.") % {"username": user.username}
            )
        else:
            self.stdout.write(
                _("%(username)s has no two-step verification.") % {"username": user.username}
            )
