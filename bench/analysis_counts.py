"""Benchmark: counts by area × category × reporting year over 1,000,000 incidents, against DuckDB.

Usage:  [DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench_analysis] \
        .venv/bin/python bench/analysis_counts.py [RUNS]

The data set is ``bench/analysis_data.py``'s (built on first use, reused afterwards). The
question: every one of the 120 areas and every one of the 30 categories as groups (an area
counts itself and the areas below it, a category its sub-categories), by reporting year
(1 September – 31 August) over the five years 2019/20–2023/24: 120 × 30 × 5 = 18,000 counts.

Timed, each ``RUNS`` times (default 30) after three untimed warm-up runs, median and p95:
  engine    ``count_incidents(selection, ("area", "category", "period"))`` (from the narrow
            rollup, ``CountedRollup``: one row per year × area × category, twelve months);
  endpoint  GET /api/v1/analysis/counts/ with the same selection through Django's test client
            (session of the coordinator, in-process: no network), i.e. selection building,
            the engine, JSON rendering (nothing is cached between calls: every call reads
            the database and writes the JSON anew; only the rows' fixed text — names,
            period labels — is kept per selection, and a second line times the endpoint
            with that template dropped before each call, as on a first call);
  duckdb    the baseline: DuckDB aggregating the same 1,000,000 raw rows (area, category,
            occurred_at, status) held in an in-memory table, and read from a Parquet file:
            rejected rows out, reporting year from the Stockholm time (and, a second in-memory
            variant, from the years' UTC edges, as the engine does; the faster of the two
            in-memory medians is the baseline), grouped by the *stored*
            area × category × reporting year (the engine groups by the stored area and
            category too, then adds each into the groups it belongs to; DuckDB does not do
            that last step, which favours the baseline).
Then every one of the 18,000 counts is checked against DuckDB's groups added up the trees.

Then the same areas, categories and grouping for three more ranges, each timed the same way
(engine, endpoint) against DuckDB's in-memory table with the periods' UTC edges answering the
same question (rows in the range, grouped by stored area × category × period), every count
checked against DuckDB's:
  default   no ``start`` or ``end``: the API's default, first to last data (the engine looks
            the range up, DuckDB groups all rows);
  odd       2021-09-17 – 2023-06-05: two clipped reporting years, whole months from the
            rollup and 19 edge days from the incident table;
  live      the default again with ten more days of data, 1–10 September 2024 (copies of
            1–10 September 2023's rows a year on, status new), so that the data end in the
            middle of a month as on a live installation; added in a transaction that is
            rolled back at the end, DuckDB given the same rows.
Targets (issue 4): the endpoint within 2 × DuckDB and under 150 ms; (issue 14) every call,
the default and odd ranges included, within 2 × DuckDB.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_data import ensure, summary, timings

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
START, END = date(2019, 9, 1), date(2024, 8, 31)
ODD_START, ODD_END = date(2021, 9, 17), date(2023, 6, 5)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The "live" question's extra days: 1–10 September 2023's rows moved 366 days on.
COPIED = (date(2023, 9, 1), date(2023, 9, 11))
SHIFT = timedelta(days=366)


class _Rollback(Exception):
    pass


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def reporting_year(day: date) -> int:
    """The year in which the reporting year holding ``day`` begins (2021 for 2021/22)."""
    return day.year if day.month >= 9 else day.year - 1


def by_edges(table: str, first: date, last: date, *, bounded: bool) -> str:
    """DuckDB: counted rows per stored area × category × reporting year over [first, last],
    the year found from its UTC edges (Stockholm midnights); ``bounded``: only rows inside."""
    years = range(reporting_year(first), reporting_year(last) + 1)
    edges = [utc_midnight(date(year + 1, 9, 1)) for year in years[:-1]]
    case = " ".join(
        f"WHEN occurred_at < TIMESTAMPTZ '{edge.isoformat()}' THEN {year}"
        for year, edge in zip(years, edges, strict=False)
    )
    where = "status <> 'avvisad'"
    if bounded:
        low, high = utc_midnight(first), utc_midnight(last + timedelta(days=1))
        where += (
            f" AND occurred_at >= TIMESTAMPTZ '{low.isoformat()}'"
            f" AND occurred_at < TIMESTAMPTZ '{high.isoformat()}'"
        )
    return (
        f"SELECT area_id, category_id, CASE {case} ELSE {years[-1]} END AS reporting_year,"
        f" count(*) AS n FROM {table} WHERE {where} GROUP BY ALL"
    )


def check(rows: list[dict], duck_rows: list[tuple], chosen) -> int:
    """Every endpoint count equals DuckDB's stored-area × stored-category groups added up the
    trees into each group; returns the total (rejected excluded), equal in both."""
    leaf: dict[tuple[int, int, int], int] = defaultdict(int)
    for area_id, category_id, year, n in duck_rows:
        leaf[(area_id, category_id, year)] += n
    area_groups = {g.id: g.members for g in chosen.areas}
    category_groups = {g.id: g.members for g in chosen.categories}
    area_of = defaultdict(list)
    for group, members in area_groups.items():
        for member in members:
            area_of[member].append(group)
    category_of = defaultdict(list)
    for group, members in category_groups.items():
        for member in members:
            category_of[member].append(group)
    expected: dict[tuple[int, int, int], int] = defaultdict(int)
    for (area_id, category_id, year), n in leaf.items():
        for a in area_of[area_id]:
            for c in category_of[category_id]:
                expected[(a, c, year)] += n
    got = {
        (row["area"], row["category"], reporting_year(date.fromisoformat(row["period_start"]))): (
            row["count"]
        )
        for row in rows
    }
    mismatches = [key for key in got if got[key] != expected.get(key, 0)]
    assert not mismatches, f"{len(mismatches)} counts differ, e.g. {mismatches[:3]}"
    assert set(expected) <= set(got)
    total_raw = sum(leaf.values())
    kommun = min(area_groups, key=lambda a: -len(area_groups[a]))
    tops = [
        c for c in category_groups if not any(c in m and c != g for g, m in category_groups.items())
    ]
    years = {key[2] for key in got}
    total_api = sum(got[(kommun, c, y)] for c in tops for y in years)
    assert total_api == total_raw, (total_api, total_raw)
    return total_raw


def main() -> None:
    ensure()
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from trygg.accounts.models import User
    from trygg.analysis.counts import count_incidents, data_range
    from trygg.analysis.selection import build_selection
    from trygg.analysis.tables import _rows_template
    from trygg.incidents.models import Category, Incident
    from trygg.incidents.rollup import refresh_rollup
    from trygg.places.models import Area

    user = User.objects.get(username="samordnare")
    area_ids = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    category_ids = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    print(
        f"data: {Incident.objects.count():,} incidents, {len(area_ids)} areas, "
        f"{len(category_ids)} categories; PostgreSQL {connection.pg_version // 10000}, "
        f"DuckDB {duckdb.__version__}, {os.cpu_count()} CPUs; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )

    def selection(start=START, end=END):
        return build_selection(
            user, area_ids=area_ids, category_ids=category_ids, start=start, end=end
        )

    chosen = selection()
    group_by = ("area", "category", "period")
    result = count_incidents(chosen, group_by)
    assert result.table == "counted", "the engine should read the narrow rollup here"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_countedrollup")
        narrow_rows = cursor.fetchone()[0]
    print(f"engine: {len(result.rows):,} counts from the narrow rollup ({narrow_rows:,} rows)")
    with CaptureQueriesContext(connection) as queries:
        count_incidents(chosen, group_by)
    sql = queries.captured_queries[-1]["sql"]
    if os.environ.get("BENCH_EXPLAIN"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))

    engine = timings(lambda: count_incidents(chosen, group_by), RUNS)
    build = timings(selection, RUNS)

    client = Client()
    client.force_login(user)
    base_query = {
        "area": ",".join(map(str, area_ids)),
        "category": ",".join(map(str, category_ids)),
        "period": "reporting_year",
        "group_by": "area,category,period",
    }
    query = {**base_query, "start": START.isoformat(), "end": END.isoformat()}

    def endpoint(query=query):
        response = client.get("/api/v1/analysis/counts/", query)
        assert response.status_code == 200, response.content[:500]
        return response

    body = endpoint().json()
    assert len(body["rows"]) == len(result.rows) == 120 * 30 * 5, len(body["rows"])
    api = timings(endpoint, RUNS)

    def first_call():
        _rows_template.cache_clear()  # as the first call for this selection in a process
        return endpoint()

    api_first = timings(first_call, RUNS)

    # The baseline: the same raw rows in DuckDB, in memory and as Parquet.
    def arrow_rows(where: str = "", params: tuple = ()):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT area_id, category_id, occurred_at, status FROM incidents_incident " + where,
                params,
            )
            raw = cursor.fetchall()
        return pa.table(
            {
                "area_id": pa.array([r[0] for r in raw], pa.int64()),
                "category_id": pa.array([r[1] for r in raw], pa.int64()),
                "occurred_at": pa.array([r[2] for r in raw], pa.timestamp("us", tz="UTC")),
                "status": pa.array([r[3] for r in raw], pa.string()),
            }
        )

    table = arrow_rows()
    duck = duckdb.connect()
    duck.execute("SET TimeZone = 'Europe/Stockholm'")
    duck.register("arrow_incidents", table)
    duck.execute("CREATE TABLE incidents AS SELECT * FROM arrow_incidents")
    duck.unregister("arrow_incidents")
    parquet = Path(tempfile.mkdtemp()) / "incidents.parquet"
    pq.write_table(table, parquet)
    del table
    aggregate = (
        "SELECT area_id, category_id,"
        " year(occurred_at AT TIME ZONE 'Europe/Stockholm' + INTERVAL 4 MONTH) - 1"
        " AS reporting_year, count(*) AS n FROM {source} WHERE status <> 'avvisad' GROUP BY ALL"
    )
    # The same with the reporting year found from its UTC edges (as the engine does) rather
    # than by converting every row to Stockholm time; the faster of the two is the baseline.
    edges_sql = by_edges("incidents", START, END, bounded=True)
    in_memory = aggregate.format(source="incidents")
    from_parquet = aggregate.format(source=f"read_parquet('{parquet}')")
    duck_memory = timings(lambda: duck.execute(in_memory).fetchall(), RUNS)
    duck_parquet = timings(lambda: duck.execute(from_parquet).fetchall(), RUNS)
    duck_edges = timings(lambda: duck.execute(edges_sql).fetchall(), RUNS)
    assert sorted(duck.execute(edges_sql).fetchall()) == sorted(duck.execute(in_memory).fetchall())
    total = check(body["rows"], duck.execute(in_memory).fetchall(), chosen)
    print(
        f"check: all {len(body['rows']):,} counts equal DuckDB's raw-row groups added up the "
        f"trees; total {total:,} (rejected excluded) in both"
    )

    baseline = min(statistics.median(duck_memory), statistics.median(duck_edges))
    print()
    print("whole reporting years 2019/20–2023/24, start and end given:")
    print(f"build_selection (120 areas, 30 categories):   {summary(build)}")
    print(f"engine   count_incidents:                     {summary(engine)}")
    print(f"endpoint GET /api/v1/analysis/counts/:        {summary(api)}")
    print(f"endpoint, JSON row template not yet cached:   {summary(api_first)}")
    print(f"baseline DuckDB, in-memory table:             {summary(duck_memory)}")
    print(f"baseline DuckDB, Parquet file:                {summary(duck_parquet)}")
    print(f"baseline DuckDB, in-memory, year by UTC edges: {summary(duck_edges)}")
    ratio = statistics.median(api) / baseline
    p95 = float(np.percentile(np.array(api) * 1000, 95))
    print(
        f"ratio    endpoint / DuckDB (faster median): {ratio:5.1f} ×  (target ≤ 2 ×); "
        f"endpoint p95 {p95:.0f} ms (target < 150 ms)"
    )
    print(
        f"ratio    engine / DuckDB (faster median):       "
        f"{statistics.median(engine) / baseline:5.1f} ×"
    )

    def question(name: str, start: date | None, end: date | None, duck_table: str) -> None:
        """Time the engine, the endpoint and DuckDB on one range and check every count."""
        chosen = selection(start, end)
        first, last = data_range(chosen)
        answer = count_incidents(chosen, group_by)
        given = {"start": start.isoformat(), "end": end.isoformat()} if start else {}
        wanted = {**base_query, **given}
        rows = endpoint(wanted).json()["rows"]
        assert len(rows) == len(answer.rows)
        sql = by_edges(duck_table, start or first, end or last, bounded=start is not None)
        total = check(rows, duck.execute(sql).fetchall(), chosen)
        engine = timings(lambda: count_incidents(chosen, group_by), RUNS)
        api = timings(lambda: endpoint(wanted), RUNS)
        duck_times = timings(lambda: duck.execute(sql).fetchall(), RUNS)
        print()
        print(
            f"{name}: {answer.periods[0].start} – {answer.periods[-1].end}, "
            f"{len(answer.periods)} periods, "
            f"{len(rows):,} counts, total {total:,}, all equal DuckDB's; read "
            f"{' + '.join(answer.tables)}"
        )
        print(f"engine   count_incidents:                     {summary(engine)}")
        print(f"endpoint GET /api/v1/analysis/counts/:        {summary(api)}")
        print(f"baseline DuckDB, in-memory, year by UTC edges: {summary(duck_times)}")
        duck_median = statistics.median(duck_times)
        print(
            f"ratio    endpoint / DuckDB: {statistics.median(api) / duck_median:5.1f} ×"
            f"  (target ≤ 2 ×); engine / DuckDB {statistics.median(engine) / duck_median:4.1f} ×"
        )

    question("default (no start or end)", None, None, "incidents")
    question("odd edges", ODD_START, ODD_END, "incidents")
    try:
        with transaction.atomic():
            low, high = (utc_midnight(day) for day in COPIED)
            columns = (
                "time_unknown, latitude, longitude, place, description, source, external_id, "
                "area_id, category_id, organisation_id"
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO incidents_incident (occurred_at, status, created_at, "
                    f"updated_at, {columns}) SELECT occurred_at + %s, 'ny', now(), now(), "
                    f"{columns} FROM incidents_incident "
                    f"WHERE occurred_at >= %s AND occurred_at < %s",
                    [SHIFT, low, high],
                )
                added = cursor.rowcount
            refresh_rollup([COPIED[0] + SHIFT])
            extra = arrow_rows("WHERE occurred_at >= %s", (low + SHIFT,))
            assert extra.num_rows == added, (extra.num_rows, added)
            duck.register("arrow_extra", extra)
            duck.execute(
                "CREATE TABLE incidents_live AS "
                "SELECT * FROM incidents UNION ALL SELECT * FROM arrow_extra"
            )
            print(f"\nlive: {added:,} rows added for 2024-09-01 – 2024-09-10 (rolled back after)")
            question("live default (data end 2024-09-10)", None, None, "incidents_live")
            raise _Rollback
    except _Rollback:
        pass
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parquet.unlink()


if __name__ == "__main__":
    main()
