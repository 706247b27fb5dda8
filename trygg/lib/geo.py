"""GeoJSON boundaries in WGS84: validation, repair and point-in-area lookup.

Pure shapely and pyproj; no GDAL. Geometries are kept as GeoJSON dicts (lon/lat order, as
RFC 7946 says) so that they can be stored in a JSON column on SQLite and PostgreSQL alike.
Messages go through Django's gettext (no settings needed outside a project) so that users
read them in their language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from numpy.typing import ArrayLike
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL_TYPES = ("Polygon", "MultiPolygon")
# AreaIndex.query_coordinates: the first grid has this many cells across the boundaries'
# extent, each next level halves the cell side; cells with fewer points are tested point by point.
GRID_FIRST_CELLS = 8
GRID_LEVELS = 14
GRID_MIN_POINTS = 8


class GeometryError(ValueError):
    """A geometry cannot be used as an area boundary; the message says why, in plain words."""


@dataclass(frozen=True)
class CleanGeometry:
    geojson: dict[str, Any]
    repaired: bool


def _polygonal_part(geometry: BaseGeometry) -> Polygon | MultiPolygon | None:
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    polygons: list[Polygon] = []
    for part in getattr(geometry, "geoms", ()):
        found = _polygonal_part(part)
        if isinstance(found, Polygon):
            polygons.append(found)
        elif isinstance(found, MultiPolygon):
            polygons.extend(found.geoms)
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def clean_boundary(geojson: Mapping[str, Any] | None) -> CleanGeometry:
    """Validate a GeoJSON geometry as a WGS84 boundary, repairing what can be repaired.

    Accepts Polygon and MultiPolygon in lon/lat. Self-intersections and similar faults are
    repaired with ``shapely.make_valid`` (keeping only the polygonal result); anything else
    raises GeometryError with a message that tells the user what to fix.
    """
    if not isinstance(geojson, Mapping) or "type" not in geojson:
        raise GeometryError(_("the geometry is missing or is not a GeoJSON object"))
    kind = geojson.get("type")
    if kind not in POLYGONAL_TYPES:
        raise GeometryError(
            _(
                "the geometry type %(kind)s cannot be an area boundary "
                "(Polygon or MultiPolygon needed)"
            )
            % {"kind": repr(kind)}
        )
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException):
        raise GeometryError(
            _(
                "the coordinates cannot be read as a polygon (each ring needs at least four "
                "points [longitude, latitude], the first and the last the same)"
            )
        ) from None
    if geometry.is_empty:
        raise GeometryError(_("the geometry is empty"))
    minx, miny, maxx, maxy = geometry.bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise GeometryError(_("the geometry has coordinates that are not numbers"))
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise GeometryError(
            _(
                "the coordinates lie outside WGS84 (longitude −180…180, latitude −90…90); "
                "is the file in SWEREF 99 TM or another projected system? "
                "Export it in WGS84 (EPSG:4326)"
            )
        )
    repaired = False
    if not geometry.is_valid:
        fixed = _polygonal_part(shapely.make_valid(geometry))
        if fixed is None or fixed.is_empty or fixed.area == 0:
            reason = shapely.is_valid_reason(geometry)
            raise GeometryError(
                _("the polygon is invalid and cannot be repaired (%(reason)s)") % {"reason": reason}
            )
        geometry = fixed
        repaired = True
    if geometry.area == 0:
        raise GeometryError(_("the polygon has no area"))
    return CleanGeometry(geojson=_as_geojson(geometry), repaired=repaired)


def _as_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    data = mapping(geometry)
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def union(geometries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The union of several GeoJSON boundaries, as one GeoJSON boundary."""
    merged = shapely.union_all([shape(g) for g in geometries])
    polygonal = _polygonal_part(merged)
    if polygonal is None:
        raise GeometryError(_("the union of the geometries has no area"))
    return _as_geojson(polygonal)


@cache
def _to_sweref() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


@cache
def _from_sweref() -> Transformer:
    return Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def project(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitudes and latitudes as SWEREF 99 TM metres (easting x, northing y)."""
    x, y = _to_sweref().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def circle(lat: float, lon: float, radius_m: float) -> dict[str, Any]:
    """A circular boundary of ``radius_m`` metres around a point, drawn in SWEREF 99 TM."""
    x, y = _to_sweref().transform(lon, lat)
    disc = Point(x, y).buffer(radius_m, quad_segs=8)
    return _as_geojson(shapely.transform(disc, _from_sweref().transform, interleaved=False))


def area_km2(geojson: Mapping[str, Any]) -> float:
    """Surface of a WGS84 boundary in square kilometres, measured in SWEREF 99 TM."""
    projected = shapely.transform(shape(geojson), _to_sweref().transform, interleaved=False)
    return float(projected.area) / 1_000_000


def centroid(geojson: Mapping[str, Any]) -> tuple[float, float]:
    """A point inside the boundary as (lat, lon)."""
    point = shape(geojson).representative_point()
    return point.y, point.x


class AreaIndex:
    """Which boundaries contain a coordinate, answered through an STRtree.

    Built once from ``(key, geojson)`` pairs; ``containing(lat, lon)`` returns the keys of every
    boundary that contains or touches the point, in the order they were given.
    """

    def __init__(self, boundaries: Iterable[tuple[Any, Mapping[str, Any]]]) -> None:
        self._keys: list[Any] = []
        geometries: list[BaseGeometry] = []
        for key, geojson in boundaries:
            self._keys.append(key)
            geometries.append(shape(geojson))
        self._geometries = geometries
        self._geometries_array = np.array(geometries, dtype=object)
        self._tree = shapely.STRtree(geometries)
        shapely.prepare(geometries)
        self._bounds = (
            tuple(shapely.total_bounds(self._geometries_array).tolist()) if geometries else ()
        )

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, position: int) -> Any:
        return self._keys[position]

    def query_many(self, points: Any) -> tuple[Any, Any]:
        """For an array of shapely points: (point positions, boundary positions) that intersect."""
        pairs = self._tree.query(points, predicate="intersects")
        return pairs[0], pairs[1]

    def query_coordinates(self, lons: np.ndarray, lats: np.ndarray) -> tuple[Any, Any]:
        """The pairs ``query_many`` gives for these coordinates (in another order), found
        mostly without testing single points.

        The points are binned into square grid cells, coarse first. A cell that every
        boundary touching it covers entirely (or that no boundary touches) answers for all
        its points at once: each point in it lies in exactly those boundaries. Points in the
        other cells go to the next, four times finer grid; after the finest grid, or in a
        cell with few points, each point is tested against the boundaries exactly. Cells are
        tested slightly enlarged, so a point rounded into a neighbouring cell is still inside
        the box that was checked.
        """
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        found_points: list[np.ndarray] = []
        found_areas: list[np.ndarray] = []
        if not len(self._geometries) or not len(lons):
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        minx, miny, maxx, maxy = self._bounds
        inside = (lons >= minx) & (lons <= maxx) & (lats >= miny) & (lats <= maxy)
        rest = np.flatnonzero(inside)  # a point outside every boundary's box is in none
        exact: list[np.ndarray] = []
        size = max(maxx - minx, maxy - miny, 1e-9) / GRID_FIRST_CELLS
        for _level in range(GRID_LEVELS):
            if len(rest) < GRID_MIN_POINTS:
                break
            ix = np.floor((lons[rest] - minx) / size).astype(np.int64)
            iy = np.floor((lats[rest] - miny) / size).astype(np.int64)
            cells, cell_of, per_cell = np.unique(
                ix * (1 << 31) + iy, return_inverse=True, return_counts=True
            )
            busy = per_cell >= GRID_MIN_POINTS  # sparse cells: their points go exact
            cx, cy = cells // (1 << 31), cells % (1 << 31)
            margin = size * 1e-6
            boxes = shapely.box(
                minx + cx[busy] * size - margin,
                miny + cy[busy] * size - margin,
                minx + (cx[busy] + 1) * size + margin,
                miny + (cy[busy] + 1) * size + margin,
            )
            box_idx, area_idx = self._tree.query(boxes, predicate="intersects")
            covered = shapely.covers(self._geometries_array[area_idx], boxes[box_idx])
            mixed = np.zeros(len(boxes), dtype=bool)
            mixed[box_idx[~covered]] = True
            pure = np.zeros(len(cells), dtype=bool)
            pure[np.flatnonzero(busy)[~mixed]] = True
            # Every point of a pure cell lies in each boundary that covers the cell.
            cell_pairs = np.flatnonzero(busy)[box_idx]
            order = np.argsort(cell_pairs, kind="stable")
            pair_cells, pair_areas = cell_pairs[order], area_idx[order]
            first = np.searchsorted(pair_cells, np.arange(len(cells)))
            count = np.searchsorted(pair_cells, np.arange(len(cells)), side="right") - first
            in_pure = np.flatnonzero(pure[cell_of])
            if len(in_pure):
                owner = cell_of[in_pure]
                repeats = count[owner]
                points = np.repeat(rest[in_pure], repeats)
                starts = np.repeat(first[owner], repeats)
                offsets = np.arange(len(points)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
                found_points.append(points)
                found_areas.append(pair_areas[starts + offsets])
            exact.append(rest[~busy[cell_of]])
            rest = rest[busy[cell_of] & ~pure[cell_of]]
            size /= 2
        rest = np.concatenate([*exact, rest])
        if len(rest):
            point_idx, area_idx = self._tree.query(
                shapely.points(lons[rest], lats[rest]), predicate="intersects"
            )
            found_points.append(rest[point_idx])
            found_areas.append(area_idx)
        if not found_points:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(found_points), np.concatenate(found_areas)

    def containing(self, lat: float, lon: float) -> list[Any]:
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        return [self._keys[i] for i in sorted(int(i) for i in hits)]
