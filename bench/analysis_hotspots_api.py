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
  geojson   the response body: the GeoJSON text written from the map's arrays
            (``HotspotMap.geojson``, what the endpoint sends), beside the way it was made before,
            in the same run: ``feature_collection()`` dicts (cells built afresh) through
            ``json.dumps``, as DRF rendered them;
  endpoint  GET /api/v1/analysis/hotspots/?cell_m=200 through Django's test client: selection,
            fetch, area, lib, and the GeoJSON of every cell; and with ``cells=flagged`` (only
            the hot and cold cells in the answer);
  esda      the baseline of the issue's second target: ``esda.G_Local(y, w, transform="B",
            star=True)`` on the same cells and counts with libpysal queen weights built from
            the cells (z-scores and normal p-values only, ``permutations=0``; and once with its
            default 999 conditional permutations), against the lib's Gi* z-scores, p-values and
            BH labels on the same counts.

Targets (issue 4): hotspots over the whole set at 200 m in under 1 s, and at least 20× less
than esda.G_Local on the same grid and weights.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import time
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_data import ensure, summary, timings

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def main() -> None:
    ensure()
    from django.test import Client
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    from trygg.accounts.models import User
    from trygg.analysis import hotspots as module
    from trygg.analysis.selection import build_selection
    from trygg.lib.hotspots import (
        find_hotspots,
        getis_ord_gi_star,
        label_cells,
        two_sided_p_values,
    )

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

    def flagged():
        response = client.get("/api/v1/analysis/hotspots/", {"cell_m": 200, "cells": "flagged"})
        assert response.status_code == 200
        return response

    members = {"cell_m": found.cell_m, "q": found.q}
    assert json.loads(found.geojson(**members)) == json.loads(
        json.dumps(found.feature_collection() | members)
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
        "GeoJSON text from the arrays (sent)": timings(lambda: found.geojson(**members), RUNS, 1),
        "GeoJSON as dicts + json.dumps": timings(
            lambda: json.dumps(_fresh(found).feature_collection() | members), RUNS, 1
        ),
        "endpoint GET /api/v1/analysis/hotspots/": timings(endpoint, RUNS, 1),
        "endpoint, cells=flagged": timings(flagged, RUNS, 1),
    }
    grid = found.grid
    counts = grid.counts(lon, lat)

    def statistics_on_counts():  # what esda.G_Local does (z, p) and the FDR step besides
        z = getis_ord_gi_star(counts, grid.mask)
        return label_cells(z, two_sided_p_values(z), grid.mask)

    gi_star = timings(statistics_on_counts, RUNS, 1)
    west, south = grid.cell_corners(found.rows, found.cols)
    squares = list(shapely.box(west, south, west + grid.cell_m, south + grid.cell_m))
    y = found.counts.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = Queen.from_iterable(squares)
        esda = timings(lambda: G_Local(y, weights, transform="B", star=True, permutations=0), 3, 1)
        reference = G_Local(y, weights, transform="B", star=True, permutations=0)
        started = time.perf_counter()
        G_Local(y, weights, transform="B", star=True, n_jobs=1, seed=1)
        esda_999 = time.perf_counter() - started
    difference = float(np.abs(reference.Zs - found.z).max())
    assert difference < 1e-6, difference
    print()
    for label, seconds in results.items():
        print(f"{label:42s} {summary(seconds)}")
    print(f"{'lib Gi* z + p-values + BH on the counts':42s} {summary(gi_star)}")
    print(f"{'esda.G_Local, permutations=0':42s} {summary(esda)}")
    print(f"{'esda.G_Local, 999 permutations (once)':42s} {esda_999 * 1000:7.0f} ms")
    total = statistics.median(results["endpoint GET /api/v1/analysis/hotspots/"])
    lib = statistics.median(results["find_hotspots on the arrays (the lib)"])
    fetch = statistics.median(results["fetch points, one bytea into numpy"])
    gi = statistics.median(gi_star)
    esda_median = statistics.median(esda)
    print(
        f"\nendpoint median {total * 1000:.0f} ms (target < 1,000 ms); of which the lib "
        f"{lib * 1000:.0f} ms and fetching the points {fetch * 1000:.0f} ms"
    )
    print(
        f"max |z(Trygg) − z(esda)| = {difference:.1e}; esda.G_Local / Trygg's Gi* + p + BH = "
        f"{esda_median / gi:,.0f}× (target ≥ 20×); the whole endpoint against esda.G_Local "
        f"alone: {esda_median / total:.1f}× (permutations=0), {esda_999 / total:.0f}× (999)"
    )


def _fresh(found):
    """The same map without its cached cells, so the dict path pays for building them."""
    return dataclasses.replace(found)


if __name__ == "__main__":
    main()
