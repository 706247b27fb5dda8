"""Benchmark: the Knox test of 12,334 events, 99 permutations, 10 × 10 bands.

Usage:  .venv/bin/python bench/near_repeat.py [EVENTS] [SIDE_KM]

The figure to beat is tobydavies/NearRepeat's published one: about 4 s for 12,334 burglaries
in Chicago (about 600 km²) with 99 permutations (the Near Repeat Calculator: about 510 s).
The events here are reproducible (seed 2015) on a square of SIDE_KM (default 24.6 km, Chicago's
606 km²) over two years of whole days, and clustered as burglaries are: 45 % spread evenly,
40 % in 60 Gaussian clusters (σ 300–1,500 m) and 15 % near repeats (within 200 m and 14 days of
an earlier event). Bands: 0–100, 101–200, … 901–1,000 m × 0–7, 8–14, … 64–70 days.

Timed, in the same run:
  knox     trygg.lib.nearrepeat.knox_test end to end on projected x/y (metres) and days:
           KD-tree pairs, 99 permutations; best and median of 5 runs;
  brute    one pass of the brute-force pair count (numpy, 256 rows at a time against all later
           rows: n²/2 distances and gaps) — the observed counts only, no permutations; once.
The observed counts of the two are checked equal. Targets (issue 15): knox under 0.4 s and
within 3× one brute-force pass.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trygg.lib.nearrepeat import brute_force_counts, knox_test

N = int(sys.argv[1]) if len(sys.argv) > 1 else 12_334
SIDE_M = float(sys.argv[2]) * 1000 if len(sys.argv) > 2 else 24_600.0
DAYS = 730
RUNS = 5


def events(n: int, side: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2015)
    n_even, n_cluster = int(n * 0.45), int(n * 0.40)
    n_near = n - n_even - n_cluster
    x = list(rng.uniform(0, side, n_even))
    y = list(rng.uniform(0, side, n_even))
    centres = rng.uniform(0, side, (60, 2))
    sigma = rng.uniform(300, 1500, 60)
    which = rng.integers(0, 60, n_cluster)
    x += list(np.clip(centres[which, 0] + rng.normal(0, sigma[which]), 0, side))
    y += list(np.clip(centres[which, 1] + rng.normal(0, sigma[which]), 0, side))
    t = list(rng.integers(0, DAYS, n_even + n_cluster))
    xs, ys, ts = np.array(x), np.array(y), np.array(t)
    source = rng.integers(0, n_even + n_cluster, n_near)
    angle = rng.uniform(0, 2 * np.pi, n_near)
    radius = rng.uniform(0, 200, n_near)
    near_x = xs[source] + radius * np.cos(angle)
    near_y = ys[source] + radius * np.sin(angle)
    near_t = np.minimum(ts[source] + rng.integers(0, 15, n_near), DAYS - 1)
    order = rng.permutation(n)
    return (
        np.concatenate([xs, near_x])[order],
        np.concatenate([ys, near_y])[order],
        np.concatenate([ts, near_t]).astype(float)[order],
    )


def main() -> None:
    x, y, t = events(N, SIDE_M)
    print(f"{N:,} events on {SIDE_M / 1000:g} km × {SIDE_M / 1000:g} km, {DAYS} days")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    times = []
    result = None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = knox_test(x, y, t, permutations=99, seed=1)
        times.append(time.perf_counter() - start)
    assert result is not None
    start = time.perf_counter()
    brute = brute_force_counts(x, y, t)
    brute_s = time.perf_counter() - start
    same = bool((brute == result.observed).all())
    knox_s = statistics.median(times)
    print(f"pairs within 1,000 m: {result.n_pairs:,}; pairs in the 100 cells: {brute.sum():,}")
    print(f"knox (99 permutations): best {min(times):.3f} s, median {knox_s:.3f} s")
    print(f"brute force, one pass:  {brute_s:.3f} s (observed counts equal: {same})")
    print(
        f"knox / brute: {knox_s / brute_s:.2f} × "
        f"(target ≤ 3 ×: {'met' if knox_s <= 3 * brute_s else 'NOT met'}); "
        f"under 0.4 s: {'met' if knox_s < 0.4 else 'NOT met'}"
    )
    print(
        f"first cell (0–100 m, 0–7 days): observed {result.observed[0, 0]}, "
        f"expected {result.expected[0, 0]:.1f}, ratio {result.ratio[0, 0]:.2f}, "
        f"p {result.p_value[0, 0]:.2f}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
