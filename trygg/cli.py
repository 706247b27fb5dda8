"""The ``trygg`` console script: Django's management commands with friendly failures.

``trygg migrate``, ``trygg runserver``, ``trygg demo``, ``trygg import-areas …`` all go through
here. Configuration errors and an unreachable database end with one line on stderr and exit
status 2 instead of a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")

    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from trygg.lib.env import ConfigError, redact_url

    argv[0] = "trygg"
    try:
        execute_from_command_line(argv)
    except ConfigError as error:
        sys.stderr.write(f"trygg: configuration error: {error}\n")
        raise SystemExit(2) from None
    except OperationalError as error:
        url = redact_url(os.environ.get("DATABASE_URL", "(default SQLite file)"))
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        sys.stderr.write(f"trygg: cannot use the database {url}: {first_line}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
