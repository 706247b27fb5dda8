"""Benchmark: Gi* hotspots of 1,000,000 points over Stockholm at 200 m cells, against esda.

Usage:  .venv/bin/python bench/hotspots.py [POINTS] [CELL_M]

The study area is the union of the demo's 117 stadsdelar (~216 km²). Points are reproducible
(seed 2024), all inside the area, and clustered: 40 % spread evenly, 60 % in 40 Gaussian
clusters (σ 100–800 m) around random places in the area, shuffled.

Timed for Trygg (best and median of 5 runs, on WGS84 lon/lat arrays already in memory):
  grid     SquareGrid.over: project the area to SWEREF 99 TM, lay the cells, keep those that
           overlap the area;
  counts   project the points and count them per cell (np.bincount);
  gi*      Gi* z-scores by two 3×3 convolutions;
  fdr      two-sided p-values and Benjamini–Hochberg labels;
  map      find_hotspots end to end (its result holds arrays; cell polygons and objects are
           built only when asked, e.g. for the GeoJSON: see bench/analysis_hotspots_api.py).

Timed for esda on the same cells and counts: the libpysal queen-contiguity weights built from
the cells' squares, and ``esda.G_Local(y, w, transform="B", star=True, permutations=0)`` — z-scores
only, no conditional permutations — whose z-scores are checked against ours. Once, for
reference, esda with its default 999 permutations. Targets (issue 4): the whole hotspot map
under 1 s, and Gi* at least 20× faster than esda.G_Local on the same grid and weights.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trygg.lib.grid import SquareGrid
from trygg.lib.hotspots import (
    find_hotspots,
    getis_ord_gi_star,
    label_cells,
    two_sided_p_values,
)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CELL_M = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
RUNS = 5
BOUNDARIES = Path(__file__).resolve().parents[1] / "trygg/demo/data/stockholm-stadsdelar.geojson"


def stockholm() -> shapely.Geometry:
    features = json.loads(BOUNDARIES.read_text())["features"]
    return shapely.union_all([shape(feature["geometry"]) for feature in features])


def clustered_points(area: shapely.Geometry, n: int) -> tuple[np.ndarray, np.ndarray]:
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    to_wgs84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    projected = shapely.transform(area, to_sweref.transform, interleaved=False)
    shapely.prepare(projected)
    rng = np.random.default_rng(2024)
    min_x, min_y, max_x, max_y = projected.bounds
    centres: list[tuple[float, float]] = []
    while len(centres) < 40:
        cx, cy = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(projected, cx, cy):
            centres.append((cx, cy))
    sigmas = rng.uniform(100, 800, 40)
    shares = rng.dirichlet(np.ones(40))
    x_kept: list[np.ndarray] = []
    y_kept: list[np.ndarray] = []
    kept = 0
    while kept < n:  # draw, keep what falls inside the area, until there are n points
        draw = n
        even = int(draw * 0.4)
        sizes = rng.multinomial(draw - even, shares)
        which = np.repeat(np.arange(40), sizes)
        x = np.concatenate(
            [
                rng.uniform(min_x, max_x, even),
                rng.normal(np.array(centres)[which, 0], sigmas[which]),
            ]
        )
        y = np.concatenate(
            [
                rng.uniform(min_y, max_y, even),
                rng.normal(np.array(centres)[which, 1], sigmas[which]),
            ]
        )
        inside = shapely.contains_xy(projected, x, y)
        x_kept.append(x[inside])
        y_kept.append(y[inside])
        kept += int(inside.sum())
    lon, lat = to_wgs84.transform(np.concatenate(x_kept)[:n], np.concatenate(y_kept)[:n])
    order = rng.permutation(n)  # no spatial order in the input, as rows from a database
    return np.asarray(lon)[order], np.asarray(lat)[order]


def timed(function, runs: int = RUNS) -> tuple[float, float, object]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    area = stockholm()
    lon, lat = clustered_points(area, N)
    print(f"{N:,} points, {CELL_M:g} m cells, Stockholm (union of 117 stadsdelar)")

    grid_best, grid_median, grid = timed(lambda: SquareGrid.over(area, CELL_M))
    count_best, count_median, counts = timed(lambda: grid.counts(lon, lat))
    gi_best, gi_median, z = timed(lambda: getis_ord_gi_star(counts, grid.mask))

    def fdr():
        p = two_sided_p_values(z)
        return label_cells(z, p, grid.mask)

    fdr_best, fdr_median, labels = timed(fdr)

    def core():
        g = SquareGrid.over(area, CELL_M)
        c = g.counts(lon, lat)
        zz = getis_ord_gi_star(c, g.mask)
        return label_cells(zz, two_sided_p_values(zz), g.mask)

    core_best, core_median, _ = timed(core)
    map_best, map_median, hotspot_map = timed(lambda: find_hotspots(area, lon, lat, cell_m=CELL_M))

    rows, cols = np.nonzero(grid.mask)
    west, south = grid.cell_corners(rows, cols)
    squares = list(shapely.box(west, south, west + grid.cell_m, south + grid.cell_m))
    y = counts[rows, cols].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights_best, _, w = timed(lambda: Queen.from_iterable(squares), runs=3)
        esda_best, esda_median, reference = timed(
            lambda: G_Local(y, w, transform="B", star=True, permutations=0), runs=3
        )
        start = time.perf_counter()
        G_Local(y, w, transform="B", star=True, n_jobs=1, seed=1)
        esda_999 = time.perf_counter() - start
    difference = float(np.abs(reference.Zs - z[rows, cols]).max())

    print(f"cells in the area: {grid.n_cells:,} of {grid.n_rows} × {grid.n_cols}")
    print(f"points counted: {int(counts.sum()):,} (outside the area: {N - int(counts.sum()):,})")
    print(f"hot cells: {len(hotspot_map.hot)}, cold cells: {len(hotspot_map.cold)}")
    print(f"max |z(Trygg) − z(esda)| = {difference:.2e}")
    print()
    print(f"{'step':<44}{'best':>10}{'median':>10}")
    rows_out = [
        ("Trygg grid (SquareGrid.over)", grid_best, grid_median),
        ("Trygg counts (project + bincount)", count_best, count_median),
        ("Trygg Gi* z-scores (3×3 convolutions)", gi_best, gi_median),
        ("Trygg p-values + BH labels", fdr_best, fdr_median),
        ("Trygg grid + counts + Gi* + FDR", core_best, core_median),
        ("Trygg find_hotspots (end to end)", map_best, map_median),
        ("libpysal Queen weights from the cells", weights_best, float("nan")),
        ("esda.G_Local, permutations=0", esda_best, esda_median),
        ("esda.G_Local, 999 permutations (once)", esda_999, float("nan")),
    ]
    for name, best, median in rows_out:
        median_text = "" if np.isnan(median) else f"{median * 1000:8.1f} ms"
        print(f"{name:<44}{best * 1000:8.1f} ms{median_text:>10}")
    print()
    gi_ratio = esda_best / gi_best
    esda_pipeline = grid_best + count_best + weights_best + esda_best + fdr_best
    print(f"Gi* z-scores: esda.G_Local / Trygg = {gi_ratio:,.0f}×")
    print(
        f"whole map from points: Trygg {map_best * 1000:.0f} ms; the same grid and counts "
        f"with libpysal weights + esda + FDR {esda_pipeline * 1000:.0f} ms "
        f"({esda_pipeline / core_best:.1f}× Trygg's grid + counts + Gi* + FDR)"
    )
    print(
        f"targets: map under 1 s: {'met' if map_best < 1 else 'NOT met'}; "
        f"Gi* ≥ 20× faster than esda.G_Local: {'met' if gi_ratio >= 20 else 'NOT met'}"
    )
    assert difference < 1e-6, "z-scores differ from esda's"
    del labels


if __name__ == "__main__":
    main()
