"""The monthly incident rollup: counts per Stockholm month × area × category × organisation ×
source × status, kept equal to a count of the raw incident rows.

Analyses count from ``IncidentRollup`` where the question is about whole months, so every
write to incidents refreshes the months it touches: ``record_incidents`` (form, API, Open311,
file imports, the police feed), ``update_incident``, ``review_incidents`` and deletes. A refresh
recomputes those months from the raw rows (delete, then one grouped INSERT … SELECT) inside
the caller's transaction, so the rollup commits or rolls back with the incidents themselves.

Months are Europe/Stockholm calendar months whatever ``settings.TIME_ZONE`` says: the month of
an incident at 2023-03-31 23:30 UTC is April. The month boundaries are computed here with
zoneinfo and given to the database as UTC instants, so SQLite and PostgreSQL group alike
across daylight-saving changes and year ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import post_delete
from django.dispatch import receiver

from trygg.incidents.models import Incident, IncidentRollup

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GROUPED_COLUMNS = ("area_id", "category_id", "organisation_id", "source", "status")
# Months per INSERT … SELECT: one scan of the incident table covers a run of this many months.
_MONTHS_PER_STATEMENT = 120
# First key of PostgreSQL's two-key advisory locks taken per month ("TRYG" in ASCII).
_LOCK_NAMESPACE = 0x54525947


# --- Stockholm months --------------------------------------------------------------------------


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the Stockholm calendar month in which an aware datetime falls."""
    return moment.astimezone(STOCKHOLM).date().replace(day=1)


def months_of(moments: Iterable[dt.datetime]) -> set[dt.date]:
    return {month_of(m) for m in moments}


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_start(month: dt.date) -> dt.datetime:
    """Midnight on the month's first day in Stockholm, as an aware datetime.

    Midnight always exists there: the clocks change at 02:00/03:00.
    """
    return dt.datetime(month.year, month.month, 1, tzinfo=STOCKHOLM)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first``'s to ``last``'s, both included."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


# --- refreshing --------------------------------------------------------------------------------


def refresh_rollup(months: Iterable[dt.date], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recompute exactly these months (first days of Stockholm months) from the raw rows."""
    _refresh(sorted({m.replace(day=1) for m in months}), Incident, IncidentRollup, using)


def rebuild_rollup(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recompute the whole rollup from the raw rows."""
    _rebuild(Incident, IncidentRollup, using)


def _rebuild(incident_model: Any, rollup_model: Any, using: str) -> None:
    """Shared with the data migration, which passes its historical models."""
    with transaction.atomic(using=using):
        span = incident_model.objects.using(using).values_list("occurred_at", flat=True)
        first = span.order_by("occurred_at").first()
        last = span.order_by("-occurred_at").first()
        stale = set(rollup_model.objects.using(using).values_list("month", flat=True).distinct())
        months = set(months_between(month_of(first), month_of(last))) if first else set()
        _refresh(sorted(months | stale), incident_model, rollup_model, using)


def _refresh(months: list[dt.date], incident_model: Any, rollup_model: Any, using: str) -> None:
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
            organisation_id=instance.organisation_id,
            source=instance.source,
            status=instance.status,
        )
        group.filter(count__gt=0).update(count=F("count") - 1)
        group.filter(count=0).delete()
