"""Areas as GeoJSON FeatureCollections for the pages' Leaflet maps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from trygg.places.models import Area, AreaTree


def feature_collection(areas: Iterable[Area]) -> dict[str, Any]:
    features = []
    for area in areas:
        if area.geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {
                    "id": area.pk,
                    "name": area.name,
                    "kind": area.kind,
                    "kind_label": str(area.get_kind_display()),
                    "classification": area.police_classification,
                    "classification_label": str(area.get_police_classification_display())
                    if area.police_classification
                    else "",
                    "url": reverse("places:detail", args=[area.pk]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def top_areas(areas: Iterable[Area]) -> list[Area]:
    """The areas whose parent is not among them: the tops of a scoped selection."""
    listed = list(areas)
    ids = {a.pk for a in listed}
    return [a for a in listed if a.parent_id not in ids]


def map_areas_for_roots(roots: Iterable[Area], tree: AreaTree, levels: int = 3) -> list[Area]:
    """What to draw for a set of root areas: each root and up to ``levels`` levels below it.

    For a district that is the district, its neighbourhoods and their places; for a whole
    region the deeper levels are left to each area's own page.
    """
    ids: set[int] = set()
    frontier = {root.pk for root in roots}
    for _level in range(levels + 1):
        ids |= frontier
        frontier = {child for node in frontier for child in tree.children.get(node, [])}
    return list(Area.objects.filter(pk__in=ids))
