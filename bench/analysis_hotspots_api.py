"""Benchmark: the hotspots endpoint over 1,000,000 incidents at 200 m cells, end to end.

Usage:  [DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench_analysis] \
        .venv/bin/python bench/analysis_hotspots_api.py [RUNS]

The data set is ``bench/analysis_data.py``'s (built on first use): the coordinator's whole
kommun, 107 square stadsdelar (~216 km²), ~784,000 counted incidents with a point. The pure
statistics (grid, Gi*, FDR on arrays in memory, against esda) are ``bench/hotspots.py``'s;
here the same ``find_hotspots`` is timed again on this data set so that the parts the
endpoint adds can be read beside it. Each step RUNS times (default 7) after one warm-up:

  fetch     ``selection_points``: the counted incidents' points from PostgreSQL into numpy
            (one bytea of float8 pairs), and for comparison through the ORM (the SQLite path);
  area      ``study_area``: the union of the chosen areas' boundaries;
  lib       ``find_hotspots`` on the fetched arrays (grid + counts + Gi* + FDR + cells);
  endpoint  GET /api/v1/analysis/hotspots/?cell_m=200 through Django's test client: selection,
            fetch, area, lib, and the GeoJSON of every cell rendered as JSON.

Target (issue 4): hotspots over the whole set at 200 m in under 1 s.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_data import ensure, summary, timings

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def main() -> None:
    ensure()
    from django.test import Client

    from trygg.accounts.models import User
    from trygg.analysis import hotspots as module
    from trygg.analysis.selection import build_selection
    from trygg.lib.hotspots import find_hotspots

    user = User.objects.get(username="samordnare")
    selection = build_selection(user)
    lon, lat = module.selection_points(selection)
    area = module.study_area(selection)
    found = find_hotspots(area, lon, lat, cell_m=200)
    hot = sum(1 for cell in found.cells if cell.hotspot == "hot")
    print(f"data: {len(lon):,} points, {len(found.cells):,} cells of 200 m, {hot} hot cells")

    def through_orm():
        sqlite_like = type("Connection", (), {"vendor": "other"})()
        with mock.patch.object(module, "connections", {selection_db(): sqlite_like}):
            return module.selection_points(selection)

    def selection_db() -> str:
        return module.filtered_incidents(selection).db

    orm_lon, _orm_lat = through_orm()
    assert len(orm_lon) == len(lon)

    client = Client()
    client.force_login(user)

    def endpoint():
        response = client.get("/api/v1/analysis/hotspots/", {"cell_m": 200})
        assert response.status_code == 200, response.content[:300]
        return response

    body = endpoint().json()
    assert len(body["features"]) == len(found.cells)
    assert (
        sum(f["properties"]["count"] for f in body["features"])
        == found.points - found.points_outside
    )

    results = {
        "fetch points, one bytea into numpy": timings(
            lambda: module.selection_points(selection), RUNS, 1
        ),
        "fetch points, ORM values_list (SQLite path)": timings(through_orm, max(3, RUNS // 2), 1),
        "study area (union of 107 squares)": timings(lambda: module.study_area(selection), RUNS, 1),
        "find_hotspots on the arrays (the lib)": timings(
            lambda: find_hotspots(area, lon, lat, cell_m=200), RUNS, 1
        ),
        "endpoint GET /api/v1/analysis/hotspots/": timings(endpoint, RUNS, 1),
    }
    print()
    for label, seconds in results.items():
        print(f"{label:42s} {summary(seconds)}")
    total = statistics.median(results["endpoint GET /api/v1/analysis/hotspots/"])
    lib = statistics.median(results["find_hotspots on the arrays (the lib)"])
    fetch = statistics.median(results["fetch points, one bytea into numpy"])
    print(
        f"\nendpoint median {total * 1000:.0f} ms (target < 1,000 ms); of which the lib "
        f"{lib * 1000:.0f} ms and fetching the points {fetch * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
