"""Swedish municipalities and counties as areas, created on demand from SCB's list."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trygg.places.models import Area, AreaKind

MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "data" / "kommuner.csv"


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    county_name: str


@cache
def municipalities() -> dict[str, Municipality]:
    """Municipalities by lower-case name."""
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        rows = [
            Municipality(
                r["municipality_code"], r["municipality_name"], r["county_code"], r["county_name"]
            )
            for r in csv.DictReader(handle)
        ]
    return {m.name.lower(): m for m in rows}


@cache
def counties() -> dict[str, tuple[str, str]]:
    """(code, name) of each county by lower-case name."""
    return {
        m.county_name.lower(): (m.county_code, m.county_name) for m in municipalities().values()
    }


class AreaRegistry:
    """Finds or creates the municipality or county area for a name from the police feed.

    Existing areas are matched by official code first (Stockholm's demo area has code 0180),
    then by name among roots and counties' children; missing ones are created under their
    county, which is created as a root when needed.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, Area] = {}
        self.created: list[Area] = []

    def area_for(self, name: str) -> Area | None:
        key = name.strip().lower()
        if key in self._by_key:
            return self._by_key[key]
        area: Area | None = None
        if key in municipalities():
            area = self._municipality(municipalities()[key])
        elif key in counties():
            area = self._county(*counties()[key])
        if area is not None:
            self._by_key[key] = area
        return area

    def _county(self, code: str, name: str) -> Area:
        found = (
            Area.objects.filter(kind=AreaKind.LAN, code=code).first()
            or Area.objects.filter(kind=AreaKind.LAN, name__iexact=name).first()
        )
        if found is None:
            found = Area.objects.create(name=name, kind=AreaKind.LAN, code=code)
            self.created.append(found)
        return found

    def _municipality(self, municipality: Municipality) -> Area:
        found = (
            Area.objects.filter(kind=AreaKind.KOMMUN, code=municipality.code).first()
            or Area.objects.filter(kind=AreaKind.KOMMUN, name__iexact=municipality.name).first()
        )
        if found is None:
            county = self._county(municipality.county_code, municipality.county_name)
            found = Area.objects.create(
                name=municipality.name,
                kind=AreaKind.KOMMUN,
                code=municipality.code,
                parent=county,
            )
            self.created.append(found)
        return found
