"""Import area boundaries from GeoJSON files.

All features are read and validated before anything is written; the write is one transaction,
so a file with one bad feature changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trygg.lib.geo import GeometryError, clean_boundary
from trygg.lib.text import title_case
from trygg.places.models import Area, AreaKind

WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG:6.6:4326",
}


class AreaImportError(Exception):
    """The file cannot be imported; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ParsedArea:
    name: str
    geometry: dict[str, Any]
    repaired: bool
    code: str = ""
    population: int | None = None


@dataclass
class AreaImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    skipped: int = 0


def find_area(reference: str) -> Area:
    """An area by name, or by path "Stockholm > Hägersten-Älvsjö" when the name is ambiguous."""
    parts = [p.strip() for p in reference.split(">") if p.strip()]
    if not parts:
        raise AreaImportError([_("No area given.")])
    matches = list(Area.objects.filter(name__iexact=parts[-1]).select_related("parent"))
    if len(parts) > 1:
        matches = [
            a for a in matches if _path_names(a)[-len(parts) :] == [p.lower() for p in parts]
        ]
    if not matches:
        raise AreaImportError([_("There is no area called “%(name)s”.") % {"name": reference}])
    if len(matches) > 1:
        paths = ", ".join(" > ".join(_path_names(a, keep_case=True)) for a in matches)
        raise AreaImportError(
            [
                _("“%(name)s” is ambiguous (%(paths)s); give the path with “>”.")
                % {"name": reference, "paths": paths}
            ]
        )
    return matches[0]


def _path_names(area: Area, keep_case: bool = False) -> list[str]:
    names = []
    node: Area | None = area
    while node is not None:
        names.append(node.name if keep_case else node.name.lower())
        node = node.parent
    return list(reversed(names))


def read_geojson(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AreaImportError([_("The file %(path)s does not exist.") % {"path": path}]) from None
    except UnicodeDecodeError:
        raise AreaImportError(
            [_("The file %(path)s is not UTF-8 text as GeoJSON must be.") % {"path": path}]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AreaImportError(
            [
                _("The file is not valid JSON (line %(line)s, column %(col)s).")
                % {"line": error.lineno, "col": error.colno}
            ]
        ) from None
    if not isinstance(data, dict):
        raise AreaImportError([_("The file is not a GeoJSON object.")])
    return data


def parse_features(
    data: dict[str, Any],
    *,
    name_property: str,
    code_property: str | None = None,
    population_property: str | None = None,
    only: Iterable[str] | None = None,
) -> tuple[list[ParsedArea], int]:
    """The features of a GeoJSON document as areas, or AreaImportError listing every problem.

    Returns the parsed areas and how many features ``only`` left out.
    """
    crs = (data.get("crs") or {}).get("properties", {}).get("name")
    if crs and crs not in WGS84_CRS_NAMES:
        raise AreaImportError(
            [
                _(
                    "The file is in the coordinate system %(crs)s; Trygg needs WGS84 "
                    "(EPSG:4326, longitude/latitude). Export it again in WGS84."
                )
                % {"crs": crs}
            ]
        )
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise AreaImportError([_("The FeatureCollection has no list of features.")])
    elif kind == "Feature":
        features = [data]
    else:
        raise AreaImportError(
            [
                _("The file is a GeoJSON %(type)s; a FeatureCollection or Feature is needed.")
                % {"type": kind or "?"}
            ]
        )
    wanted = {w.strip().lower() for w in only} if only is not None else None
    problems: list[str] = []
    parsed: list[ParsedArea] = []
    seen: dict[str, int] = {}
    skipped = 0
    for number, feature in enumerate(features, start=1):
        where = _("feature %(n)s") % {"n": number}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(where)s is not a GeoJSON Feature.") % {"where": where})
            continue
        props = feature.get("properties") or {}
        raw_name = props.get(name_property)
        if not isinstance(raw_name, str) or not raw_name.strip():
            problems.append(
                _("%(where)s has no property “%(prop)s” with a name.")
                % {"where": where, "prop": name_property}
            )
            continue
        name = title_case(raw_name)
        if (
            wanted is not None
            and raw_name.strip().lower() not in wanted
            and name.lower() not in wanted
        ):
            skipped += 1
            continue
        where = f"{where} ({name})"
        if name.lower() in seen:
            problems.append(
                _("%(where)s has the same name as feature %(other)s.")
                % {"where": where, "other": seen[name.lower()]}
            )
            continue
        seen[name.lower()] = number
        try:
            clean = clean_boundary(feature.get("geometry"))
        except GeometryError as error:
            problems.append(f"{where}: {error}")
            continue
        area = ParsedArea(name=name, geometry=clean.geojson, repaired=clean.repaired)
        if code_property:
            area.code = str(props.get(code_property) or "").strip()
        if population_property and props.get(population_property) not in (None, ""):
            try:
                area.population = int(props[population_property])
            except (TypeError, ValueError):
                problems.append(
                    _("%(where)s: population “%(value)s” is not a whole number.")
                    % {"where": where, "value": props[population_property]}
                )
                continue
        parsed.append(area)
    if wanted is not None:
        found = {p.name.lower() for p in parsed} | set(seen)
        missing = sorted(w for w in wanted if w not in found and title_case(w).lower() not in found)
        if missing:
            problems.append(
                _("The file has no features named: %(names)s.") % {"names": ", ".join(missing)}
            )
    if problems:
        raise AreaImportError(problems)
    if not parsed:
        raise AreaImportError([_("The file contains no features to import.")])
    return parsed, skipped


def import_areas(
    path: Path,
    *,
    kind: str,
    parent: Area | None,
    name_property: str = "name",
    code_property: str | None = None,
    population_property: str | None = None,
    only: Iterable[str] | None = None,
    dry_run: bool = False,
) -> AreaImportResult:
    """Create or update one area per feature under ``parent``; all or nothing."""
    if kind not in AreaKind.values:
        raise AreaImportError([_("Unknown area kind “%(kind)s”.") % {"kind": kind}])
    if parent is not None and AreaKind.rank(parent.kind) > AreaKind.rank(kind):
        raise AreaImportError(
            [
                _("A %(kind)s cannot lie inside the %(parent_kind)s %(parent)s.")
                % {
                    "kind": AreaKind(kind).label,
                    "parent_kind": parent.get_kind_display(),
                    "parent": parent.name,
                }
            ]
        )
    parsed, skipped = parse_features(
        read_geojson(path),
        name_property=name_property,
        code_property=code_property,
        population_property=population_property,
        only=only,
    )
    result = AreaImportResult(skipped=skipped)
    existing = {
        a.name.lower(): a
        for a in Area.objects.filter(parent=parent, name__in=[p.name for p in parsed])
    }
    with transaction.atomic():
        for item in parsed:
            area = existing.get(item.name.lower())
            if area is None:
                area = Area(name=item.name, kind=kind, parent=parent)
                result.created.append(item.name)
            else:
                result.updated.append(item.name)
            area.kind = kind
            area.geometry = item.geometry
            if item.code:
                area.code = item.code
            if item.population is not None:
                area.population = item.population
            if item.repaired:
                result.repaired.append(item.name)
            area.save()
        if dry_run:
            transaction.set_rollback(True)
    return result
