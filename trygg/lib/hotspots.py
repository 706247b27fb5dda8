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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
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
    count: int
    z: float
    p_value: float
    hotspot: str | None


@dataclass(frozen=True)
class HotspotMap:
    """Every cell of the study area (empty ones included), row by row from the south-west."""

    cell_m: float
    q: float
    points: int
    points_outside: int
    cells: list[HotspotCell]

    @property
    def hot(self) -> list[HotspotCell]:
        return [cell for cell in self.cells if cell.hotspot == HOT]

    @property
    def cold(self) -> list[HotspotCell]:
        return [cell for cell in self.cells if cell.hotspot == COLD]

    def feature_collection(self) -> dict[str, Any]:
        """The cells as a GeoJSON FeatureCollection with ``count``, ``gi_z``, ``p_value`` and
        ``hotspot`` properties (RFC 7946, WGS84)."""
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
                for cell in self.cells
            ],
        }


def find_hotspots(
    area: BaseGeometry | Mapping[str, Any] | SquareGrid,
    lon: object,
    lat: object,
    *,
    cell_m: float = DEFAULT_CELL_M,
    q: float = DEFAULT_Q,
) -> HotspotMap:
    """Gi* hotspots of the WGS84 points (lon, lat) over a study area.

    ``area`` is the study area (a (Multi)Polygon in WGS84 or its GeoJSON), or a SquareGrid
    already laid over it (then ``cell_m`` is the grid's). Points outside the area's cells are
    left out and counted in ``points_outside``.
    """
    grid = area if isinstance(area, SquareGrid) else SquareGrid.over(area, cell_m)
    lon = np.asarray(lon, dtype=float)
    counts = grid.counts(lon, lat)
    z = getis_ord_gi_star(counts, grid.mask)
    p = two_sided_p_values(z)
    labels = label_cells(z, p, grid.mask, q)
    rows, cols = np.nonzero(grid.mask)
    west, south = grid.cell_corners(rows, cols)
    polygons = grid.cell_polygons(rows, cols)
    inside_total = int(counts.sum())
    cells = [
        HotspotCell(
            row=int(row),
            col=int(col),
            x_min=float(x),
            y_min=float(y),
            polygon=polygon,
            count=int(count),
            z=float(z_value),
            p_value=float(p_value),
            hotspot=label,
        )
        for row, col, x, y, polygon, count, z_value, p_value, label in zip(
            rows,
            cols,
            west,
            south,
            polygons,
            counts[rows, cols],
            z[rows, cols],
            p[rows, cols],
            labels[rows, cols],
            strict=True,
        )
    ]
    return HotspotMap(
        cell_m=grid.cell_m,
        q=q,
        points=int(lon.size),
        points_outside=int(lon.size) - inside_total,
        cells=cells,
    )
