"""Incident counts by any combination of area, category, period, organisation and source.

One engine answers every count question: it groups in the database by the *stored* area and
category (the most specific ones) and by period, then adds each row into every chosen area and
category group it belongs to (a district counts its neighbourhoods, "Våld" its sub-categories).

When every period is a run of whole months the engine reads the monthly rollup
(``IncidentRollup``); otherwise (weeks, arbitrary date ranges) it reads the incident table,
with periods bounded at Stockholm midnight. Both give the same answer — the tests hold them to
it — and ``use_rollup`` forces either.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation
from trygg.analysis.selection import COUNTED_STATUSES, Group, Selection
from trygg.incidents.models import Incident, IncidentRollup, Source
from trygg.lib.periods import Period, PeriodKind, local_date, periods_between

DIMENSIONS = ("area", "category", "period", "organisation", "source")


class CountError(ValueError):
    pass


@dataclass(frozen=True)
class CountRow:
    count: int
    area: Group | None = None
    category: Group | None = None
    period: Period | None = None
    organisation_id: int | None = None
    organisation_name: str | None = None
    source: str | None = None

    @property
    def rate_per_1000(self) -> float | None:
        """Incidents per 1,000 inhabitants of the area, when its population is known."""
        if self.area is None or not self.area.population:
            return None
        return self.count * 1000 / self.area.population


@dataclass(frozen=True)
class CountResult:
    group_by: tuple[str, ...]
    periods: tuple[Period, ...]
    rows: tuple[CountRow, ...]
    from_rollup: bool

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


def selection_periods(selection: Selection) -> list[Period]:
    """The periods of the selection's kind that cover its range (all data when open-ended)."""
    start, end = selection.start, selection.end
    if start is None or end is None:
        first, last = data_range(selection)
        if first is None or last is None:
            return []
        start = start or first
        end = end or last
        if end < start:
            return []
    periods = periods_between(selection.period_kind, start, end, selection.first_month)
    if selection.period_kind is PeriodKind.RANGE:
        return periods
    # Clip the first and last period to the range the user asked for; a clipped period is
    # shown as the range it really covers.
    clipped = []
    for period in periods:
        if period.start < start or period.end > end:
            period = Period(
                max(period.start, start), min(period.end, end), PeriodKind.RANGE, period.first_month
            )
        clipped.append(period)
    return clipped


def data_range(selection: Selection) -> tuple[date | None, date | None]:
    """The first and last Stockholm day with a counted incident in the selection."""
    found = filtered_incidents(selection).aggregate(
        first=Min("occurred_at"), last=Max("occurred_at")
    )
    if found["first"] is None:
        return None, None
    return local_date(found["first"]), local_date(found["last"])


def resolve_range(selection: Selection) -> Selection:
    """The selection with an open start or end filled in from the data, in one query, so that
    the several analyses of one page do not each look the range up again."""
    if selection.start is not None and selection.end is not None:
        return selection
    first, last = data_range(selection)
    if first is None or last is None:
        return selection
    start, end = selection.start or first, selection.end or last
    if end < start:
        return selection
    return replace(selection, start=start, end=end)


def count_incidents(
    selection: Selection,
    group_by: Sequence[str] = ("area", "category", "period"),
    *,
    periods: Sequence[Period] | None = None,
    use_rollup: bool | None = None,
) -> CountResult:
    """Counts per group; zeros included for every area × category × period combination.

    ``periods`` overrides the selection's own periods (e.g. the windows of a comparison); with
    ``period`` not in ``group_by`` the count covers all of them together.
    """
    group_by = tuple(dict.fromkeys(group_by))
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if unknown:
        raise CountError(
            _("Cannot group by “%(dimension)s”; choose among %(choices)s.")
            % {"dimension": unknown[0], "choices": ", ".join(DIMENSIONS)}
        )
    periods = tuple(selection_periods(selection) if periods is None else periods)
    rollup_fits = all(p.month_aligned for p in periods)
    if use_rollup is None:
        use_rollup = rollup_fits
    elif use_rollup and not rollup_fits:
        raise CountError("periods are not whole months; the rollup cannot answer")
    if not periods:
        return CountResult(group_by, periods, (), use_rollup)

    if use_rollup:
        queryset = filtered_rollup(selection)
        field, bounds = "month", [(p.start, p.stop) for p in periods]
        measure = Sum("count")
    else:
        queryset = filtered_incidents(selection)
        field, bounds = "occurred_at", [p.bounds() for p in periods]
        measure = Count("id")
    queryset = queryset.filter(within(field, bounds))
    keys = _database_keys(group_by)
    buckets = None
    if "period" in group_by:
        period_index, buckets = _period_index(field, bounds, queryset.db)
        queryset = queryset.annotate(period_index=period_index)
    if keys:
        rows = list(queryset.values(*keys).annotate(n=measure).order_by())
    else:
        rows = [{"n": queryset.aggregate(n=measure)["n"] or 0}]
    if buckets is not None:
        for row in rows:
            row["period_index"] = buckets[row["period_index"]]
    return CountResult(group_by, periods, _assemble(selection, group_by, periods, rows), use_rollup)


def _period_index(field: str, bounds: list[tuple], using: str) -> tuple[Any, dict | None]:
    """SQL naming each row's period, and how to read its value (None: it is the index).

    On PostgreSQL, periods that do not overlap are found by ``width_bucket`` over their sorted
    edges, one binary search per row; it costs about a third less than a CASE of one branch
    per period over the 700,000 rollup rows of a million incidents. The bucket numbers are
    mapped back to period indices. Elsewhere (SQLite, overlapping periods): a CASE.
    """
    order = sorted(range(len(bounds)), key=lambda i: bounds[i])
    disjoint = all(bounds[a][1] <= bounds[b][0] for a, b in itertools.pairwise(order))
    if connections[using].vendor == "postgresql" and disjoint:
        edges = sorted({edge for pair in bounds for edge in pair})
        starts = {low: index for index, (low, _high) in enumerate(bounds)}
        buckets = {
            position + 1: starts[edge] for position, edge in enumerate(edges[:-1]) if edge in starts
        }
        array_type = "date" if field == "month" else "timestamptz"
        column = connections[using].ops.quote_name(field)
        sql = f"width_bucket({column}, %s::{array_type}[])"
        return RawSQL(sql, (edges,), output_field=IntegerField()), buckets
    case = Case(
        *[
            When(**{f"{field}__gte": low, f"{field}__lt": high}, then=Value(index))
            for index, (low, high) in enumerate(bounds)
        ],
        output_field=IntegerField(),
    )
    return case, None


def _database_keys(group_by: tuple[str, ...]) -> list[str]:
    keys = []
    if "area" in group_by:
        keys.append("area_id")
    if "category" in group_by:
        keys.append("category_id")
    if "period" in group_by:
        keys.append("period_index")
    if "organisation" in group_by:
        keys.append("organisation_id")
    if "source" in group_by:
        keys.append("source")
    return keys


def within(field: str, bounds: list[tuple]) -> Q:
    """Rows inside any of the periods (merged where they touch, to keep the SQL short)."""
    merged: list[list] = []
    for low, high in sorted(bounds):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    condition = Q()
    for low, high in merged:
        condition |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return condition


def _common_filter(selection: Selection) -> Q:
    condition = Q(area_id__in=selection.area_ids, status__in=COUNTED_STATUSES)
    if selection.category_ids is not None:
        condition &= Q(category_id__in=selection.category_ids)
    if selection.organisation_ids:
        condition &= Q(organisation_id__in=selection.organisation_ids)
    if selection.sources:
        condition &= Q(source__in=selection.sources)
    return condition


def filtered_incidents(selection: Selection):
    return Incident.objects.filter(_common_filter(selection))


def filtered_rollup(selection: Selection):
    return IncidentRollup.objects.filter(_common_filter(selection))


def _membership(groups: Sequence[Group]) -> dict[int, list[int]]:
    """Stored id → the positions of the groups it counts towards.

    Positions, not the groups themselves: hashing a Group hashes its members, and the rows
    are added into totals hundreds of thousands of times.
    """
    found: dict[int, list[int]] = defaultdict(list)
    for position, group in enumerate(groups):
        for member in group.members:
            found[member].append(position)
    return found


def _assemble(
    selection: Selection,
    group_by: tuple[str, ...],
    periods: tuple[Period, ...],
    rows,
) -> tuple[CountRow, ...]:
    by_area = _membership(selection.areas) if "area" in group_by else None
    by_category = _membership(selection.categories) if "category" in group_by else None
    totals: dict[tuple, int] = defaultdict(int)
    for row in rows:
        areas = by_area.get(row["area_id"], ()) if by_area is not None else (None,)
        categories = by_category.get(row["category_id"], ()) if by_category is not None else (None,)
        period = row.get("period_index")
        organisation = row.get("organisation_id")
        source = row.get("source")
        n = row["n"]
        for area in areas:
            for category in categories:
                totals[(area, category, period, organisation, source)] += n

    # Every area × category × period combination appears, with zero when nothing happened.
    area_axis = list(enumerate(selection.areas)) if "area" in group_by else [(None, None)]
    category_axis = (
        list(enumerate(selection.categories)) if "category" in group_by else [(None, None)]
    )
    period_axis = list(range(len(periods))) if "period" in group_by else [None]
    extra = sorted(
        {(key[3], key[4]) for key in totals},
        key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1] or ""),
    ) or [(None, None)]
    names = (
        dict(
            Organisation.objects.filter(pk__in=[o for o, _s in extra if o]).values_list(
                "id", "name"
            )
        )
        if "organisation" in group_by
        else {}
    )
    # Organisations and sources are open-ended: only those that occur are listed.
    open_ended = "organisation" in group_by or "source" in group_by
    result = []
    for area_position, area in area_axis:
        for category_position, category in category_axis:
            for period in period_axis:
                for organisation, source in extra:
                    key = (area_position, category_position, period, organisation, source)
                    count = totals.get(key, 0)
                    if count == 0 and open_ended:
                        continue
                    result.append(
                        CountRow(
                            count=count,
                            area=area,
                            category=category,
                            period=periods[period] if period is not None else None,
                            organisation_id=organisation,
                            organisation_name=names.get(organisation) if organisation else None,
                            source=source,
                        )
                    )
    return tuple(result)


SOURCE_LABELS = dict(Source.choices)
