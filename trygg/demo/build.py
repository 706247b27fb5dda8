"""Build the demo database: wipe it, run every builder, mark it as a demo."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from trygg.accounts.models import User
from trygg.demo.builders import BUILDERS, DEMO_PASSWORD, DEMO_SEED, DemoContext
from trygg.demo.builders.organisations import USERS
from trygg.demo.models import DemoBuild
from trygg.places.models import Area


class NotADemoDatabase(Exception):
    """The database holds data that was not built by the demo command."""


def migration_state(using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """(applied, unapplied) migrations of the database: (0, n) for a new, empty database."""
    executor = MigrationExecutor(connections[using])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return len(executor.loader.applied_migrations), len(unapplied)


def is_demo_database() -> bool:
    return DemoBuild.objects.exists()


def is_empty_database() -> bool:
    return not (Area.objects.exists() or User.objects.exists())


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, role label) for each demo user."""
    from trygg.accounts.models import Role

    return [(username, DEMO_PASSWORD, str(Role(role).label)) for username, role, *_ in USERS]


def build_demo(log: Callable[[str], None], *, force: bool = False) -> DemoContext:
    """Wipe the database and build the demo; refuses a non-demo database unless forced."""
    if not (force or is_demo_database() or is_empty_database()):
        raise NotADemoDatabase
    demo = DemoContext(rng=random.Random(DEMO_SEED), log=log)
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        for build in BUILDERS:
            build(demo)
        DemoBuild.objects.create(seed=DEMO_SEED)
    return demo
