"""Point-in-area lookup over the stored boundaries.

The STRtree is built once per process and rebuilt when the areas change (detected through
the count and the latest ``updated_at``), so a burst of incident imports pays for it once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from trygg.lib.geo import AreaIndex, area_km2
from trygg.places.models import Area, AreaKind


@dataclass(frozen=True)
class _Entry:
    id: int
    rank: int
    km2: float


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
    """Every area whose boundary contains the point, most specific first.

    "Most specific" is the finest kind (plats before stadsdel before kommun) and, among areas
    of the same kind, the smallest.
    """
    entries: list[_Entry] = _index().containing(lat, lon)
    entries.sort(key=lambda e: (-e.rank, e.km2))
    by_id = Area.objects.in_bulk([e.id for e in entries])
    return [by_id[e.id] for e in entries if e.id in by_id]


def area_at(lat: float, lon: float) -> Area | None:
    """The most specific area containing the point, or None when it lies outside them all."""
    found = areas_at(lat, lon)
    return found[0] if found else None
