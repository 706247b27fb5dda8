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
                (_Entry(pk, AreaKind.rank(kind), area_km2(geom)), geom) for pk, kind, geom in rows
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
    index = _index()
    lats = np.fromiter((p[0] for p in points), dtype=float, count=len(points))
    lons = np.fromiter((p[1] for p in points), dtype=float, count=len(points))
    geoms = shapely.points(lons, lats)
    point_idx, area_idx = index.query_many(geoms)
    best: list[_Entry | None] = [None] * len(points)
    for p, a in zip(point_idx.tolist(), area_idx.tolist(), strict=True):
        entry: _Entry = index.key(a)
        if allowed is not None and entry.id not in allowed:
            continue
        current = best[p]
        if current is None or entry.specificity < current.specificity:
            best[p] = entry
    return [e.id if e is not None else None for e in best]
