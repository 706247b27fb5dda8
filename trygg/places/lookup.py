"""Point-in-area lookup over the stored boundaries.

The STRtree is built once per process and rebuilt when the areas change (detected through
the count and the latest ``updated_at``), so a burst of incident imports pays for it once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max

from trygg.lib.geo import AreaIndex, area_km2
from trygg.places.models import Area, AreaKind


@dataclass(frozen=True)
class _Entry:
    id: int
    rank: int
    km2: float

    @property
    def specificity(self) -> tuple[int, float]:
        # Finest kind first (plats before stadsdel before kommun), then the smallest.
        return (-self.rank, self.km2)


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], AreaIndex] | None = None


def _index() -> AreaIndex:
    global _cached
    stamp = Area.objects.with_boundary().aggregate(n=Count("id"), latest=Max("updated_at"))
    version = (stamp["n"], stamp["latest"])
    with _lock:
        if _cached is None or _cached[0] != version:
            rows = Area.objects.with_boundary().values_list("id", "kind", "geometry")
            index = AreaIndex(
                (_Entry(pk, AreaKind.rank(kind), area_km2(geom)), geom)
                for pk, kind, geom in rows
                if geom is not None  # with_boundary() excludes them; this tells the types
            )
            _cached = (version, index)
        return _cached[1]


def areas_at(lat: float, lon: float) -> list[Area]:
    """Every area whose boundary contains the point, most specific first."""
    entries: list[_Entry] = sorted(_index().containing(lat, lon), key=lambda e: e.specificity)
    by_id = Area.objects.in_bulk([e.id for e in entries])
    return [by_id[e.id] for e in entries if e.id in by_id]


def area_at(lat: float, lon: float) -> Area | None:
    """The most specific area containing the point, or None when it lies outside them all."""
    found = areas_at(lat, lon)
    return found[0] if found else None


def locate_many(
    points: Sequence[tuple[float, float]], *, allowed: set[int] | None = None
) -> list[int | None]:
    """The most specific area id for each (lat, lon), in one vectorised query.

    With ``allowed``, only those areas are candidates (e.g. the importing user's scope).
    """
    if not points:
        return []
    lats = np.fromiter((p[0] for p in points), dtype=float, count=len(points))
    lons = np.fromiter((p[1] for p in points), dtype=float, count=len(points))
    found = locate_coordinates(lats, lons, allowed=allowed)
    return [int(a) if a else None for a in found.tolist()]


def area_index() -> AreaIndex:
    """The current boundaries' index (to pass to ``locate_coordinates`` when no query may
    run meanwhile, e.g. while a COPY is open on the connection)."""
    return _index()


def locate_coordinates(
    lats: np.ndarray,
    lons: np.ndarray,
    *,
    allowed: set[int] | None = None,
    exact: bool = False,
    index: AreaIndex | None = None,
) -> np.ndarray:
    """``locate_many`` for coordinate arrays: the area id per point, 0 where none.

    The boundaries containing each point come from the index's grid classification
    (``AreaIndex.query_coordinates``); ``exact`` tests every point on its own instead (the
    same answer, slower; the tests compare the two). Among them the most specific wins (see
    ``_Entry.specificity``), the one given first on a tie.
    """
    if index is None:
        index = _index()
    if exact:
        point_idx, area_idx = index.query_many(shapely.points(lons, lats))
    else:
        point_idx, area_idx = index.query_coordinates(lons, lats)
    entries: list[_Entry] = [index.key(i) for i in range(len(index))]
    ids = np.array([e.id for e in entries], dtype=np.int64)
    # Each boundary's place in the order of specificity; a lower place wins.
    order = sorted(range(len(entries)), key=lambda i: (entries[i].specificity, i))
    place = np.empty(len(entries), dtype=np.int64)
    place[order] = np.arange(len(entries))
    if allowed is not None:
        keep = np.isin(ids[area_idx], np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        point_idx, area_idx = point_idx[keep], area_idx[keep]
    best = np.full(len(lats), len(entries), dtype=np.int64)
    np.minimum.at(best, point_idx, place[area_idx])
    by_place = np.append(ids[order], 0) if entries else np.zeros(1, dtype=np.int64)
    return by_place[best]
