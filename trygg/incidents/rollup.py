"""The monthly incident rollups, kept equal to a count of the raw incident rows.

``IncidentRollup`` counts per Stockholm month × area × category × organisation × source ×
status; ``CountedRollup``, the narrow one, counts the incidents analyses count (all but the
rejected) per month × area × category, twelve months to a row. Both are refreshed together,
the narrow one from the wide one's fresh rows.

Analyses count from ``IncidentRollup`` where the question is about whole months, so every
write to incidents calls ``incidents_written`` with the months it touched: ``record_incidents``
(form, API, Open311, the police feed), file imports, ``update_incident``, ``review_incidents``;
deletes count themselves out (``_count_out_deleted``). A refresh recomputes those months
from the raw rows (delete, then one grouped INSERT … SELECT) and then the same months' columns
of the narrow rollup from the wide one, inside the caller's transaction, so the rollups commit
or roll back with the incidents themselves.

Months are Europe/Stockholm calendar months whatever ``settings.TIME_ZONE`` says: the month of
an incident at 2023-03-31 23:30 UTC is April. The month boundaries are computed here with
zoneinfo and given to the database as UTC instants, so SQLite and PostgreSQL group alike
across daylight-saving changes and year ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import post_delete
from django.dispatch import receiver

from trygg.incidents.models import (
    COUNTED_STATUSES,
    MONTH_COLUMNS,
    CountedRollup,
    Incident,
    IncidentRollup,
)
from trygg.lib.periods import month_of, month_start, months_between, next_month

GROUPED_COLUMNS = ("area_id", "category_id", "organisation_id", "source", "status")
# Months per INSERT … SELECT: one scan of the incident table covers a run of this many months.
_MONTHS_PER_STATEMENT = 120
# First key of PostgreSQL's two-key advisory locks taken per month ("TRYG" in ASCII).
_LOCK_NAMESPACE = 0x54525947
# First key of the per-year locks around the narrow rollup's rows ("TRYY").
_YEAR_LOCK_NAMESPACE = 0x54525959


# --- refreshing --------------------------------------------------------------------------------


def incidents_written(months: Iterable[dt.date], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """The one hook every write to incidents calls, inside its transaction, with the Stockholm
    months whose incidents it added, changed or removed (``month_of`` of each time, before and
    after a change): both rollups are recounted there, so they commit with the rows."""
    refresh_rollup(months, using=using)


def refresh_rollup(months: Iterable[dt.date], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recompute exactly these months (first days of Stockholm months) from the raw rows."""
    _refresh(
        sorted({m.replace(day=1) for m in months}), Incident, IncidentRollup, using, CountedRollup
    )


def rebuild_rollup(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recompute both rollups wholly from the raw rows."""
    _rebuild(Incident, IncidentRollup, using, CountedRollup)


def _rebuild(incident_model: Any, rollup_model: Any, using: str, counted_model: Any = None) -> None:
    """Shared with the data migrations, which pass their historical models."""
    with transaction.atomic(using=using):
        span = incident_model.objects.using(using).values_list("occurred_at", flat=True)
        first = span.order_by("occurred_at").first()
        last = span.order_by("-occurred_at").first()
        stale = set(rollup_model.objects.using(using).values_list("month", flat=True).distinct())
        months = set(months_between(month_of(first), month_of(last))) if first else set()
        _refresh(sorted(months | stale), incident_model, rollup_model, using)
        if counted_model is not None:
            rebuild_counted(rollup_model, counted_model, using)


def _refresh(
    months: list[dt.date],
    incident_model: Any,
    rollup_model: Any,
    using: str,
    counted_model: Any = None,
) -> None:
    if not months:
        return
    connection = connections[using]
    with transaction.atomic(using=using):
        _lock_months(connection, months)
        rollup_model.objects.using(using).filter(month__in=months).delete()
        for run in _contiguous_runs(months):
            for start in range(0, len(run), _MONTHS_PER_STATEMENT):
                chunk = run[start : start + _MONTHS_PER_STATEMENT]
                _insert_counts(connection, chunk, incident_model, rollup_model)
        if counted_model is not None:
            _refresh_counted(connection, months, rollup_model, counted_model)


def _contiguous_runs(months: list[dt.date]) -> list[list[dt.date]]:
    runs: list[list[dt.date]] = []
    for month in months:
        if runs and next_month(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def _insert_counts(
    connection: Any, run: list[dt.date], incident_model: Any, rollup_model: Any
) -> None:
    """One INSERT … SELECT that counts a run of consecutive months in a single scan.

    A CASE over the UTC instants of the month boundaries names each row's month; the
    boundaries come from zoneinfo, so no database time-zone support is involved.
    """
    ops = connection.ops
    quote = ops.quote_name
    occurred = quote(incident_model._meta.get_field("occurred_at").column)
    bounds = [month_start(m) for m in [*run, next_month(run[-1])]]
    cases = " ".join(f"WHEN {occurred} < %s THEN %s" for _ in run)
    case_params: list[object] = []
    for month, end in zip(run, bounds[1:], strict=True):
        case_params += [ops.adapt_datetimefield_value(end), ops.adapt_datefield_value(month)]
    grouped = ", ".join(quote(c) for c in GROUPED_COLUMNS)
    month_column = quote(rollup_model._meta.get_field("month").column)
    count_column = quote(rollup_model._meta.get_field("count").column)
    month_type = "::date" if connection.vendor == "postgresql" else ""
    sql = (
        f"INSERT INTO {quote(rollup_model._meta.db_table)} "
        f"({month_column}, {grouped}, {count_column}) "
        f"SELECT rollup_month, {grouped}, COUNT(*) FROM ("
        f"SELECT CASE {cases} END{month_type} AS rollup_month, {grouped} "
        f"FROM {quote(incident_model._meta.db_table)} "
        f"WHERE {occurred} >= %s AND {occurred} < %s"
        f") AS rows_in_months GROUP BY rollup_month, {grouped}"
    )
    params = [
        *case_params,
        ops.adapt_datetimefield_value(bounds[0]),
        ops.adapt_datetimefield_value(bounds[-1]),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the narrow rollup -------------------------------------------------------------------------


def _names(connection: Any, rollup_model: Any, counted_model: Any) -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "counted": quote(counted_model._meta.db_table),
        "rollup": quote(rollup_model._meta.db_table),
        "statuses": ", ".join("%s" for _ in COUNTED_STATUSES),
    }


def _refresh_counted(
    connection: Any, months: list[dt.date], rollup_model: Any, counted_model: Any
) -> None:
    """Set these months' columns of the narrow rollup from the wide rollup's (fresh) rows.

    Per month: zero the groups that have nothing left, then upsert the groups that have
    something, writing only the rows whose count changed; last, drop rows whose year is all
    zeros. Plain SQL that SQLite and PostgreSQL both run.
    """
    names = _names(connection, rollup_model, counted_model)
    statuses = list(COUNTED_STATUSES)
    columns = ", ".join(MONTH_COLUMNS)
    _lock_years(connection, sorted({m.year for m in months}))
    with connection.cursor() as cursor:
        for month in months:
            column = MONTH_COLUMNS[month.month - 1]
            values = ", ".join("SUM(count)" if name == column else "0" for name in MONTH_COLUMNS)
            day = connection.ops.adapt_datefield_value(month)
            cursor.execute(
                f"UPDATE {names['counted']} SET {column} = 0 "
                f"WHERE year = %s AND {column} <> 0 AND NOT EXISTS ("
                f"SELECT 1 FROM {names['rollup']} AS r WHERE r.month = %s"
                f" AND r.area_id = {names['counted']}.area_id"
                f" AND r.category_id = {names['counted']}.category_id"
                f" AND r.status IN ({names['statuses']}))",
                [month.year, day, *statuses],
            )
            cursor.execute(
                f"INSERT INTO {names['counted']} (year, area_id, category_id, {columns}) "
                f"SELECT %s, area_id, category_id, {values} FROM {names['rollup']} "
                f"WHERE month = %s AND status IN ({names['statuses']}) "
                f"GROUP BY area_id, category_id "
                f"ON CONFLICT (year, area_id, category_id) DO UPDATE "
                f"SET {column} = excluded.{column} "
                f"WHERE {names['counted']}.{column} <> excluded.{column}",
                [month.year, day, *statuses],
            )
        years = sorted({m.year for m in months})
        empty = " AND ".join(f"{name} = 0" for name in MONTH_COLUMNS)
        cursor.execute(
            f"DELETE FROM {names['counted']} "
            f"WHERE year IN ({', '.join('%s' for _ in years)}) AND {empty}",
            years,
        )


def rebuild_counted(rollup_model: Any, counted_model: Any, using: str) -> None:
    """Recompute the whole narrow rollup from the wide one, one calendar year per statement.

    Also what the migration that adds the narrow rollup runs.
    """
    connection = connections[using]
    names = _names(connection, rollup_model, counted_model)
    statuses = list(COUNTED_STATUSES)
    adapt = connection.ops.adapt_datefield_value
    columns = ", ".join(MONTH_COLUMNS)
    sums = ", ".join("SUM(CASE WHEN month = %s THEN count ELSE 0 END)" for _ in MONTH_COLUMNS)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {names['counted']}")
        months = rollup_model.objects.using(using).order_by("month").values_list("month", flat=True)
        first, last = months.first(), months.last()
        if first is None:
            return
        for year in range(first.year, last.year + 1):
            firsts = [dt.date(year, m, 1) for m in range(1, 13)]
            cursor.execute(
                f"INSERT INTO {names['counted']} (year, area_id, category_id, {columns}) "
                f"SELECT %s, area_id, category_id, {sums} FROM {names['rollup']} "
                f"WHERE month >= %s AND month < %s AND status IN ({names['statuses']}) "
                f"GROUP BY area_id, category_id HAVING SUM(count) > 0",
                [
                    year,
                    *(adapt(d) for d in firsts),
                    adapt(firsts[0]),
                    adapt(dt.date(year + 1, 1, 1)),
                    *statuses,
                ],
            )
        if connection.vendor == "postgresql":
            # The planner's row estimates for the refilled table (autovacuum comes later).
            cursor.execute(f"ANALYZE {names['counted']}")


def _lock_months(connection: Any, months: list[dt.date]) -> None:
    """Serialise refreshes of the same month on PostgreSQL until the transaction ends.

    Without it two transactions refreshing one month under READ COMMITTED could each delete
    the rows they see and insert their own counts, leaving both. Locks are taken in month
    order so that two refreshes cannot deadlock. SQLite serialises writing transactions.
    """
    if connection.vendor != "postgresql":
        return
    keys = [m.year * 12 + m.month - 1 for m in months]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT unnest(%s::int[]) AS k) AS keys",
            [_LOCK_NAMESPACE, keys],
        )


def _lock_years(connection: Any, years: list[int]) -> None:
    """Serialise changes to one year's rows of the narrow rollup on PostgreSQL.

    Refreshes of different months of a year write the same rows (one per area and category,
    in whatever order their statements meet them); without this two of them could each hold
    rows the other waits for. Taken after the month locks, in year order.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT unnest(%s::int[]) AS k) AS keys",
            [_YEAR_LOCK_NAMESPACE, years],
        )


# --- deletes -----------------------------------------------------------------------------------


@receiver(post_delete, sender=Incident, dispatch_uid="incident_rollup_on_delete")
def _count_out_deleted(sender: type[Incident], instance: Incident, using: str, **_: Any) -> None:
    """A deleted incident (admin, ``QuerySet.delete()``) leaves its group's count.

    Decrementing one row keeps a bulk delete of many incidents linear; the month lock keeps
    it consistent with a concurrent refresh of the same month.
    """
    month = month_of(instance.occurred_at)
    with transaction.atomic(using=using):
        _lock_months(connections[using], [month])
        group = IncidentRollup.objects.using(using).filter(
            month=month,
            area_id=instance.area_id,
            category_id=instance.category_id,
            organisation=instance.organisation_id,  # not organisation_id: stubs refuse None there
            source=instance.source,
            status=instance.status,
        )
        group.filter(count__gt=0).update(count=F("count") - 1)
        group.filter(count=0).delete()
        if instance.status not in COUNTED_STATUSES:
            return
        _lock_years(connections[using], [month.year])
        column = MONTH_COLUMNS[month.month - 1]
        counted = CountedRollup.objects.using(using).filter(
            year=month.year, area_id=instance.area_id, category_id=instance.category_id
        )
        counted.filter(**{f"{column}__gt": 0}).update(**{column: F(column) - 1})
        counted.filter(**dict.fromkeys(MONTH_COLUMNS, 0)).delete()
