"""``trygg createtoken USERNAME``: print the user's API token, creating it when missing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print a user's API token (Authorization: Token …), creating it when missing."

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
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
