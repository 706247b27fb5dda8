"""Near repeats: the Knox test over space × time bands, and each incident's near-repeat class.

A near-repeat pattern (Townsley, Homel & Chaseling 2003; Johnson & Bowers 2004) is more pairs of
incidents close in space *and* close in time than chance explains: after a burglary the same
house and its neighbours run a raised risk for a few weeks. The Knox test counts, for every
pair of incidents, which distance band and which time band their separation falls in, and
compares each cell's count with the counts when the times are shuffled among the places
(Monte Carlo permutation, as the Near Repeat Calculator (Ratcliffe 2009) and
tobydavies/NearRepeat do): shuffling keeps where incidents happen and when they happen, and
breaks only the link between the two.

Bands follow the Near Repeat Calculator: with a band width w, band 1 is 0 … w (0 included),
band k is (k − 1)·w … k·w (e.g. 0–100, 101–200 m and 0–7, 8–14 days). Pairs farther apart than
the last band, in space or time, are in no cell.

For each cell: ``observed`` pairs, ``expected`` (the mean over the permutations), their
``ratio`` (the Calculator's "Knox ratio") and the Monte Carlo p-value
(1 + permutations with a count ≥ the observed) / (1 + permutations): the share of shuffled worlds
with at least as many pairs, one-sided, looking for excess closeness.

The work: a KD-tree gives the pairs within the largest distance once (``cKDTree.query_pairs``),
their distance bands are fixed; each permutation only gathers the pairs' new time differences
and bins them with one ``bincount``. Reproducible: the same ``seed`` gives the same p-values.

Coordinates are metres in a projected system (``project`` gives SWEREF 99 TM from WGS84);
times are days (a number per incident; whole days as the Calculator uses, or fractions).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree

DEFAULT_DISTANCE_BAND_M = 100.0
DEFAULT_DISTANCE_BANDS = 10
DEFAULT_TIME_BAND_DAYS = 7.0
DEFAULT_TIME_BANDS = 10
DEFAULT_PERMUTATIONS = 99
DEFAULT_SEED = 20090101  # any fixed number: the same question gets the same p-values

# Classification of each incident (Esri Crime Analysis' repeat / near-repeat classes).
ORIGINATOR = "originator"
REPEAT = "repeat"
NEAR_REPEAT = "near_repeat"
ISOLATED = "isolated"
CLASSES = (ORIGINATOR, REPEAT, NEAR_REPEAT, ISOLATED)
# Two positions this close are the same place (geocoded positions differ by a metre or so).
DEFAULT_SAME_PLACE_M = 1.0


class TooManyPairs(ValueError):
    """More pairs lie within the largest distance than the caller allows (``max_pairs``)."""

    def __init__(self, pairs: int, limit: int) -> None:
        super().__init__(f"{pairs:,} pairs within the largest distance; at most {limit:,}")
        self.pairs = pairs
        self.limit = limit


def band_index(values: np.ndarray, width: float) -> np.ndarray:
    """The 0-based band of each non-negative value: 0 for 0 … width, k for (k·w, (k + 1)·w]."""
    return np.maximum(np.ceil(np.asarray(values, dtype=float) / width) - 1, 0).astype(np.int64)


def band_labels(width: float, count: int) -> list[tuple[float, float]]:
    """(low, high) of each band: (0, w), (w, 2w), …; shown as 0–w, w+1–2w for whole units."""
    return [(k * width, (k + 1) * width) for k in range(count)]


@dataclass(frozen=True)
class KnoxResult:
    """The Knox table: rows are distance bands, columns time bands."""

    distance_band_m: float
    time_band_days: float
    observed: np.ndarray  # (distance bands, time bands) integer pair counts
    expected: np.ndarray  # mean count over the permutations
    p_value: np.ndarray  # (1 + #permutations ≥ observed) / (1 + permutations)
    permutations: int
    seed: int | None
    n_events: int
    n_pairs: int  # pairs within the largest distance (in any time band or none)

    @property
    def distance_bands(self) -> list[tuple[float, float]]:
        return band_labels(self.distance_band_m, self.observed.shape[0])

    @property
    def time_bands(self) -> list[tuple[float, float]]:
        return band_labels(self.time_band_days, self.observed.shape[1])

    @property
    def ratio(self) -> np.ndarray:
        """observed / expected; nan where nothing is expected."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.expected > 0, self.observed / self.expected, np.nan)

    def significant(self, alpha: float = 0.05) -> np.ndarray:
        """Cells with more pairs than chance explains: p < alpha and ratio above 1."""
        return (self.p_value < alpha) & (self.observed > self.expected)


# Whole-day times span at most this many days for the histogram of signed gaps (ten years'
# worth and more); beyond, each gap's band is computed instead.
MAX_GAP_HISTOGRAM_DAYS = 100_000


def _pair_counter(
    t: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    distance: np.ndarray,
    distance_band_m: float,
    n_dist: int,
    time_band_days: float,
    n_time: int,
) -> Callable[[np.ndarray | None], np.ndarray]:
    """A function from an order of the times (None: as given) to the pair counts per cell.

    For whole days (the usual case) each pair's signed day gap is counted per distance band,
    one ``bincount`` over (distance band, gap), and the gaps are summed into time bands
    afterwards by a small matrix product: per permutation a repeat, a gather, a subtraction,
    an addition and the count. Otherwise each gap's band is computed and counted directly.
    """
    d_band = band_index(distance, distance_band_m)
    span = int(t.max(initial=0) - t.min(initial=0)) if t.dtype.kind in "iu" else -1
    if 0 <= span <= MAX_GAP_HISTOGRAM_DAYS:
        width = 2 * span + 1  # signed gaps −span … span
        small = np.int16 if span < 2**15 else np.int32
        offset = d_band * width + span
        gaps = np.abs(np.arange(-span, span + 1))
        bands = band_index(gaps, time_band_days)
        to_bands = np.zeros((width, n_time))
        inside = bands < n_time
        to_bands[np.flatnonzero(inside), bands[inside]] = 1.0

        days = (t - t.min(initial=0)).astype(small)
        # Pairs ordered by their first incident: its day for every pair is then one
        # ``np.repeat`` of the shuffled days (sequential, five times faster than a gather).
        order = np.argsort(first, kind="stable")
        first, second, offset = first[order], second[order], offset[order]
        per_first = np.bincount(first, minlength=len(t))

        # Buffers reused by every permutation (fresh arrays of this size cost page faults).
        early = np.empty(len(first), dtype=small)
        late = np.empty(len(first), dtype=small)
        cells = np.empty(len(first), dtype=np.intp)

        def by_gap(order: np.ndarray | None) -> np.ndarray:
            shuffled = days if order is None else days[order]
            np.take(shuffled, second, out=late)
            np.subtract(np.repeat(shuffled, per_first), late, out=early)
            np.add(offset, early, out=cells)
            histogram = np.bincount(cells, minlength=n_dist * width).reshape(n_dist, width)
            return np.rint(histogram @ to_bands).astype(np.int64)

        return by_gap
    row = d_band * (n_time + 1)
    size = n_dist * (n_time + 1)

    def by_band(order: np.ndarray | None) -> np.ndarray:
        times = t if order is None else t[order]
        bands = np.minimum(band_index(np.abs(times[first] - times[second]), time_band_days), n_time)
        return np.bincount(row + bands, minlength=size).reshape(n_dist, n_time + 1)[:, :n_time]

    return by_band


def _whole(t: np.ndarray) -> np.ndarray:
    """Times as int64 when they are all whole numbers (the fast path), else as floats."""
    if t.size and np.all(np.isfinite(t)) and np.all(t == np.round(t)):
        rounded = np.round(t)
        if np.abs(rounded).max() < 2**52:
            shifted = rounded - rounded.min()
            return shifted.astype(np.int64)
    return t


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    distance_band_m: float = DEFAULT_DISTANCE_BAND_M,
    distance_bands: int = DEFAULT_DISTANCE_BANDS,
    time_band_days: float = DEFAULT_TIME_BAND_DAYS,
    time_bands: int = DEFAULT_TIME_BANDS,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = DEFAULT_SEED,
    max_pairs: int | None = None,
) -> KnoxResult:
    """The Knox test of incidents at (x, y) metres and times t days; see the module text.

    The work is about 5–7 ns per pair within the largest distance and permutation;
    ``max_pairs`` refuses (TooManyPairs) before the pairs are listed when there are more.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    ts = _whole(np.asarray(t, dtype=float))
    if not (xs.shape == ys.shape == ts.shape) or xs.ndim != 1:
        raise ValueError("x, y and t must be 1-D arrays of the same length")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and np.all(np.isfinite(ts))):
        raise ValueError("x, y and t must be finite numbers")
    if not (distance_band_m > 0 and time_band_days > 0):
        raise ValueError("band widths must be positive")
    if distance_bands < 1 or time_bands < 1 or permutations < 1:
        raise ValueError("there must be at least one band of each kind and one permutation")
    n_dist, n_time = int(distance_bands), int(time_bands)
    shape = (n_dist, n_time)
    first, second, distance = _close_pairs(xs, ys, distance_band_m * n_dist, max_pairs)
    counts = _pair_counter(
        ts, first, second, distance, distance_band_m, n_dist, time_band_days, n_time
    )
    observed = counts(None) if len(first) else np.zeros(shape, dtype=np.int64)
    total = np.zeros(shape, dtype=np.int64)
    at_least = np.zeros(shape, dtype=np.int64)
    rng = np.random.default_rng(seed)
    if len(first):
        for _ in range(permutations):
            shuffled = counts(rng.permutation(len(ts)))
            total += shuffled
            at_least += shuffled >= observed
    else:
        at_least += permutations  # no pairs anywhere: every shuffle ties with 0
    return KnoxResult(
        distance_band_m=float(distance_band_m),
        time_band_days=float(time_band_days),
        observed=observed,
        expected=total / permutations,
        p_value=(1 + at_least) / (1 + permutations),
        permutations=int(permutations),
        seed=seed,
        n_events=len(xs),
        n_pairs=len(first),
    )


def _close_pairs(
    x: np.ndarray, y: np.ndarray, max_m: float, max_pairs: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) within ``max_m`` metres, with their distances."""
    if len(x) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    points = np.column_stack([x, y])
    tree = cKDTree(points)
    if max_pairs is not None:
        # Counted first (no list in memory): each pair twice, and every point with itself.
        pairs_count = (int(tree.count_neighbors(tree, max_m)) - len(x)) // 2
        if pairs_count > max_pairs:
            raise TooManyPairs(pairs_count, max_pairs)
    pairs = tree.query_pairs(max_m, output_type="ndarray")
    first = pairs[:, 0].astype(np.intp)
    second = pairs[:, 1].astype(np.intp)
    distance = np.hypot(x[first] - x[second], y[first] - y[second])
    keep = distance <= max_m  # the tree's rounding may admit a pair a hair beyond
    return first[keep], second[keep], distance[keep]


def brute_force_counts(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    distance_band_m: float = DEFAULT_DISTANCE_BAND_M,
    distance_bands: int = DEFAULT_DISTANCE_BANDS,
    time_band_days: float = DEFAULT_TIME_BAND_DAYS,
    time_bands: int = DEFAULT_TIME_BANDS,
    chunk: int = 256,
) -> np.ndarray:
    """The observed Knox counts by comparing every pair (no tree), in chunks of rows.

    The reference the tests and the benchmark hold ``knox_test`` to: n²/2 distances.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    ts = np.asarray(t, dtype=float)
    n = len(xs)
    n_dist, n_time = int(distance_bands), int(time_bands)
    counts = np.zeros(n_dist * n_time, dtype=np.int64)
    max_m = distance_band_m * n_dist
    max_t = time_band_days * n_time
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        # Row i against every j > i.
        dx = xs[start:stop, None] - xs[None, start + 1 :]
        dy = ys[start:stop, None] - ys[None, start + 1 :]
        distance = np.hypot(dx, dy)
        gap = np.abs(ts[start:stop, None] - ts[None, start + 1 :])
        upper = np.arange(start, stop)[:, None] < np.arange(start + 1, n)[None, :]
        keep = upper & (distance <= max_m) & (gap <= max_t)
        d_band = band_index(distance[keep], distance_band_m)
        t_band = band_index(gap[keep], time_band_days)
        counts += np.bincount(d_band * n_time + t_band, minlength=n_dist * n_time)
    return counts.reshape(n_dist, n_time)


def classify(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    near_m: float = DEFAULT_DISTANCE_BAND_M,
    within_days: float = DEFAULT_TIME_BAND_DAYS,
    same_place_m: float = DEFAULT_SAME_PLACE_M,
) -> np.ndarray:
    """Each incident's class, as Esri Crime Analysis names them, over the first cell's window
    (by default 100 m and 7 days):

    - ``repeat``: an earlier incident lies at the same place (within ``same_place_m``) at most
      ``within_days`` before it;
    - ``near_repeat``: not a repeat, but an earlier incident lies within ``near_m`` at most
      ``within_days`` before it;
    - ``originator``: neither, and a later incident is its repeat or near repeat (it starts
      a series);
    - ``isolated``: no other incident within the window before or after.

    "Earlier" is by time, and among incidents at the same time by their order in the input.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    ts = np.asarray(t, dtype=float)
    n = len(xs)
    result = np.full(n, ISOLATED, dtype=object)
    first, second, distance = _close_pairs(xs, ys, near_m)
    gap = np.abs(ts[first] - ts[second])
    close = gap <= within_days
    first, second, distance = first[close], second[close], distance[close]
    # Order each pair: earlier, later (query_pairs gives i < j, so ties go to the first).
    swap = ts[second] < ts[first]
    earlier = np.where(swap, second, first)
    later = np.where(swap, first, second)
    repeat = np.zeros(n, dtype=bool)
    near = np.zeros(n, dtype=bool)
    starts = np.zeros(n, dtype=bool)
    same = distance <= same_place_m
    repeat[later[same]] = True
    near[later[~same]] = True
    starts[earlier] = True
    result[starts] = ORIGINATOR
    result[near] = NEAR_REPEAT
    result[repeat] = REPEAT
    return result


def band_text(low: float, high: float, first: bool) -> str:
    """A band as the Calculator writes it: "0–100", "101–200" (whole units), else "100–200"."""
    if float(low).is_integer() and float(high).is_integer():
        start = int(low) if first else int(low) + 1
        return f"{start}–{int(high)}"
    return f"{_trim(low)}–{_trim(high)}"


def _trim(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else "–"
