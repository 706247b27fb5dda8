"""Hotspots: Getis–Ord Gi* on a square grid with false-discovery control.

Gi* (Getis & Ord 1992, "The analysis of spatial association by use of distance statistics";
Ord & Getis 1995, "Local spatial autocorrelation statistics: distributional issues and an
application") compares the count in a cell and its neighbours with what the whole study area
would lead one to expect. Here the weights are binary queen contiguity *including the cell
itself*: w_ij = 1 for the cell and its up to 8 neighbours that belong to the study area. For a
cell i with W_i = Σ_j w_ij, n cells, mean x̄ and S = √(Σ x_j² / n − x̄²):

    Gi* = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²) / (n − 1)))

which is the z-score ``esda.G_Local(y, w, transform="B", star=True).Zs`` reports. Both sums are
one 3×3 convolution each over the grid (cells outside the area count 0 and weigh 0), so the
whole map costs a few array passes, not a loop over cells.

Each z has a two-sided p-value from the normal distribution, and the Benjamini–Hochberg step
(trygg.lib.stats) keeps the expected share of false hotspots among those flagged at q: a map of
2,000 cells tested at 5 % each would otherwise show about 100 hotspots by chance alone.

The normal approximation is poor when counts are sparse (about half an incident per cell:
then a third of maps without any cluster show false hotspots even after BH). For such maps
``permutation_p_values`` gives exact p-values by conditional randomisation instead, the
distribution esda samples with ``permutations=…``, computed rather than sampled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage, stats
from shapely.geometry.base import BaseGeometry

from trygg.lib.grid import DEFAULT_CELL_M, SquareGrid
from trygg.lib.stats import benjamini_hochberg

HOT = "hot"
COLD = "cold"
DEFAULT_Q = 0.05

_QUEEN_WITH_SELF = np.ones((3, 3))


def getis_ord_gi_star(counts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Gi* z-scores per cell of a 2-D grid; ``nan`` outside ``mask``.

    Only cells where ``mask`` is true take part: they are the n cells of the formula, and a
    neighbour outside the mask does not exist (it adds neither to the sum nor to W_i).
    Where the statistic is undefined — every cell has the same count, fewer than two cells,
    or a cell whose neighbourhood is the whole area — the z-score is 0 (no evidence).
    """
    mask = np.asarray(mask, dtype=bool)
    values = np.where(mask, np.asarray(counts, dtype=float), 0.0)
    if values.shape != mask.shape or values.ndim != 2:
        raise ValueError("counts and mask must be 2-D arrays of the same shape")
    z = np.full(mask.shape, np.nan)
    n = int(mask.sum())
    if n == 0:
        return z
    local_sum = ndimage.correlate(values, _QUEEN_WITH_SELF, mode="constant", cval=0.0)
    weight = ndimage.correlate(mask.astype(float), _QUEEN_WITH_SELF, mode="constant", cval=0.0)
    inside = values[mask]
    mean = inside.sum() / n
    spread = np.sqrt(max((inside**2).sum() / n - mean**2, 0.0))
    w = weight[mask]
    numerator = local_sum[mask] - mean * w
    denominator = spread * np.sqrt((n * w - w**2) / (n - 1)) if n > 1 else np.zeros(n)
    defined = denominator > 0
    z_inside = np.zeros(n)
    z_inside[defined] = numerator[defined] / denominator[defined]
    z[mask] = z_inside
    return z


def two_sided_p_values(z: np.ndarray) -> np.ndarray:
    """p = 2 · P(Z > |z|) under the standard normal; ``nan`` stays ``nan``."""
    return 2 * stats.norm.sf(np.abs(z))


# Which p-values a map's cells get: from the normal approximation of Gi* (the default, as
# esda's ``p_norm``), or exact ones by conditional randomisation (the limit of esda's ``p_sim``
# as the number of permutations grows).
NORMAL = "normal"
PERMUTATION = "permutation"
P_VALUE_METHODS = (NORMAL, PERMUTATION)
# The exact randomisation's work grows with (distinct counts) × (largest count); past this many
# array cells it refuses rather than keep a request busy for seconds (about 0.1 s here).
PERMUTATION_BUDGET = 60_000_000


class TooDenseForPermutation(ValueError):
    """The counts are too large and varied for exact randomisation p-values in good time."""


def permutation_p_values(counts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Two-sided p-values of Gi* by exact conditional randomisation; ``nan`` outside ``mask``.

    esda's conditional randomisation (``G_Local(…, star=True, permutations=R)``) keeps a
    cell's own count and gives its neighbours counts drawn at random, without replacement,
    from the other n − 1 cells; the pseudo p-value is the share of draws at least as extreme.
    With x̄ and S fixed (the counts are only rearranged), Gi* grows with the neighbours' sum, so
    its randomisation distribution is that of the sum of k draws from the other cells' counts,
    where k is the number of the cell's neighbours. That distribution is computed here exactly
    instead of sampled: the number of k-subsets of the n counts with each sum is the
    coefficient of tʲ·xˢ in ∏ (1 + t·x^y) over the cells, built by dynamic programming over
    the distinct counts, and one copy of the cell's own count is divided out,
    (1 + t·x^y)⁻¹, for each cell. p = min(1, 2·min(P(sum ≥ observed), P(sum ≤ observed))).

    Unlike the normal approximation this stays right when counts are sparse (half an
    incident per cell, where Gi*'s distribution is far from normal and the approximation
    flags too many cells), and unlike sampled permutations its smallest p-values are exact,
    which the false-discovery step over thousands of cells needs (999 permutations cannot
    give a p-value below 0.001). Counts must be non-negative integers. Raises
    TooDenseForPermutation when the work would exceed PERMUTATION_BUDGET.
    """
    mask = np.asarray(mask, dtype=bool)
    raw = np.asarray(counts)
    if raw.shape != mask.shape or raw.ndim != 2:
        raise ValueError("counts and mask must be 2-D arrays of the same shape")
    inside = raw[mask]
    if inside.size and (np.any(inside < 0) or np.any(inside != np.round(inside))):
        raise ValueError("exact randomisation needs counts: non-negative integers")
    values = np.where(mask, raw, 0).astype(np.int64)
    p = np.full(mask.shape, np.nan)
    n = int(mask.sum())
    if n == 0:
        return p
    kernel = _QUEEN_WITH_SELF.copy()
    kernel[1, 1] = 0
    neighbours = ndimage.correlate(mask.astype(np.int64), kernel.astype(np.int64), mode="constant")
    around = ndimage.correlate(values, kernel.astype(np.int64), mode="constant")
    y = values[mask]
    k = neighbours[mask]  # neighbours in the area, 0 … 8
    observed = around[mask]  # their summed counts
    k_max = int(k.max())
    size = k_max * int(y.max()) + 1  # sums 0 … k_max · max(y)
    distinct, multiplicity = np.unique(y, return_counts=True)
    work = len(distinct) * (k_max + 1) * size * max(k_max, 1)
    if work > PERMUTATION_BUDGET:
        raise TooDenseForPermutation(
            f"{len(distinct)} distinct counts up to {int(y.max())}: too large and varied for "
            "exact randomisation p-values; use the normal approximation, or fewer areas, "
            "categories or a shorter period"
        )
    # subsets[j, s]: how many j-subsets of the n cells have counts summing to s (j ≤ k_max).
    subsets = np.zeros((k_max + 1, size))
    subsets[0, 0] = 1.0
    for value, times in zip(distinct.tolist(), multiplicity.tolist(), strict=True):
        before = subsets.copy()
        for c in range(1, min(times, k_max) + 1):
            shift = c * value
            if shift >= size:
                break
            subsets[c:, shift:] += math.comb(times, c) * before[: k_max + 1 - c, : size - shift]
    p_inside = np.ones(n)
    for value in np.unique(y).tolist():
        # Divide out one cell with this count: others[j] = subsets[j] − x^value · others[j − 1].
        others = subsets.copy()
        for j in range(1, k_max + 1):
            if value == 0:
                others[j] -= others[j - 1]
            else:
                others[j, value:] -= others[j - 1, :-value]
        np.maximum(others, 0.0, out=others)  # rounding in the subtraction, never below 0
        totals = np.array([max(math.comb(n - 1, j), 1) for j in range(k_max + 1)], dtype=float)
        at_most = np.cumsum(others, axis=1) / totals[:, None]
        at_least = np.cumsum(others[:, ::-1], axis=1)[:, ::-1] / totals[:, None]
        cells = np.flatnonzero(y == value)
        kk, tt = k[cells], observed[cells]
        upper = at_least[kk, tt]
        lower = at_most[kk, tt]
        p_inside[cells] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    p[mask] = np.clip(p_inside, 0.0, 1.0)
    return p


def label_cells(z: np.ndarray, p: np.ndarray, mask: np.ndarray, q: float = DEFAULT_Q) -> np.ndarray:
    """HOT, COLD or None per cell: BH at ``q`` over the cells in ``mask``, then the sign of z."""
    labels = np.full(mask.shape, None, dtype=object)
    if not mask.any():
        return labels
    rejected = benjamini_hochberg(p[mask], q)
    inside = np.full(int(mask.sum()), None, dtype=object)
    inside[rejected & (z[mask] > 0)] = HOT
    inside[rejected & (z[mask] < 0)] = COLD
    labels[mask] = inside
    return labels


@dataclass(frozen=True)
class HotspotCell:
    """One cell of the study area. ``x_min``/``y_min``: its south-west corner in SWEREF 99 TM."""

    row: int
    col: int
    x_min: float
    y_min: float
    polygon: dict[str, Any]
    count: int  # the cell's summed harm (a float) on a harm map
    z: float
    p_value: float
    hotspot: str | None


# Which cells a map's GeoJSON holds: every cell of the study area (the default, empty cells as
# zeros), the cells with at least one incident, or the cells flagged hot or cold.
ALL_CELLS = "all"
NONZERO_CELLS = "nonzero"
FLAGGED_CELLS = "flagged"
CELL_CHOICES = (ALL_CELLS, NONZERO_CELLS, FLAGGED_CELLS)

_FEATURE = (
    '{"type":"Feature","id":"%d-%d","geometry":{"type":"Polygon","coordinates":'
    '[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]},"properties":{"row":%d,"col":%d,'
    '"count":%s,"gi_z":%s,"p_value":%s,"hotspot":%s}}'
)
_LABEL_JSON = {HOT: '"hot"', COLD: '"cold"', None: "null"}


def _json_numbers(values: np.ndarray) -> list[str]:
    """JSON text of each float: Python's shortest repr (as ``json.dumps``), null if not finite."""
    text = list(map(repr, values.tolist()))
    if not np.isfinite(values).all():
        for position in np.flatnonzero(~np.isfinite(values)).tolist():
            text[position] = "null"
    return text


@dataclass(frozen=True, eq=False)
class HotspotMap:
    """Every cell of the study area (empty ones included), row by row from the south-west.

    Held as arrays over the cells (``rows``, ``cols``, ``counts``, ``z``, ``p_values``,
    ``labels``); :attr:`cells` builds a :class:`HotspotCell` per cell on first use, and
    :meth:`geojson` writes the GeoJSON text straight from the arrays.
    """

    cell_m: float
    q: float
    points: int
    points_outside: int
    grid: SquareGrid
    rows: np.ndarray
    cols: np.ndarray
    counts: np.ndarray
    z: np.ndarray
    p_values: np.ndarray
    labels: np.ndarray
    p_value_method: str = NORMAL
    # "count": ``counts`` are incidents; "harm": their summed weights (floats).
    measure: str = "count"

    @property
    def n_cells(self) -> int:
        return int(self.rows.size)

    @cached_property
    def cells(self) -> list[HotspotCell]:
        return self._cells(np.arange(self.n_cells))

    @cached_property
    def hot(self) -> list[HotspotCell]:
        return self._cells(np.flatnonzero(self.labels == HOT))

    @cached_property
    def cold(self) -> list[HotspotCell]:
        return self._cells(np.flatnonzero(self.labels == COLD))

    def selected(self, cells: str = ALL_CELLS) -> np.ndarray:
        """Positions (into the arrays) of the cells ``cells`` names, in map order."""
        if cells == ALL_CELLS:
            return np.arange(self.n_cells)
        if cells == NONZERO_CELLS:
            return np.flatnonzero(self.counts > 0)
        if cells == FLAGGED_CELLS:
            return np.flatnonzero(self.labels != None)  # noqa: E711 (element-wise)
        raise ValueError(f"cells must be one of {', '.join(CELL_CHOICES)}")

    def _cells(self, index: np.ndarray) -> list[HotspotCell]:
        rows, cols = self.rows[index], self.cols[index]
        west, south = self.grid.cell_corners(rows, cols)
        polygons = self.grid.cell_polygons(rows, cols) if index.size else []
        return [
            HotspotCell(
                row=row,
                col=col,
                x_min=x,
                y_min=y,
                polygon=polygon,
                count=count,
                z=z_value,
                p_value=p_value,
                hotspot=label,
            )
            for row, col, x, y, polygon, count, z_value, p_value, label in zip(
                rows.tolist(),
                cols.tolist(),
                np.asarray(west, dtype=float).tolist(),
                np.asarray(south, dtype=float).tolist(),
                polygons,
                self.counts[index].tolist(),
                self.z[index].tolist(),
                self.p_values[index].tolist(),
                self.labels[index].tolist(),
                strict=True,
            )
        ]

    def feature_collection(self, cells: str = ALL_CELLS) -> dict[str, Any]:
        """The cells as a GeoJSON FeatureCollection with ``count``, ``gi_z``, ``p_value`` and
        ``hotspot`` properties (RFC 7946, WGS84)."""
        index = self.selected(cells)
        chosen = self.cells if cells == ALL_CELLS else self._cells(index)
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": f"{cell.row}-{cell.col}",
                    "geometry": cell.polygon,
                    "properties": {
                        "row": cell.row,
                        "col": cell.col,
                        "count": cell.count,
                        "gi_z": cell.z,
                        "p_value": cell.p_value,
                        "hotspot": cell.hotspot,
                    },
                }
                for cell in chosen
            ],
        }

    def geojson(self, cells: str = ALL_CELLS, **members: Any) -> str:
        """:meth:`feature_collection` as JSON text, written from the arrays.

        Parsed, it equals ``json.dumps(self.feature_collection(cells) | members)`` (a test
        holds it to that), but it builds no dict, list or float object per corner: over the
        5,600 cells of a kommun this takes a few tens of milliseconds instead of most of a
        second. ``members`` (e.g. ``cell_m``, ``q``) are added to the collection's object.
        """
        index = self.selected(cells)
        lon, lat = self.grid.cell_rings(self.rows[index], self.cols[index])
        corners = np.empty((index.size, 10))
        corners[:, 0::2] = lon
        corners[:, 1::2] = lat
        numbers = np.array(_json_numbers(corners.ravel()), dtype=object).reshape(-1, 10)
        z_text = _json_numbers(self.z[index])
        p_text = _json_numbers(self.p_values[index])
        labels = [_LABEL_JSON[label] for label in self.labels[index].tolist()]
        rows, cols = self.rows[index].tolist(), self.cols[index].tolist()
        counts = (
            _json_numbers(self.counts[index])
            if self.measure == "harm"
            else list(map(str, self.counts[index].tolist()))
        )
        features = [
            _FEATURE % (row, col, *corner, row, col, count, z_value, p_value, label)
            for row, col, corner, count, z_value, p_value, label in zip(
                rows, cols, numbers.tolist(), counts, z_text, p_text, labels, strict=True
            )
        ]
        extra = "".join(
            f",{json.dumps(key)}:{json.dumps(value, allow_nan=False)}"
            for key, value in members.items()
        )
        return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]" + extra + "}"


def find_hotspots(
    area: BaseGeometry | Mapping[str, Any] | SquareGrid,
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    cell_m: float = DEFAULT_CELL_M,
    q: float = DEFAULT_Q,
    p_values: str = NORMAL,
    weights: ArrayLike | None = None,
) -> HotspotMap:
    """Gi* hotspots of the WGS84 points (lon, lat) over a study area.

    ``weights`` (one per point, e.g. crime harm): the cells hold the points' summed weights
    and Gi* tests those (the normal approximation only: exact randomisation needs counts).

    ``area`` is the study area (a (Multi)Polygon in WGS84 or its GeoJSON), or a SquareGrid
    already laid over it (then ``cell_m`` is the grid's). Points outside the area's cells are
    left out and counted in ``points_outside``. ``p_values``: NORMAL (the normal
    approximation of Gi*) or PERMUTATION (exact conditional randomisation, see
    :func:`permutation_p_values`; for sparse maps).
    """
    if p_values not in P_VALUE_METHODS:
        raise ValueError(f"p_values must be one of {', '.join(P_VALUE_METHODS)}")
    grid = area if isinstance(area, SquareGrid) else SquareGrid.over(area, cell_m)
    lon = np.asarray(lon, dtype=float)
    if weights is not None and p_values == PERMUTATION:
        raise ValueError("exact randomisation p-values need counts, not weights")
    counts = grid.counts(lon, lat)
    inside_total = int(counts.sum())
    if weights is not None:
        counts = np.round(grid.counts(lon, lat, weights), 6)
    z = getis_ord_gi_star(counts, grid.mask)
    if p_values == PERMUTATION:
        p = permutation_p_values(counts, grid.mask)
    else:
        p = two_sided_p_values(z)
    labels = label_cells(z, p, grid.mask, q)
    rows, cols = np.nonzero(grid.mask)
    return HotspotMap(
        cell_m=grid.cell_m,
        q=q,
        points=int(lon.size),
        points_outside=int(lon.size) - inside_total,
        grid=grid,
        rows=rows,
        cols=cols,
        counts=counts[rows, cols],
        z=z[rows, cols],
        p_values=p[rows, cols],
        labels=labels[rows, cols],
        p_value_method=p_values,
        measure="count" if weights is None else "harm",
    )
