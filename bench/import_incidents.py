"""Benchmark: importing N CSV rows of incidents into PostgreSQL, against COPY of the same rows.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench \
        .venv/bin/python bench/import_incidents.py [ROWS ...]      (default: 100000 1000000)

Creates (and drops) its own database named by DATABASE_URL, builds the demo areas, and for
each size writes a CSV with the import template's columns (Swedish Excel style: semicolons,
decimal commas) to a file, reads it once (so that it is in the OS cache for both sides), then
times, in the same run, each starting from reading the file and after a CHECKPOINT:
  1. baseline: PostgreSQL's COPY of the same CSV into a bare table with the same columns,
               after one untimed warm-up COPY, BENCH_RUNS times (default 3);
  2. normal:   ``import_incidents`` (parsing, checks incl. the personnummer guard, area from
               point, COPY, rollup) into the real incident table, once (BENCH_NORMAL=0 skips);
  3. bulk:     the same file with ``bulk=True`` (``import-incidents --bulk``: indexes and
               foreign keys dropped and re-created in the import's transaction), BENCH_RUNS
               times, each after the previous rows were deleted and the table vacuumed;
and prints every run, the medians and the ratio of each median to the baseline's median,
with each phase of the column-wise import and each index and key of --bulk in seconds.

BENCH_PROFILE=1 prints a cProfile of each import; BENCH_FLOOR=1 also times PostgreSQL alone
taking the finished rows into copies of the incident table (columns, + indexes, + keys).
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import random
import statistics
import sys
import time

SIZES = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trygg_bench")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def main() -> None:
    import django
    from django.conf import settings

    django.setup()
    # Each phase of the column-wise import and each index and key of --bulk, with seconds.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("            %(message)s"))
    for name in ("trygg.incidents.imports.tables", "trygg.incidents.imports.bulk"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).propagate = False
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit(
            "This benchmark compares against PostgreSQL's COPY; set DATABASE_URL to PostgreSQL."
        )
    old = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("demo", verbosity=0)
        name = settings.DATABASES["default"]["NAME"]
        print(f"database: {name}  load average before: {_load()}")
        results = []
        for rows in SIZES:
            results.append((rows, _one_size(connection, rows)))
        print()
        print(f"{'rows':>10} {'bare COPY':>10} {'normal':>10} {'×':>6} {'--bulk':>10} {'×':>6}")
        for rows, (baseline, normal, bulk) in results:
            base, fast = statistics.median(baseline), statistics.median(bulk)
            slow = f"{normal:>9.2f}s {normal / base:>6.1f}" if normal else f"{'-':>10} {'':>6}"
            print(f"{rows:>10,} {base:>9.2f}s {slow} {fast:>9.2f}s {fast / base:>6.1f}")
            print(
                f"{'':>10} bare COPY runs: {_runs(baseline)};  --bulk runs: {_runs(bulk)}"
                f"  (medians above)"
            )
        print(f"target ≤ 3 × bare COPY; load average after: {_load()}")
    finally:
        teardown_databases(old, verbosity=0)


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in seconds)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _csv(rows: int) -> bytes:
    from trygg.demo.builders.places import PLACES
    from trygg.places.models import Area

    rng = random.Random(1)
    places = list(Area.objects.filter(kind="plats").values_list("name", flat=True))
    codes = ["klotter", "skadegorelse", "nedskrapning", "ordningsstorning", "stold", "inbrott"]
    lines = ["kategori;tidpunkt;område;latitud;longitud;plats;beskrivning;organisation;extern_id"]
    for n in range(rows):
        day = rng.randrange(1, 28)
        month = rng.randrange(1, 13)
        if n % 2:
            _name, _parent, plat, plon, *_rest = rng.choice(PLACES)
            lat = f"{plat + (rng.random() - 0.5) * 0.001:.5f}".replace(".", ",")
            lon = f"{plon + (rng.random() - 0.5) * 0.002:.5f}".replace(".", ",")
            area = ""
        else:
            lat = lon = ""
            area = rng.choice(places)
        when = f"2023-{month:02d}-{day:02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}"
        lines.append(
            f"{rng.choice(codes)};{when};{area};{lat};{lon};Vid entrén;"
            f"Iakttagelse nummer {n} vid platsen;SHIS Bostäder;b-{n}"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _one_size(connection, rows: int) -> tuple[list[float], float | None, list[float]]:
    """Times of the bare COPY runs, the normal import and the --bulk runs."""
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="trygg-bench-"), "bench.csv")
    with open(path, "wb") as out:
        out.write(_csv(rows))
    try:
        return _timed_runs(connection, rows, path)
    finally:
        os.remove(path)
        os.rmdir(os.path.dirname(path))


def _timed_runs(connection, rows: int, path: str) -> tuple[list[float], float | None, list[float]]:
    with open(path, "rb") as warm_up:  # both sides read the file from the OS cache
        size = len(warm_up.read())
    print(f"\nrows: {rows:,}  csv: {size / 1e6:.1f} MB  load average: {_load()}")
    _bare_copy(connection, path)  # warm-up, not timed
    baseline = []
    for _run in range(RUNS):
        baseline.append(_bare_copy(connection, path))
        print(f"baseline  COPY into a bare table:   {baseline[-1]:8.2f} s  load {_load()}")
    median = statistics.median(baseline)
    print(f"baseline  median of {RUNS}:              {median:8.2f} s")

    normal = None
    if os.environ.get("BENCH_NORMAL", "1") != "0":
        normal = _import(connection, rows, path, bulk=False, baseline=median)
        if os.environ.get("BENCH_FLOOR"):
            _print_floor(connection, median)
        _remove_imported(connection)
    bulk = []
    for _run in range(RUNS):
        bulk.append(_import(connection, rows, path, bulk=True, baseline=median))
        _remove_imported(connection)
    return baseline, normal, bulk


def _bare_copy(connection, path: str) -> float:
    """Seconds to read the file and COPY it into a new bare table of text columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy (kategori text, tidpunkt text, omrade text, latitud text,"
            " longitud text, plats text, beskrivning text, organisation text, extern_id text)"
        )
        cursor.execute("CHECKPOINT")  # no checkpoint left over from the previous step
        started = time.perf_counter()
        with open(path, "rb") as file:
            data = file.read()
        with cursor.cursor.copy(
            "COPY bench_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
        ) as copy:
            copy.write(data.decode("utf-8-sig").encode("utf-8"))
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def _import(connection, rows: int, path: str, *, bulk: bool, baseline: float) -> float:
    """Seconds to read the file and import it as ``import-incidents [--bulk]`` does."""
    from trygg.incidents.imports import import_incidents
    from trygg.incidents.models import Incident

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with open(path, "rb") as file:
        data = file.read()
    report = import_incidents(data, "bench.csv", bulk=bulk)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    assert report.created == rows and report.bulk == bulk, (report.created, report.bulk)
    assert Incident.objects.filter(external_id__startswith="b-").count() == rows
    label = "--bulk" if bulk else "normal"
    print(
        f"{label:<9} import_incidents:         {seconds:8.2f} s  ({rows / seconds:,.0f} rows/s)"
        f"  {seconds / baseline:5.1f} × COPY  load {_load()}"
    )
    return seconds


def _remove_imported(connection) -> None:
    """Delete the benchmark's rows and vacuum, so that the next import meets the same table."""
    from trygg.incidents.models import Incident
    from trygg.incidents.rollup import rebuild_rollup

    table = Incident._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE external_id LIKE 'b-%%'")
        cursor.execute(f"VACUUM ANALYZE {table}")
    rebuild_rollup()


def _print_floor(connection, baseline: float) -> None:
    floor = _database_floor(connection)
    print("PostgreSQL alone, COPY of the finished rows (typed) into a copy of the incident table")
    for label, key in (
        ("columns only", "bench_columns"),
        ("+ its indexes", "bench_indexes"),
        ("+ foreign keys", "bench_twin"),
    ):
        seconds = floor[key]
        print(f"          {label:<24}{seconds:8.2f} s  ({seconds / baseline:5.1f} × COPY)")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_columns, bench_indexes, bench_twin")


def _database_floor(connection) -> dict[str, float]:
    """What PostgreSQL alone needs to take the imported rows into tables like the incident
    table: with its columns only, with its indexes too, and with its deferred foreign keys as
    well (the full twin). That is the part of the import no Python can shorten."""
    from django.db import transaction

    from trygg.incidents.models import Incident

    table = Incident._meta.db_table
    columns = [f.column for f in Incident._meta.concrete_fields if not f.primary_key]
    names = ", ".join(columns)
    buffer = bytearray()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY (SELECT {names} FROM {table} WHERE external_id LIKE 'b-%%') TO STDOUT"
        ) as copy:
            for chunk in copy:
                buffer += chunk
        cursor.execute(
            f"CREATE TABLE bench_columns (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute(f"CREATE TABLE bench_indexes (LIKE {table} INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE bench_twin (LIKE {table} INCLUDING ALL)")
        for column, target in (
            ("category_id", "incidents_category"),
            ("area_id", "places_area"),
            ("organisation_id", "accounts_organisation"),
            ("reported_by_id", "accounts_user"),
        ):
            cursor.execute(
                f"ALTER TABLE bench_twin ADD FOREIGN KEY ({column}) REFERENCES {target} (id)"
                " DEFERRABLE INITIALLY DEFERRED"
            )
    timings = {}
    for twin in ("bench_columns", "bench_indexes", "bench_twin"):
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {twin} ({names}) FROM STDIN") as copy,
        ):
            copy.write(bytes(buffer))
        timings[twin] = time.perf_counter() - started
    return timings


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
