"""The 1,000,000-incident data set shared by the analysis benchmarks, in its own PostgreSQL DB.

Usage:  .venv/bin/python bench/analysis_data.py [build|drop] [ROWS]

``build`` (also done by each analysis benchmark when the database lacks the set) creates the
database named by ``DATABASE_URL`` (default ``trygg_bench_analysis``), migrates it and fills it:

  areas       a tree of 120: one kommun, 12 stadsdelsområden, 107 stadsdelar, each stadsdel a
              square of ~1.42 km (0.025° × 0.0128°) around Stockholm, ~216 km² in all;
  categories  the 29 the migrations seed (a two-level tree) plus "Butiksrån" under "Rån": 30;
  incidents   ROWS (default 1,000,000), reproducible (seed 2024): five reporting years
              (2019-09-01 to 2024-08-31, Stockholm), 95 % stored on a stadsdel and 5 % on a
              stadsområde, 90 % on a sub-category; six organisations (10 % none) with sources
              by organisation (the police through its feed); old rows reviewed (3 % rejected),
              the last month's new; 85 % of the stadsdel rows have a point, a third of those
              clustered round one place per stadsdel (σ 150 m);
  users       ``samordnare`` (coordinator for the kommun), password ``bench-analysis``.

Rows go in through PostgreSQL's COPY (no model instances), then ``rebuild_rollup()`` and
ANALYZE. A table ``bench_dataset`` records the row count, so a later run reuses the set.
``drop`` drops the database.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trygg_bench_analysis"
PASSWORD = "bench-analysis"
ROWS = 1_000_000
SEED = 2024
# Five reporting years, Stockholm time; as UTC instants (CEST in September).
START_UTC = np.datetime64("2019-08-31T22:00:00")
END_UTC = np.datetime64("2024-08-31T22:00:00")
ORIGIN = (17.80, 59.22)  # south-west corner of the grid of stadsdelar
CELL_LON, CELL_LAT = 0.025, 0.0128
COLUMNS = 11  # stadsdelar per row of the grid


def configure() -> str:
    """Point Django at the bench database (not ``trygg``/``test_trygg``) and set it up."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    os.environ.setdefault("SECRET_KEY", "bench-analysis")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    # Plain HTTP in process: production's HTTPS redirect and HSTS would answer 301.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("TRYGG_HSTS_SECONDS", "0")
    # Static files collected for the bench only (DEBUG=false needs the manifest).
    os.environ.setdefault("STATIC_ROOT", "/tmp/trygg_bench_analysis_static")
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if name in ("trygg", "test_trygg"):
        sys.exit(f"Refusing to use the database {name!r}; name a bench database.")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return name


def _admin_connection():
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(url, autocommit=True)


def _existing_rows(name: str) -> int | None:
    import psycopg

    with _admin_connection() as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        found = conn.execute("SELECT to_regclass('bench_dataset')").fetchone()[0]
        if not found:
            return None
        row = conn.execute("SELECT rows FROM bench_dataset").fetchone()
        return row[0] if row else None


def drop() -> None:
    name = configure()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped {name}")


def ensure(rows: int = ROWS) -> None:
    """Django set up against a bench database holding ``rows`` incidents (built if needed)."""
    name = configure()
    existing = _existing_rows(name)
    import django

    if existing == rows:
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the code may have moved on since the build
        return
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"build: migrated {name} in {time.perf_counter() - started:.1f} s")
    _fill(rows)


def _square(col: int, row: int) -> dict:
    x0, y0 = ORIGIN[0] + col * CELL_LON, ORIGIN[1] + row * CELL_LAT
    x1, y1 = x0 + CELL_LON, y0 + CELL_LAT
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [[[round(v, 6) for v in p] for p in ring]]}


def _fill(rows: int) -> None:
    from django.db import connection, transaction

    from trygg.accounts.models import Membership, Organisation, Role, User
    from trygg.incidents.models import Category, Source, Status
    from trygg.incidents.rollup import rebuild_rollup
    from trygg.places.models import Area

    started = time.perf_counter()
    with transaction.atomic():
        kommun = Area.objects.create(name="Benchstad", kind="kommun", code="9999")
        districts = [
            Area.objects.create(
                name=f"Stadsområde {d + 1:02d}", kind="stadsdelsomrade", parent=kommun
            )
            for d in range(12)
        ]
        leaves = []
        for n in range(107):
            col, row = n % COLUMNS, n // COLUMNS
            leaves.append(
                Area.objects.create(
                    name=f"Stadsdel {n + 1:03d}",
                    kind="stadsdel",
                    parent=districts[n * 12 // 107],
                    geometry=_square(col, row),
                    population=int(2_000 + (n * 7919) % 18_000),
                )
            )
        ran = Category.objects.get(code="ran")
        Category.objects.create(name="Butiksrån", code="butiksran", parent=ran, sort_order=2)
        organisations = [
            Organisation.objects.create(name=f"Bench org {i + 1}", kind=kind, area=kommun)
            for i, kind in enumerate(
                ["kommun", "polis", "bostadsbolag", "skola", "fastighetsagare", "forening"]
            )
        ]
        user = User.objects.create_user("samordnare", password=PASSWORD)
        Membership.objects.create(
            user=user, organisation=organisations[0], role=Role.SAMORDNARE, area=kommun
        )

    rng = np.random.default_rng(SEED)
    leaf_ids = np.array([a.pk for a in leaves])
    district_ids = np.array([a.pk for a in districts])
    categories = list(Category.objects.values_list("pk", "parent_id"))
    children = np.array([pk for pk, parent in categories if parent is not None])
    tops = np.array([pk for pk, parent in categories if parent is None])

    on_leaf = rng.random(rows) < 0.95
    leaf_index = rng.choice(len(leaf_ids), rows, p=rng.dirichlet(np.full(len(leaf_ids), 2.0)))
    area = np.where(
        on_leaf, leaf_ids[leaf_index], district_ids[rng.integers(0, len(district_ids), rows)]
    )
    category = np.where(
        rng.random(rows) < 0.9,
        rng.choice(children, rows, p=rng.dirichlet(np.full(len(children), 2.0))),
        rng.choice(tops, rows),
    )
    seconds = int((END_UTC - START_UTC) / np.timedelta64(1, "s"))
    occurred = START_UTC + rng.integers(0, seconds, rows).astype("timedelta64[s]")
    # Organisations report through their own channels: the police through its feed, the
    # others by import, API or web form; reports without an organisation come from the web
    # form, Open311 or surveys. Old reports have been reviewed (3 % rejected); the last
    # month's are still new.
    organisation_ids = np.array([o.pk for o in organisations] + [0])
    which = rng.choice(len(organisation_ids), rows, p=[0.15] * 6 + [0.1])
    organisation = organisation_ids[which]
    channels = np.array(
        [
            [Source.IMPORT, Source.API, Source.WEBB],
            [Source.POLISEN, Source.POLISEN, Source.POLISEN],
            *[[Source.IMPORT, Source.API, Source.WEBB]] * 4,
            [Source.WEBB, Source.OPEN311, Source.ENKAT],
        ]
    )
    source = channels[which, rng.choice(3, rows, p=[0.6, 0.3, 0.1])]
    recent = occurred >= END_UTC - np.timedelta64(31, "D")
    status = np.where(
        recent,
        Status.NY,
        np.where(rng.random(rows) < 0.03, Status.AVVISAD, Status.GRANSKAD),
    )
    # Points: uniform in the stadsdel's square, or clustered round one place in it.
    col, row = leaf_index % COLUMNS, leaf_index // COLUMNS
    west, south = ORIGIN[0] + col * CELL_LON, ORIGIN[1] + row * CELL_LAT
    centre_x = rng.uniform(0.2, 0.8, len(leaf_ids))[leaf_index]
    centre_y = rng.uniform(0.2, 0.8, len(leaf_ids))[leaf_index]
    clustered = rng.random(rows) < 1 / 3
    fx = np.where(clustered, rng.normal(centre_x, 150 / 1420), rng.random(rows))
    fy = np.where(clustered, rng.normal(centre_y, 150 / 1420), rng.random(rows))
    lon = west + np.clip(fx, 0.001, 0.999) * CELL_LON
    lat = south + np.clip(fy, 0.001, 0.999) * CELL_LAT
    has_point = on_leaf & (rng.random(rows) < 0.85)

    when = np.char.add(np.datetime_as_string(occurred, unit="s"), "+00")
    lon_text = np.where(has_point, np.char.mod("%.6f", lon), "\\N")
    lat_text = np.where(has_point, np.char.mod("%.6f", lat), "\\N")
    org_text = np.where(organisation == 0, "\\N", organisation.astype(str))
    print(f"build: generated {rows:,} rows in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    columns = (
        "occurred_at, time_unknown, latitude, longitude, place, description, source, "
        "external_id, status, created_at, updated_at, area_id, category_id, organisation_id"
    )
    chunk = 100_000
    copy_sql = f"COPY incidents_incident ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for low in range(0, rows, chunk):
            part = slice(low, low + chunk)
            lines = io.StringIO()
            for w, la, lo, s, st, a, c, o in zip(
                when[part].tolist(),
                lat_text[part].tolist(),
                lon_text[part].tolist(),
                source[part].tolist(),
                status[part].tolist(),
                area[part].tolist(),
                category[part].tolist(),
                org_text[part].tolist(),
                strict=True,
            ):
                lines.write(f"{w}\tf\t{la}\t{lo}\t\t\t{s}\t\t{st}\t{w}\t{w}\t{a}\t{c}\t{o}\n")
            copy.write(lines.getvalue())
    print(f"build: COPY of {rows:,} incidents in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    rebuild_rollup()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE TABLE bench_dataset (rows integer NOT NULL)")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s)", [rows])
        cursor.execute("SELECT count(*) FROM incidents_incidentrollup")
        rollup_rows = cursor.fetchone()[0]
    print(
        f"build: rebuild_rollup() + ANALYZE in {time.perf_counter() - started:.1f} s "
        f"({rollup_rows:,} rollup rows)"
    )


def timings(function, runs: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        function()
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        found.append(time.perf_counter() - started)
    return found


def summary(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return (
        f"median {np.median(ms):7.1f} ms  p95 {np.percentile(ms, 95):7.1f} ms  "
        f"min {ms.min():7.1f} ms  (n={len(ms)})"
    )


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "build"
    if action == "drop":
        drop()
    else:
        ensure(int(sys.argv[2]) if len(sys.argv) > 2 else ROWS)
