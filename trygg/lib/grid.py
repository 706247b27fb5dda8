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
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike
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
        return cls(
            cell_m=float(cell_m),
            x0=x0,
            y0=y0,
            n_rows=n_rows,
            n_cols=n_cols,
            mask=_cells_overlapping(projected, x0, y0, float(cell_m), n_rows, n_cols),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_rows, self.n_cols

    @property
    def n_cells(self) -> int:
        """How many cells belong to the study area."""
        return int(self.mask.sum())

    def cells_of(self, lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of each WGS84 point, −1 for both where the point is in no cell.

        A point on an edge between two cells belongs to the cell east (or north) of it.
        """
        x, y = _to_sweref().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return self.cells_of_projected(x, y)

    def cells_of_projected(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`cells_of` for points already in SWEREF 99 TM (easting x, northing y)."""
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_m)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_m)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        row = np.where(inside, row, -1).astype(np.int64)
        col = np.where(inside, col, -1).astype(np.int64)
        inside[inside] = self.mask[row[inside], col[inside]]
        return np.where(inside, row, -1), np.where(inside, col, -1)

    def counts(
        self, lon: ArrayLike, lat: ArrayLike, weights: ArrayLike | None = None
    ) -> np.ndarray:
        """Points per cell as an (n_rows, n_cols) integer array; 0 for cells outside the area.

        Points outside every cell of the study area are not counted. Exactly the cells of
        :meth:`cells_of`; for many points most are placed by :class:`LocalFit` (a polynomial
        in place of the projection, a few array operations instead of PROJ per point) and
        only those it cannot place for certain are projected. With ``weights`` (one per
        point), each cell holds its points' summed weights instead (floats).
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        fit = self.local_fit if lon.size >= FIT_MIN_POINTS else None
        if fit is None:
            x, y = _to_sweref().transform(lon, lat)
            return self.counts_projected(x, y, weights)
        col, row, sure = fit.cell_positions(self, lon, lat)
        flat = self._padded_index(col, row)
        unsure = np.flatnonzero(~sure)
        if unsure.size:
            x, y = _to_sweref().transform(lon[unsure], lat[unsure])
            flat[unsure] = self._padded_index(
                np.floor((x - self.x0) / self.cell_m), np.floor((y - self.y0) / self.cell_m)
            )
        return self._count_padded(flat, weights)

    def counts_projected(
        self, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None
    ) -> np.ndarray:
        """As :meth:`counts` for points already in SWEREF 99 TM.

        The same cells as :meth:`cells_of_projected` (the same floor of the same quotient),
        counted without a Python object or a boolean selection per point: every point gets
        the index of its cell in the grid padded by one cell on each side, where the padding
        stands for "no cell" (outside the grid, or not a number), and one ``np.bincount``
        counts them all; cells outside the area are then zeroed by the mask.
        """
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_m)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_m)
        return self._count_padded(self._padded_index(col, row), weights)

    def _padded_index(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Flat index in the padded grid of cells given by floored column and row (overwritten)."""
        # fmax/fmin (not clip) so that NaN lands in the padding too.
        np.fmin(np.fmax(col, -1.0, out=col), float(self.n_cols), out=col)
        np.fmin(np.fmax(row, -1.0, out=row), float(self.n_rows), out=row)
        row += 1.0
        row *= self.n_cols + 2
        row += col
        row += 1.0
        return row.astype(np.intp)

    def _count_padded(self, flat: np.ndarray, weights: ArrayLike | None = None) -> np.ndarray:
        width = self.n_cols + 2
        size = (self.n_rows + 2) * width
        if weights is not None:
            summed = np.bincount(flat, weights=np.asarray(weights, dtype=float), minlength=size)
            return np.where(self.mask, summed.reshape(self.n_rows + 2, width)[1:-1, 1:-1], 0.0)
        padded = np.bincount(flat, minlength=size)
        counts = padded.reshape(self.n_rows + 2, width)[1:-1, 1:-1]
        return np.where(self.mask, counts, 0).astype(np.int64)

    @cached_property
    def local_fit(self) -> LocalFit | None:
        """The projection as polynomials over this grid, or None where none is close enough."""
        return LocalFit.over(self)

    def counts_of_cells(self, ix: ArrayLike, iy: ArrayLike, n: ArrayLike) -> np.ndarray:
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

    def cell_corners(self, rows: ArrayLike, cols: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """South-west corners (x, y) in SWEREF 99 TM of the cells given by row and column."""
        return (
            self.x0 + np.asarray(cols) * self.cell_m,
            self.y0 + np.asarray(rows) * self.cell_m,
        )

    def cell_rings(self, rows: ArrayLike, cols: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
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

    def cell_polygons(self, rows: ArrayLike, cols: ArrayLike) -> list[dict[str, Any]]:
        """GeoJSON Polygons in WGS84 for the cells given (outlines as :meth:`cell_rings`)."""
        lon, lat = self.cell_rings(rows, cols)
        rings = np.stack([lon, lat], axis=2).tolist()
        return [{"type": "Polygon", "coordinates": [ring]} for ring in rings]


def _cells_overlapping(
    area: Polygon | MultiPolygon, x0: float, y0: float, cell_m: float, n_rows: int, n_cols: int
) -> np.ndarray:
    """Whether each cell's interior overlaps the area, as (n_rows, n_cols) booleans.

    A cell whose interior the area's boundary does not cross lies wholly inside or wholly
    outside the area, and its centre says which: one vectorised point-in-polygon test for
    all of them. Only the cells the boundary may cross — those within the bounding box of a
    boundary segment, with a cell to spare on each side — get the exact test: the square
    intersects the area and does not merely touch it (an edge or a corner in common).
    """
    shapely.prepare(area)
    n_cells = n_rows * n_cols
    rings = shapely.get_rings(shapely.get_parts(area))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = ring[:-1] == ring[1:]
    start, end = coords[:-1][same_ring], coords[1:][same_ring]

    def span(a: np.ndarray, b: np.ndarray, origin: float, n: int) -> tuple[np.ndarray, np.ndarray]:
        low = np.floor((np.minimum(a, b) - origin) / cell_m) - 1
        high = np.floor((np.maximum(a, b) - origin) / cell_m) + 1
        return (
            np.clip(low, 0, n - 1).astype(np.int64),
            np.clip(high, 0, n - 1).astype(np.int64),
        )

    col_low, col_high = span(start[:, 0], end[:, 0], x0, n_cols)
    row_low, row_high = span(start[:, 1], end[:, 1], y0, n_rows)
    widths = col_high - col_low + 1
    sizes = widths * (row_high - row_low + 1)
    near = np.zeros(n_cells, dtype=bool)
    if sizes.sum() > 8 * n_cells:  # long diagonal edges: test every cell exactly
        near[:] = True
    elif sizes.size:
        segment = np.repeat(np.arange(sizes.size), sizes)
        offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        row = row_low[segment] + offset // widths[segment]
        col = col_low[segment] + offset % widths[segment]
        near[row * n_cols + col] = True
    rows, cols = np.divmod(np.arange(n_cells), n_cols)
    west = x0 + cols * cell_m
    south = y0 + rows * cell_m
    inside = np.zeros(n_cells, dtype=bool)
    far = np.flatnonzero(~near)
    inside[far] = shapely.contains_xy(area, west[far] + cell_m / 2, south[far] + cell_m / 2)
    close = np.flatnonzero(near)
    boxes = shapely.box(west[close], south[close], west[close] + cell_m, south[close] + cell_m)
    overlaps = shapely.intersects(area, boxes)
    # A cell that shares only an edge or a corner with the area is not part of it.
    overlaps[overlaps] = ~shapely.touches(area, boxes[overlaps])
    inside[close] = overlaps
    return inside.reshape(n_rows, n_cols)


# From this many points on, ``SquareGrid.counts`` places points with a LocalFit.
FIT_MIN_POINTS = 20_000


@dataclass(frozen=True, eq=False)
class LocalFit:
    """SWEREF 99 TM easting and northing as polynomials in longitude and latitude over a box.

    Over a kommun the projection is smooth enough that a polynomial of degree 2 or 3 in
    (u, v) — longitude and latitude scaled to −1 … 1 over a box round the grid — is within
    centimetres (degree 2) or micrometres (degree 3) of PROJ. ``bound`` is four times the
    largest difference found on a 41 × 41 lattice over the box (edges and corners, where a
    least-squares fit errs most, included) plus a millimetre. A point whose fitted position
    lies further than ``bound`` from every cell edge is in that cell whatever PROJ would say
    (floor of the same quotient), so only points closer to an edge than that (a few in a
    thousand), outside the box or not numbers need the exact projection: the counts equal
    those from projecting every point.
    """

    west: float
    east: float
    south: float
    north: float
    x_coefficients: np.ndarray  # [i, j]: the coefficient of uⁱ vʲ
    y_coefficients: np.ndarray
    bound: float

    # Degrees tried, and the largest bound (as a share of the cell) worth using.
    DEGREES = (2, 3)
    MAX_BOUND_SHARE = 0.01

    @classmethod
    def over(cls, grid: SquareGrid) -> LocalFit | None:
        steps = np.linspace(0.0, 1.0, 65)
        width, height = grid.n_cols * grid.cell_m, grid.n_rows * grid.cell_m
        edge_x = np.concatenate(
            [
                grid.x0 + steps * width,
                np.full(65, grid.x0 + width),
                grid.x0 + steps * width,
                np.full(65, grid.x0),
            ]
        )
        edge_y = np.concatenate(
            [
                np.full(65, grid.y0),
                grid.y0 + steps * height,
                np.full(65, grid.y0 + height),
                grid.y0 + steps * height,
            ]
        )
        lon, lat = _from_sweref().transform(edge_x, edge_y)
        if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
            return None
        pad_lon = (lon.max() - lon.min()) * 0.01 + 1e-4
        pad_lat = (lat.max() - lat.min()) * 0.01 + 1e-4
        box = (lon.min() - pad_lon, lon.max() + pad_lon, lat.min() - pad_lat, lat.max() + pad_lat)
        nodes = np.cos(np.pi * (np.arange(16) + 0.5) / 16)  # Chebyshev nodes on −1 … 1
        lattice = np.linspace(-1.0, 1.0, 41)
        for degree in cls.DEGREES:
            fit = cls._fitted(box, degree, nodes)
            u, v = (a.ravel() for a in np.meshgrid(lattice, lattice))
            lon_check, lat_check = fit._lonlat(u, v)
            x, y = _to_sweref().transform(lon_check, lat_check)
            fx, fy = fit._xy(u, v)
            worst = max(float(np.max(np.abs(fx - x))), float(np.max(np.abs(fy - y))))
            bound = 4 * worst + 0.001
            if np.isfinite(bound) and bound <= cls.MAX_BOUND_SHARE * grid.cell_m:
                return cls(*box, fit.x_coefficients, fit.y_coefficients, bound)
        return None

    @classmethod
    def _fitted(
        cls, box: tuple[float, float, float, float], degree: int, nodes: np.ndarray
    ) -> LocalFit:
        blank = cls(*box, np.zeros((1, 1)), np.zeros((1, 1)), np.inf)
        u, v = (a.ravel() for a in np.meshgrid(nodes, nodes))
        lon, lat = blank._lonlat(u, v)
        x, y = _to_sweref().transform(lon, lat)
        powers = [(i, j) for i in range(degree + 1) for j in range(degree + 1 - i)]
        design = np.stack([u**i * v**j for i, j in powers], axis=1)
        coefficients = []
        for target in (x, y):
            # Fit about the mean so that the large offsets (hundreds of km) cost no precision.
            centre = float(target.mean())
            solution = np.linalg.lstsq(design, target - centre, rcond=None)[0]
            table = np.zeros((degree + 1, degree + 1))
            for (i, j), value in zip(powers, solution, strict=True):
                table[i, j] = value
            table[0, 0] += centre
            coefficients.append(table)
        return cls(*box, coefficients[0], coefficients[1], np.inf)

    def _lonlat(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        half_lon, half_lat = (self.east - self.west) / 2, (self.north - self.south) / 2
        return self.west + half_lon + u * half_lon, self.south + half_lat + v * half_lat

    def _uv(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        half_lon, half_lat = (self.east - self.west) / 2, (self.north - self.south) / 2
        u = lon - (self.west + half_lon)
        u /= half_lon
        v = lat - (self.south + half_lat)
        v /= half_lat
        return u, v

    @staticmethod
    def _polynomial(table: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Σ table[i, j] uⁱ vʲ by Horner's rule in u, each coefficient a Horner sum in v."""
        degree = table.shape[0] - 1
        result = np.full(u.shape, table[degree, 0])
        inner = np.empty(u.shape)
        for i in range(degree - 1, -1, -1):
            result *= u
            inner.fill(table[i, degree - i])
            for j in range(degree - i - 1, -1, -1):
                inner *= v
                inner += table[i, j]
            result += inner
        return result

    def _xy(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._polynomial(self.x_coefficients, u, v), self._polynomial(
            self.y_coefficients, u, v
        )

    def cell_positions(
        self, grid: SquareGrid, lon: np.ndarray, lat: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Floored column and row of each point by the fit, and whether that is certain."""
        with np.errstate(invalid="ignore", over="ignore"):  # NaN and ±inf: not sure
            return self._cell_positions(grid, lon, lat)

    def _cell_positions(
        self, grid: SquareGrid, lon: np.ndarray, lat: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, v = self._uv(lon, lat)
        sure = np.abs(u) <= 1.0  # NaN compares false: not sure
        sure &= np.abs(v) <= 1.0
        margin = self.bound / grid.cell_m
        positions = []
        for table, origin in ((self.x_coefficients, grid.x0), (self.y_coefficients, grid.y0)):
            position = self._polynomial(table, u, v)
            position -= origin
            position /= grid.cell_m
            floored = np.floor(position)
            position -= floored  # the fraction of the cell, 0 … 1
            sure &= position > margin
            sure &= position < 1.0 - margin
            positions.append(floored)
        return positions[0], positions[1], sure


def lattice_centres(lat: object, lon: object, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The centre (lat, lon) of the national lattice's cell each WGS84 point lies in.

    The lattice is every grid's: SWEREF 99 TM squares of ``cell_m`` metres with edges on
    multiples of it, so a point becomes the same centre whatever else is asked with it (with
    1,000 m, SCB's statistical squares). Points outside the projection's range give NaN.
    """
    if not cell_m > 0:
        raise ValueError("the cell size must be a positive number of metres")
    with np.errstate(invalid="ignore"):
        x, y = _to_sweref().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        x = (np.floor(np.asarray(x) / cell_m) + 0.5) * cell_m
        y = (np.floor(np.asarray(y) / cell_m) + 0.5) * cell_m
        finite = np.isfinite(x) & np.isfinite(y)
        centre_lon, centre_lat = _from_sweref().transform(
            np.where(finite, x, np.nan), np.where(finite, y, np.nan)
        )
    return np.asarray(centre_lat, dtype=float), np.asarray(centre_lon, dtype=float)
