"""Incident counts by any combination of area, category, period, organisation and source.

One engine answers every count question: it groups in the database by the *stored* area and
category (the most specific ones) and by period, then adds each row into every chosen area and
category group it belongs to (a district counts its neighbourhoods, "Våld" its sub-categories).

Every period is counted in two parts: the whole calendar months inside it from a monthly
rollup — the narrow ``CountedRollup`` (counted incidents per month × area × category) when
nothing filters or groups by organisation or source, else ``IncidentRollup`` — and the days at
its edges (all of a week's days, or of any period without a whole month) from the incident
table, by a range query over those days only, bounded at Stockholm midnight. The parts are
added per group and period. Months are Stockholm months in the rollups too, so the sum is
exactly a count of the raw rows — the tests hold it to that — and ``table`` can name the table
for the months, or ``incidents`` to count every day from the raw rows.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, partial
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from trygg.accounts.models import Organisation
from trygg.analysis.selection import Group, Selection
from trygg.incidents.models import (
    COUNTED_STATUSES,
    MONTH_COLUMNS,
    Category,
    CountedRollup,
    Incident,
    IncidentQuerySet,
    IncidentRollup,
    Source,
)
from trygg.lib.periods import (
    Period,
    PeriodKind,
    add_years,
    local_date,
    period_of,
    periods_between,
)

DIMENSIONS = ("area", "category", "period", "organisation", "source")


class CountError(ValueError):
    pass


@dataclass(frozen=True)
class CountRow:
    count: int  # the harm (a float) when the result measures harm
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


@dataclass(frozen=True, eq=False)
class CountResult:
    """Counts on four axes — area groups, category groups, periods, (organisation, source) —
    held as one array; ``rows`` lists them as ``CountRow`` objects when a caller wants them.

    An axis the question does not group by has one position, ``None``. ``counts`` has the
    shape ``(areas, categories, periods, extras)``. ``tables`` names every table read, in
    order: the one for whole months — ``counted`` (the narrow rollup) or ``rollup`` (the wide
    one) — and ``incidents`` (raw rows) for days outside whole months; ``table`` is
    ``incidents`` when any raw row was counted, else the rollup, and ``from_rollup`` says
    that the rollups alone answered.
    """

    group_by: tuple[str, ...]
    periods: tuple[Period, ...]
    from_rollup: bool
    table: str = "incidents"
    tables: tuple[str, ...] = ()
    areas: tuple[Group | None, ...] = (None,)
    categories: tuple[Group | None, ...] = (None,)
    extras: tuple[tuple[int | None, str | None], ...] = ((None, None),)
    organisation_names: dict[int, str] = field(default_factory=dict)
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0, 0), dtype=np.int64))
    # "count" (incidents) or "harm" (their summed harm weights, floats to one decimal).
    measure: str = "count"

    @property
    def open_ended(self) -> bool:
        """Organisations and sources are open-ended: only those that occur are listed."""
        return "organisation" in self.group_by or "source" in self.group_by

    def cells(self) -> Iterator[tuple[int, int, int, int, int]]:
        """(area, category, period, extra) positions and the count of every row, in order:
        area, then category, then period, then organisation and source."""
        flat = self.counts.ravel()
        index = np.flatnonzero(flat) if self.open_ended else np.arange(flat.size)
        a, c, p, e = np.unravel_index(index, self.counts.shape)
        return zip(
            a.tolist(), c.tolist(), p.tolist(), e.tolist(), flat[index].tolist(), strict=True
        )

    @cached_property
    def rows(self) -> tuple[CountRow, ...]:
        periods: list[Period | None] = list(self.periods) if "period" in self.group_by else [None]
        names = self.organisation_names
        return tuple(
            CountRow(
                count=n,
                area=self.areas[a],
                category=self.categories[c],
                period=periods[p],
                organisation_id=(organisation_id := self.extras[e][0]),
                organisation_name=names.get(organisation_id) if organisation_id else None,
                source=self.extras[e][1],
            )
            for a, c, p, e, n in self.cells()
        )

    @property
    def total(self) -> float:
        """All counted incidents (an int), or their harm (to one decimal)."""
        if self.measure == "harm":
            return round(float(self.counts.sum()), 1)
        return int(self.counts.sum())


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


def resolve_range(selection: Selection, *, years: int | None = None) -> Selection:
    """The selection with an open start or end filled in from the data, in one query, so that
    the several analyses of one page do not each look the range up again.

    ``years``: an open start goes back no further than this many reporting years before the
    one with the latest data, so that a single outlier (an incident dated decades ago) does
    not make every analysis of the page count from it.
    """
    if selection.start is not None and selection.end is not None:
        return selection
    first, last = data_range(selection)
    if first is None or last is None:
        return selection
    start, end = selection.start or first, selection.end or last
    if selection.start is None and years is not None:
        latest = period_of(PeriodKind.REPORTING_YEAR, end, selection.first_month)
        start = max(start, add_years(latest.start, -years))
    if end < start:
        return selection
    return replace(selection, start=start, end=end)


# What the whole months of a count may be read from (``table``): the narrow rollup (counted
# incidents per month × area × category), the wide rollup (… × organisation × source ×
# status) or the raw rows; the days at the edges of the months always come from the raw rows.
TABLES = ("counted", "rollup", "incidents")
# Periods per query on the narrow rollup: each is one column of the answer.
_PERIODS_PER_QUERY = 100


@dataclass(frozen=True)
class Spans:
    """Date ranges ``[start, stop)`` to count, each added into the period whose position in
    the question is at the same place in ``owners``."""

    ranges: tuple[tuple[date, date], ...] = ()
    owners: tuple[int, ...] = ()


def split_periods(
    periods: Sequence[Period], *, together: bool = False, months_too: bool = True
) -> tuple[Spans, Spans]:
    """The whole calendar months inside each period, and the days at its edges.

    A period 2021-09-17 – 2022-08-31 is October–August plus 17–30 September; a week, or any
    period without a whole month, is days only (as is every period with ``months_too``
    false). ``together``: only the periods' union is counted (the answer does not tell them
    apart), so they are merged first and no day is counted twice where they overlap.
    """
    if together:
        periods = _union(periods)
    months: list[tuple[tuple[date, date], int]] = []
    days: list[tuple[tuple[date, date], int]] = []
    for index, period in enumerate(periods):
        owner = 0 if together else index
        inside = period.whole_months() if months_too else None
        if inside is None:
            days.append(((period.start, period.stop), owner))
            continue
        first, stop = inside
        months.append(((first, stop), owner))
        if period.start < first:
            days.append(((period.start, first), owner))
        if stop < period.stop:
            days.append(((stop, period.stop), owner))
    return _spans(months), _spans(days)


def _spans(pairs: list[tuple[tuple[date, date], int]]) -> Spans:
    return Spans(tuple(r for r, _o in pairs), tuple(o for _r, o in pairs))


def _union(periods: Sequence[Period]) -> list[Period]:
    """The periods merged where they overlap or touch."""
    merged: list[list[date]] = []
    for period in sorted(periods):
        if merged and period.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], period.stop)
        else:
            merged.append([period.start, period.stop])
    return [Period(start, stop - timedelta(days=1)) for start, stop in merged]


def count_incidents(
    selection: Selection,
    group_by: Sequence[str] = ("area", "category", "period"),
    *,
    periods: Sequence[Period] | None = None,
    use_rollup: bool | None = None,
    table: str | None = None,
    harm: bool = False,
) -> CountResult:
    """Counts per group; zeros included for every area × category × period combination.

    ``harm``: instead of incidents, their crime harm: each incident weighs its stored
    category's ``harm_weight`` (none: 0), summed like the counts, to one decimal.

    ``periods`` overrides the selection's own periods (e.g. the windows of a comparison); with
    ``period`` not in ``group_by`` the count covers all of them together. Each period is
    counted as the whole calendar months inside it, read from a monthly rollup, plus the days
    at its edges (and every day of a week), read from the incident table with a range query
    over those days only. The months come from the narrow rollup when nothing filters or
    groups by organisation or source, else from the wide one. ``table`` names the table for
    the months (one of ``TABLES``; ``incidents`` counts everything from the raw rows, as does
    ``use_rollup=False``); ``use_rollup=True`` wants a rollup alone and refuses periods that
    are not whole months.
    """
    group_by = tuple(dict.fromkeys(group_by))
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if unknown:
        raise CountError(
            _("Cannot group by “%(dimension)s”; choose among %(choices)s.")
            % {"dimension": unknown[0], "choices": ", ".join(DIMENSIONS)}
        )
    periods = tuple(selection_periods(selection) if periods is None else periods)
    months_table = _choose_table(selection, group_by, periods, use_rollup, table)
    measure = "harm" if harm else "count"
    if not periods:  # no data and no range given: nothing to list
        empty = np.zeros((0, 0, 0, 0), dtype=np.float64 if harm else np.int64)
        return CountResult(
            group_by,
            periods,
            months_table != "incidents",
            months_table,
            areas=(),
            categories=(),
            extras=(),
            counts=empty,
            measure=measure,
        )
    # Harm weighs each stored category: the database groups by it even when the answer
    # does not.
    query_by = (*group_by, "category") if harm and "category" not in group_by else group_by
    months, days = split_periods(
        periods, together="period" not in group_by, months_too=months_table != "incidents"
    )
    parts: list[_Grouped] = []
    tables: list[str] = []
    if months.ranges:
        tables.append(months_table)
        if months_table == "counted":
            parts.append(_from_counted(selection, query_by, months))
        else:
            parts.append(_from_table(selection, query_by, months, "rollup"))
    if days.ranges:
        tables.append("incidents")
        parts.append(_from_table(selection, query_by, days, "incidents"))
    read = "incidents" if "incidents" in tables else months_table
    result = partial(
        CountResult, group_by, periods, read != "incidents", read, tuple(tables), measure=measure
    )
    return _tally(selection, group_by, periods, parts, result, harm_weights() if harm else None)


# Harm is summed in thousandths of the unit (weights are used to three decimals).
HARM_SCALE = 1000


def harm_weights() -> dict[int, float]:
    """Every category's harm weight, by id (categories without one are left out)."""
    weighed = Category.objects.exclude(harm_weight=None).values_list("id", "harm_weight")
    return {pk: weight for pk, weight in weighed if weight is not None}


def _choose_table(
    selection: Selection,
    group_by: tuple[str, ...],
    periods: tuple[Period, ...],
    use_rollup: bool | None,
    table: str | None,
) -> str:
    """The table that answers the whole months of the periods."""
    narrow = not (
        selection.organisation_ids
        or selection.sources
        or "organisation" in group_by
        or "source" in group_by
    )
    if table is None:
        if use_rollup is False:
            return "incidents"
        if use_rollup and not all(p.month_aligned for p in periods):
            raise CountError("periods are not whole months; the rollup cannot answer")
        return "counted" if narrow else "rollup"
    if table not in TABLES:
        raise CountError(f"no table {table!r}; choose among {', '.join(TABLES)}")
    if table == "counted" and not narrow:
        raise CountError("the narrow rollup answers whole months without organisations or sources")
    return table


@dataclass(frozen=True, eq=False)
class _Grouped:
    """Counts grouped by the stored area and category (and period, organisation, source) as
    read from one table. ``columns`` holds the stored ids (``area``, ``category``), the
    period positions (``period``) and the counts (``n``): one per row, or from the narrow
    rollup a row of counts with one column per ``period``. ``pairs`` names each row's
    (organisation, source) when the question groups by them."""

    columns: dict[str, np.ndarray]
    pairs: list[tuple[int | None, str | None]] | None = None


def _from_table(
    selection: Selection, group_by: tuple[str, ...], spans: Spans, table: str
) -> _Grouped:
    """Grouped counts over the spans from the wide rollup (whole months) or the raw rows
    (any days, bounded at Stockholm midnight)."""
    queryset: QuerySet[Any]
    if table == "rollup":
        queryset = filtered_rollup(selection)
        field, bounds = "month", list(spans.ranges)
        measure: Sum | Count = Sum("count")
    else:
        queryset = filtered_incidents(selection)
        field = "occurred_at"
        bounds = [Period(start, stop - timedelta(days=1)).bounds() for start, stop in spans.ranges]
        measure = Count("id")
    queryset = queryset.filter(within(field, bounds))
    keys = _database_keys(group_by)
    buckets = None
    if "period" in group_by:
        period_index, buckets = _period_index(field, bounds, queryset.db)
        queryset = queryset.annotate(period_index=period_index)
    if keys:
        grouped = queryset.values_list(*keys).annotate(n=measure).order_by()
        # Ids, text and counts as the database gives them: the ORM's per-value converters
        # cost ~1 µs a value, ~5 ms for the 4,000 groups of a few edge days.
        sql, params = grouped.query.sql_with_params()
        with connections[grouped.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        rows = [(queryset.aggregate(n=measure)["n"] or 0,)]
    columns: dict[str, np.ndarray] = {}
    for position, key in enumerate(keys):
        if key in ("area_id", "category_id"):
            columns[key[:-3]] = np.array([row[position] for row in rows], dtype=np.int64)
    if "period" in group_by:
        position = keys.index("period_index")
        found = [row[position] for row in rows]
        if buckets is not None:
            found = [buckets[value] for value in found]
        owners = np.array(spans.owners, dtype=np.int64)
        columns["period"] = owners[np.array(found, dtype=np.int64)]
    pairs = None
    if "organisation" in group_by or "source" in group_by:
        org = keys.index("organisation_id") if "organisation" in group_by else None
        src = keys.index("source") if "source" in group_by else None
        pairs = [
            (row[org] if org is not None else None, row[src] if src is not None else None)
            for row in rows
        ]
    columns["n"] = np.array([row[-1] for row in rows], dtype=np.int64)
    return _Grouped(columns, pairs)


def _from_counted(selection: Selection, group_by: tuple[str, ...], spans: Spans) -> _Grouped:
    """Grouped counts over whole months from the narrow rollup, one column per period.

    Each period is a sum of month columns over the years it touches (a reporting year is
    ``m09 + … + m12`` of one year and ``m01 + … + m08`` of the next), so the database reads
    each row of twelve months once and groups only by the stored area and category.
    """
    keys = [key for key in ("area_id", "category_id") if key[:-3] in group_by]
    by_owner: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for span, owner in zip(spans.ranges, spans.owners, strict=True):
        by_owner[owner].append(span)
    owners = sorted(by_owner)
    spans_per_column = [by_owner[owner] for owner in owners]
    connection = connections[CountedRollup.objects.db]
    quote = connection.ops.quote_name
    table = quote(CountedRollup._meta.db_table)
    area_ids = sorted(selection.area_ids)
    category_ids = sorted(selection.category_ids) if selection.category_ids is not None else None
    if not area_ids or category_ids == []:
        nothing = np.zeros(0, dtype=np.int64)
        return _Grouped(dict.fromkeys(("area", "category", "period", "n"), nothing))
    # The ids are written into the SQL (they are ints from the selection): binding hundreds
    # of parameters costs the driver more than the database's whole scan.
    filters = [f"area_id IN ({', '.join(str(int(i)) for i in area_ids)})"]
    if category_ids is not None:
        filters.append(f"category_id IN ({', '.join(str(int(i)) for i in category_ids)})")
    found: list[np.ndarray] = []
    period_of: list[np.ndarray] = []
    for offset in range(0, len(spans_per_column), _PERIODS_PER_QUERY):
        chunk = spans_per_column[offset : offset + _PERIODS_PER_QUERY]
        sums, years = [], set()
        for ranges in chunk:
            months = _months_by_year(ranges)
            years |= set(months)
            sums.append(_sum_of_months(months))
        where = [f"year >= {min(years)}", f"year <= {max(years)}", *filters]
        sql = f"SELECT {', '.join([*keys, *sums])} FROM {table} WHERE {' AND '.join(where)}" + (
            f" GROUP BY {', '.join(keys)}" if keys else ""
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        matrix = np.array(rows, dtype=np.int64).reshape(len(rows), len(keys) + len(chunk))
        if len(spans_per_column) == len(chunk):
            # One query answered it all: keep a row per stored area × category with a count
            # column per period, and let ``_tally`` spread the columns.
            columns = {key[:-3]: matrix[:, position] for position, key in enumerate(keys)}
            columns["period"] = np.array(owners, dtype=np.int64)
            columns["n"] = matrix[:, len(keys) :]
            return _Grouped(columns)
        # One row per group and period: the key columns repeated beside each period column.
        found.append(
            np.column_stack(
                [
                    np.repeat(matrix[:, : len(keys)], len(chunk), axis=0),
                    matrix[:, len(keys) :].reshape(-1),
                ]
            )
        )
        period_of.append(np.tile(np.array(owners[offset : offset + len(chunk)]), len(rows)))
    stacked = np.concatenate(found)
    columns = {key[:-3]: stacked[:, position] for position, key in enumerate(keys)}
    columns["period"] = np.concatenate(period_of)
    columns["n"] = stacked[:, -1]
    return _Grouped(columns)


def _months_by_year(ranges: list[tuple[date, date]]) -> dict[int, set[int]]:
    """Calendar year → the month numbers the [start, stop) month ranges cover in it."""
    months: dict[int, set[int]] = defaultdict(set)
    for start, stop in ranges:
        month = start
        while month < stop:
            months[month.year].add(month.month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _sum_of_months(months: dict[int, set[int]]) -> str:
    """SQL summing the given months of each year: one CASE branch per distinct set of months."""
    years_by_months: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for year, chosen in sorted(months.items()):
        years_by_months[tuple(sorted(chosen))].append(year)
    branches = " ".join(
        f"WHEN year IN ({', '.join(str(int(y)) for y in years)}) "
        f"THEN {' + '.join(MONTH_COLUMNS[m - 1] for m in chosen)}"
        for chosen, years in years_by_months.items()
    )
    return f"COALESCE(SUM(CASE {branches} ELSE 0 END), 0)"


def _tally(
    selection: Selection,
    group_by: tuple[str, ...],
    periods: tuple[Period, ...],
    parts: list[_Grouped],
    result: Callable[..., CountResult],
    weights: dict[int, float] | None = None,
) -> CountResult:
    """Add each stored area × category count into every group it belongs to (a district
    counts its neighbourhoods, "Våld" its sub-categories) and every part (months, edge days)
    into its period."""
    areas = selection.areas if "area" in group_by else (None,)
    categories = selection.categories if "category" in group_by else (None,)
    extras: list[tuple[int | None, str | None]] = [(None, None)]
    if "organisation" in group_by or "source" in group_by:
        found = set().union(*(part.pairs or () for part in parts))
        extras = sorted(found, key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1] or "")) or [
            (None, None)
        ]
    shape = (
        len(areas),
        len(categories),
        len(periods) if "period" in group_by else 1,
        len(extras),
    )
    size = int(np.prod(shape))
    counts = np.zeros(size, dtype=np.float64)
    where = {pair: position for position, pair in enumerate(extras)}
    for part in parts:
        counts += _spread(selection, group_by, shape, part, where, weights)
    organisations = [o for o, _s in extras if o]
    names = (
        dict(Organisation.objects.filter(pk__in=organisations).values_list("id", "name"))
        if organisations
        else {}
    )
    return result(
        areas=tuple(areas),
        categories=tuple(categories),
        extras=tuple(extras),
        organisation_names=names,
        counts=(
            np.round(counts / HARM_SCALE, 1)
            if weights is not None
            else np.rint(counts).astype(np.int64)
        ).reshape(shape),
    )


def _spread(
    selection: Selection,
    group_by: tuple[str, ...],
    shape: tuple[int, int, int, int],
    part: _Grouped,
    extra_position: dict[tuple[int | None, str | None], int],
    harm: dict[int, float] | None = None,
) -> np.ndarray:
    """One part's counts in the flattened answer, vectorised: every database row is repeated
    once per area group and category group that holds it, then one ``bincount``. With
    ``harm`` (weights by stored category), each row weighs its count times its weight."""
    columns = part.columns
    n = columns["n"]
    if harm is not None:
        # In thousandths, as whole numbers: sums of them are exact in float64 whatever the
        # order, so every table and split of a question gives the same harm.
        weight = np.rint(
            np.fromiter(
                (harm.get(int(c), 0.0) for c in columns["category"]),
                float,
                len(columns["category"]),
            )
            * HARM_SCALE
        )
        n = n * (weight[:, None] if n.ndim == 2 else weight)
    # ``n`` is one count per row, or (from the narrow rollup) a row of counts, one per period.
    per_period = n.ndim == 2
    rows = np.arange(len(n))
    area_at = np.zeros(len(rows), dtype=np.int64)
    if "area" in group_by:
        rows, area_at = _expand(columns["area"], selection.areas)
    category_at = np.zeros(len(rows), dtype=np.int64)
    if "category" in group_by:
        picked, category_at = _expand(columns["category"][rows], selection.categories)
        rows, area_at = rows[picked], area_at[picked]
    if per_period:
        period_at = columns["period"][None, :] if "period" in group_by else 0
        area_at, category_at = area_at[:, None], category_at[:, None]
    else:
        period_at = columns["period"][rows] if "period" in group_by else 0
    extra_at: np.ndarray | int = 0
    if part.pairs is not None:
        extra_at = np.array([extra_position[p] for p in part.pairs], dtype=np.int64)[rows]
    flat = ((area_at * shape[1] + category_at) * shape[2] + period_at) * shape[3] + extra_at
    size = int(np.prod(shape))
    weights = n[rows]
    flat = np.broadcast_to(flat, weights.shape)
    return np.bincount(flat.ravel(), weights=weights.ravel(), minlength=size)[:size]


def _expand(ids: np.ndarray, groups: Sequence[Group]) -> tuple[np.ndarray, np.ndarray]:
    """For stored ids, every (row, group position) pair where the group holds the row's id."""
    pairs = sorted((member, position) for position, g in enumerate(groups) for member in g.members)
    members = np.array([m for m, _p in pairs], dtype=np.int64)
    positions = np.array([p for _m, p in pairs], dtype=np.int64)
    left = np.searchsorted(members, ids, "left")
    counts = np.searchsorted(members, ids, "right") - left
    rows = np.repeat(np.arange(len(ids)), counts)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, positions[np.repeat(left, counts) + offsets]


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


def filtered_incidents(selection: Selection) -> IncidentQuerySet:
    return Incident.objects.filter(_common_filter(selection))


def filtered_rollup(selection: Selection) -> QuerySet[IncidentRollup]:
    return IncidentRollup.objects.filter(_common_filter(selection))


SOURCE_LABELS = dict(Source.choices)
