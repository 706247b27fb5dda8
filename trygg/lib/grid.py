"""A square grid in SWEREF 99 TM over a study area: which cell a point is in, counts, outlines.

Hotspot analysis (trygg.lib.hotspots) counts incidents per cell of a metric grid. The grid is
laid in SWEREF 99 TM (EPSG:3006), Sweden's national projection, so that a 200 m cell is
200 m on the ground anywhere in the country. Cell edges sit on multiples of the cell size
(as in SCB's statistical grid), so the same cell has the same edges whatever area is asked
for and results for neighbouring areas line up.

Rows count northwards from the area's southern edge, columns eastwards from its western one.
A cell belongs to the study area when its interior overlaps the area (cells that only touch
the boundary from outside are dropped); cells without incidents stay, with a count of 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from trygg.lib.geo import _from_sweref, _to_sweref

DEFAULT_CELL_M = 200.0
# A guard against a cell size that would make millions of cells (2,000 × 2,000 at most).
MAX_CELLS = 4_000_000


@dataclass(frozen=True, eq=False)
class SquareGrid:
    """Square cells of ``cell_m`` metres; cell (row, col) spans
    x0 + col·cell_m … x0 + (col + 1)·cell_m east and y0 + row·cell_m … + cell_m north.

    ``mask[row, col]`` says whether the cell belongs to the study area.
    """

    cell_m: float
    x0: float
    y0: float
    n_rows: int
    n_cols: int
    mask: np.ndarray

    @classmethod
    def over(
        cls, area: BaseGeometry | Mapping[str, Any], cell_m: float = DEFAULT_CELL_M
    ) -> SquareGrid:
        """The grid over ``area``, a (Multi)Polygon in WGS84 (lon/lat) or its GeoJSON."""
        geometry = area if isinstance(area, BaseGeometry) else shape(area)
        if not isinstance(geometry, Polygon | MultiPolygon) or geometry.is_empty:
            raise ValueError("the study area must be a non-empty Polygon or MultiPolygon")
        projected = shapely.transform(geometry, _to_sweref().transform, interleaved=False)
        return cls.over_projected(projected, cell_m)

    @classmethod
    def over_projected(
        cls, area: Polygon | MultiPolygon, cell_m: float = DEFAULT_CELL_M
    ) -> SquareGrid:
        """The grid over ``area`` given in SWEREF 99 TM metres."""
        if not cell_m > 0:
            raise ValueError("the cell size must be a positive number of metres")
        if not isinstance(area, Polygon | MultiPolygon) or area.is_empty:
            raise ValueError("the study area must be a non-empty Polygon or MultiPolygon")
        projected = area
        min_x, min_y, max_x, max_y = projected.bounds
        if not all(np.isfinite([min_x, min_y, max_x, max_y])):
            raise ValueError("the study area has coordinates outside SWEREF 99 TM's range")
        x0 = float(np.floor(min_x / cell_m) * cell_m)
        y0 = float(np.floor(min_y / cell_m) * cell_m)
        n_cols = max(1, int(np.ceil((max_x - x0) / cell_m)))
        n_rows = max(1, int(np.ceil((max_y - y0) / cell_m)))
        if n_rows * n_cols > MAX_CELLS:
            raise ValueError(
                f"a {cell_m:g} m grid over this area would have {n_rows * n_cols:,} cells; "
                "choose larger cells"
            )
        rows, cols = np.divmod(np.arange(n_rows * n_cols), n_cols)
        west = x0 + cols * cell_m
        south = y0 + rows * cell_m
        boxes = shapely.box(west, south, west + cell_m, south + cell_m)
        shapely.prepare(projected)
        overlaps = shapely.intersects(projected, boxes)
        candidates = np.nonzero(overlaps)[0]
        # A cell that shares only an edge or a corner with the area is not part of it.
        overlaps[candidates[shapely.touches(projected, boxes[candidates])]] = False
        return cls(
            cell_m=float(cell_m),
            x0=x0,
            y0=y0,
            n_rows=n_rows,
            n_cols=n_cols,
            mask=overlaps.reshape(n_rows, n_cols),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_rows, self.n_cols

    @property
    def n_cells(self) -> int:
        """How many cells belong to the study area."""
        return int(self.mask.sum())

    def cells_of(self, lon: object, lat: object) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of each WGS84 point, −1 for both where the point is in no cell.

        A point on an edge between two cells belongs to the cell east (or north) of it.
        """
        x, y = _to_sweref().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return self.cells_of_projected(x, y)

    def cells_of_projected(self, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`cells_of` for points already in SWEREF 99 TM (easting x, northing y)."""
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_m)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_m)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        row = np.where(inside, row, -1).astype(np.int64)
        col = np.where(inside, col, -1).astype(np.int64)
        inside[inside] = self.mask[row[inside], col[inside]]
        return np.where(inside, row, -1), np.where(inside, col, -1)

    def counts(self, lon: object, lat: object) -> np.ndarray:
        """Points per cell as an (n_rows, n_cols) integer array; 0 for cells outside the area.

        Points outside every cell of the study area are not counted.
        """
        x, y = _to_sweref().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return self.counts_projected(x, y)

    def counts_projected(self, x: object, y: object) -> np.ndarray:
        """As :meth:`counts` for points already in SWEREF 99 TM.

        The same cells as :meth:`cells_of_projected` (the same floor of the same quotient),
        counted without a Python object or a boolean selection per point: every point gets
        the index of its cell in the grid padded by one cell on each side, where the padding
        stands for "no cell" (outside the grid, or not a number), and one ``np.bincount``
        counts them all; cells outside the area are then zeroed by the mask.
        """
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_m)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_m)
        # fmax/fmin (not clip) so that NaN lands in the padding too.
        np.fmin(np.fmax(col, -1.0, out=col), float(self.n_cols), out=col)
        np.fmin(np.fmax(row, -1.0, out=row), float(self.n_rows), out=row)
        width = self.n_cols + 2
        row += 1.0
        row *= width
        row += col
        row += 1.0
        flat = row.astype(np.intp)
        padded = np.bincount(flat, minlength=(self.n_rows + 2) * width)
        counts = padded.reshape(self.n_rows + 2, width)[1:-1, 1:-1]
        return np.where(self.mask, counts, 0).astype(np.int64)

    def counts_of_cells(self, ix: object, iy: object, n: object) -> np.ndarray:
        """Counts from points already binned on the national lattice of this cell size.

        ``ix`` = floor(x / cell_m) and ``iy`` = floor(y / cell_m) of SWEREF 99 TM coordinates
        with ``n`` points each — what a ``GROUP BY`` in the database returns when incidents
        carry their projected coordinates. Cells outside the study area are left out.
        """
        col = np.asarray(ix, dtype=np.int64) - round(self.x0 / self.cell_m)
        row = np.asarray(iy, dtype=np.int64) - round(self.y0 / self.cell_m)
        weights = np.asarray(n, dtype=np.int64)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        inside[inside] = self.mask[row[inside], col[inside]]
        flat = row[inside] * self.n_cols + col[inside]
        counts = np.bincount(flat, weights=weights[inside], minlength=self.n_rows * self.n_cols)
        return counts.astype(np.int64).reshape(self.n_rows, self.n_cols)

    def cell_corners(self, rows: object, cols: object) -> tuple[np.ndarray, np.ndarray]:
        """South-west corners (x, y) in SWEREF 99 TM of the cells given by row and column."""
        return (
            self.x0 + np.asarray(cols) * self.cell_m,
            self.y0 + np.asarray(rows) * self.cell_m,
        )

    def cell_rings(self, rows: object, cols: object) -> tuple[np.ndarray, np.ndarray]:
        """WGS84 outlines of the cells given: longitudes and latitudes as (cells, 5) arrays.

        Corners SW, SE, NE, NW and SW again (counter-clockwise, closed), each projected
        exactly in one transform for all cells; in WGS84 the cell is a slightly skewed
        quadrilateral, as a SWEREF square is. Rounded to 7 decimals (~1 cm).
        """
        west, south = self.cell_corners(rows, cols)
        west = np.atleast_1d(west).astype(float)
        south = np.atleast_1d(south).astype(float)
        size = self.cell_m
        xs = np.stack([west, west + size, west + size, west, west], axis=1)
        ys = np.stack([south, south, south + size, south + size, south], axis=1)
        lon, lat = _from_sweref().transform(xs, ys)
        return np.round(lon, 7), np.round(lat, 7)

    def cell_polygons(self, rows: object, cols: object) -> list[dict[str, Any]]:
        """GeoJSON Polygons in WGS84 for the cells given (outlines as :meth:`cell_rings`)."""
        lon, lat = self.cell_rings(rows, cols)
        rings = np.stack([lon, lat], axis=2).tolist()
        return [{"type": "Polygon", "coordinates": [ring]} for ring in rings]
