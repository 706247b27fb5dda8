"""The EST week on Översikt: this week against the previous eight, cached per scope and data
version so that every user's first page costs one query when nothing has changed."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from trygg.accounts.models import AnyUser
from trygg.accounts.scope import Scope, scope_for
from trygg.analysis import tables
from trygg.analysis.cache import shared_figure
from trygg.analysis.changes import default_week, weekly_view
from trygg.analysis.selection import build_selection, can_analyse, default_area_ids
from trygg.incidents.models import Category, Incident
from trygg.lib.periods import local_date
from trygg.places.models import Area

# How long Översikt's week block may be served from the cache. Its key holds versions of the
# data (see ``data_version``); this bounds what they cannot see (SQL run by hand) and the
# cache's memory.
OVERVIEW_WEEK_SECONDS = 60


def overview_week(user: AnyUser) -> dict[str, Any] | None:
    """This week against the previous eight, per neighbourhood and category, for Översikt.

    Cached per user scope (the areas the user sees), language, day and data version: the
    block costs a selection, the data's date range, a grouped count over nine weeks of raw
    incidents and Poisson tests, and every user opens Översikt first. A hit costs one query.
    """
    if not can_analyse(user):
        return None
    scope = scope_for(user)
    parts = (
        scope.everything,
        tuple(sorted(scope.root_ids())),
        local_date(timezone.now()).isoformat(),
    )
    # One computation at a time per scope, renewed after writes (trygg.analysis.cache).
    found = shared_figure(
        "overview-week", parts, data_version(), lambda: _overview_week(user, scope) or {}
    )
    return found or None


def _overview_week(user: AnyUser, scope: Scope) -> dict[str, Any] | None:
    areas: list[int] = []
    for root in sorted(default_area_ids(scope)):
        children = scope.tree.children.get(root, [])
        areas.extend(sorted(children) or [root])
    selection = build_selection(user, area_ids=areas[:60])
    week = default_week(selection)
    if week is None:
        return None
    result = weekly_view(selection, week)
    if result is None:
        return None
    return {
        "week": result.week,
        "total": result.total,
        "previous_total": sum(sum(r.previous) for r in result.rows) / len(result.previous),
        "standing_out": result.standing_out[:10],
        "table": tables.weekly_table(result, only_standing_out=True),
    }


def data_version() -> tuple:
    """A version of what analyses read that changes with every write Trygg makes, from index
    lookups only: the newest incident id (every insert, the history-less bulk imports
    included), the newest incident, area and category history ids (every correction, review,
    delete and taxonomy or boundary change writes one) and the number of areas and
    categories. Any write renews every cached block, which is cheap next to reading
    Översikt; an aggregate over the weeks' incidents cost ~25 ms over a million."""
    quote = connection.ops.quote_name
    newest = [
        (Incident._meta.db_table, "id"),
        (Incident.history.model._meta.db_table, "history_id"),
        (Area.history.model._meta.db_table, "history_id"),
        (Category.history.model._meta.db_table, "history_id"),
    ]
    counted = [Area._meta.db_table, Category._meta.db_table]
    selects = [f"(SELECT MAX({quote(c)}) FROM {quote(t)})" for t, c in newest] + [
        f"(SELECT COUNT(*) FROM {quote(t)})" for t in counted
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}")
        return tuple(cursor.fetchone())
