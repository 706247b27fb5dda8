"""Benchmark: importing N CSV rows of incidents into PostgreSQL, against COPY of the same rows.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench \
        .venv/bin/python bench/import_incidents.py [ROWS]

Creates (and drops) its own database named by DATABASE_URL, builds the demo areas, writes a
CSV with the import template's columns (Swedish Excel style: semicolons, decimal commas),
then times:
  1. baseline: PostgreSQL's COPY of the same CSV into a bare table with the same columns;
  2. Trygg:    ``import_incidents`` (parsing, checks incl. the personnummer guard, area from
               point, bulk insert) into the real incident table.
and prints both and their ratio.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import sys
import time

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trygg_bench")


def main() -> None:
    import django
    from django.conf import settings

    django.setup()
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
        from trygg.demo.builders.places import PLACES
        from trygg.incidents.importers import import_incidents
        from trygg.incidents.models import Incident
        from trygg.places.models import Area

        rng = random.Random(1)
        places = list(Area.objects.filter(kind="plats").values_list("name", flat=True))
        codes = ["klotter", "skadegorelse", "nedskrapning", "ordningsstorning", "stold", "inbrott"]
        lines = [
            "kategori;tidpunkt;område;latitud;longitud;plats;beskrivning;organisation;extern_id"
        ]
        for n in range(ROWS):
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
        data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
        name = settings.DATABASES["default"]["NAME"]
        print(f"rows: {ROWS:,}  csv: {len(data) / 1e6:.1f} MB  database: {name}")

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_copy (kategori text, tidpunkt text, omrade text, latitud text,"
                " longitud text, plats text, beskrivning text, organisation text, extern_id text)"
            )
            started = time.perf_counter()
            with cursor.cursor.copy(
                "COPY bench_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
            ) as copy:
                copy.write(data.decode("utf-8-sig").encode("utf-8"))
            baseline = time.perf_counter() - started
        print(f"baseline  COPY into a bare table:   {baseline:8.2f} s")

        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = import_incidents(data, "bench.csv")
        trygg = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        assert report.created == ROWS, report.created
        assert Incident.objects.filter(external_id__startswith="b-").count() == ROWS
        print(f"trygg     import_incidents:         {trygg:8.2f} s  ({ROWS / trygg:,.0f} rows/s)")
        print(f"ratio     trygg / COPY:             {trygg / baseline:8.1f} ×  (target ≤ 3 ×)")
        floor = _database_floor(connection)
        print(
            "PostgreSQL alone, COPY of the finished rows (typed) into a copy of the incident table"
        )
        for label, key in (
            ("columns only", "bench_columns"),
            ("+ its indexes", "bench_indexes"),
            ("+ foreign keys", "bench_twin"),
        ):
            seconds = floor[key]
            print(f"          {label:<24}{seconds:8.2f} s  ({seconds / baseline:5.1f} × COPY)")
    finally:
        teardown_databases(old, verbosity=0)


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
