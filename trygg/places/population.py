"""Population per area and year, imported from SCB's statistical database (JSON-stat 2).

SCB's PxWeb API answers a table such as BE0101N1 ("Folkmängden per region efter ålder och
kön") in JSON-stat 2 (``"format": "json-stat2"`` in the query, or "Spara som … JSON-stat2" on
the web page): a dataset with dimensions ``Region``, ``ContentsCode`` and ``Tid`` (and any
other the query kept, each with one category such as "totalt"), their categories' codes and
labels, and the figures in one ``value`` array in row-major order (the last dimension varies
fastest) or as an object from position to figure. :func:`parse_jsonstat` reads any such
dataset into (region code, year, population) rows; :func:`import_population` matches region
codes to ``Area.code`` — municipality ``0180``, county ``01``, the country ``00`` ("Riket"),
DeSO ``0180C1010`` and RegSO ``0180R001`` (SCB's suffixes ``_DeSO``/``_RegSO`` dropped) —
and writes one :class:`Population` row per area and year, all or nothing. Codes that match no
area are reported, not refused. JSON-stat 2: https://json-stat.org/format/.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trygg.lib.imports import ImportFailed
from trygg.places.models import Area, Population

# Dimension ids SCB uses; other tables may call them otherwise (role "geo" and "time" say).
REGION_IDS = ("Region", "region")
TIME_IDS = ("Tid", "tid", "Year", "year")
CONTENTS_IDS = ("ContentsCode", "contentscode")
_YEAR = re.compile(r"^\d{4}$")
_SUFFIX = re.compile(r"_(deso|regso)$", re.IGNORECASE)
COUNTRY_CODE = "00"
MAX_POPULATION = 2_000_000_000


@dataclass(frozen=True)
class PopulationRow:
    code: str  # the region code as SCB writes it
    label: str
    year: int
    population: int


@dataclass(frozen=True)
class Dataset:
    """What a JSON-stat 2 file says: its label and source, and the population rows."""

    label: str
    source: str
    rows: tuple[PopulationRow, ...]


@dataclass
class PopulationImportReport:
    label: str = ""
    source: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Region codes no area has, with SCB's label ("0114 Upplands Väsby").
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


def _categories(dimension_id: str, dimension: Any) -> list[tuple[str, str]]:
    """(code, label) of a dimension's categories, in their position order."""
    if not isinstance(dimension, dict) or not isinstance(dimension.get("category"), dict):
        raise ImportFailed(_("The dimension “%(id)s” has no categories.") % {"id": dimension_id})
    category = dimension["category"]
    labels = category.get("label") or {}
    index = category.get("index")
    if index is None:
        # The spec lets a dimension with one category give only its label.
        if not isinstance(labels, dict) or len(labels) != 1:
            raise ImportFailed(
                _("The dimension “%(id)s” has no category index.") % {"id": dimension_id}
            )
        codes = list(labels)
    elif isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        positions = sorted(index.items(), key=lambda item: item[1])
        if [p for _c, p in positions] != list(range(len(positions))):
            raise ImportFailed(
                _("The category index of “%(id)s” does not number 0, 1, 2, …")
                % {"id": dimension_id}
            )
        codes = [str(code) for code, _p in positions]
    else:
        raise ImportFailed(
            _("The category index of “%(id)s” is neither a list nor an object.")
            % {"id": dimension_id}
        )
    if not isinstance(labels, dict):
        labels = {}
    return [(code, str(labels.get(code, code))) for code in codes]


def _find(ids: Sequence[str], wanted: Sequence[str], role: Sequence[str]) -> str | None:
    for dimension_id in ids:
        if dimension_id in wanted:
            return dimension_id
    found = [r for r in role if r in ids]
    return found[0] if len(found) == 1 else None


def _values(data: dict[str, Any], total: int) -> list[Any]:
    value = data.get("value")
    if isinstance(value, list):
        if len(value) != total:
            raise ImportFailed(
                _("The file has %(n)s values where its dimensions make %(total)s.")
                % {"n": len(value), "total": total}
            )
        return value
    if isinstance(value, dict):
        dense: list[Any] = [None] * total
        for key, figure in value.items():
            if not str(key).isdigit() or int(key) >= total:
                raise ImportFailed(
                    _("The value position “%(key)s” lies outside the table.") % {"key": key}
                )
            dense[int(key)] = figure
        return dense
    raise ImportFailed(_("The file has no value array."))


def parse_jsonstat(data: bytes | str) -> Dataset:
    """The population rows of a JSON-stat 2 dataset; ImportFailed when it is not one."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ImportFailed(_("The file is not JSON.")) from None
    if not isinstance(document, dict):
        raise ImportFailed(_("The file is not a JSON-stat 2 dataset."))
    if document.get("class") != "dataset" and "dataset" in document:
        document = document["dataset"]  # JSON-stat 1 wraps it; not supported, say so below
    if not isinstance(document, dict) or document.get("class") != "dataset":
        raise ImportFailed(
            _(
                "The file is not a JSON-stat 2 dataset (“class”: “dataset”). In SCB's "
                "database, save the table as JSON-stat2."
            )
        )
    ids, sizes, dimensions = document.get("id"), document.get("size"), document.get("dimension")
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or len(ids) != len(sizes)
        or not isinstance(dimensions, dict)
        or not all(isinstance(s, int) and s >= 0 for s in sizes)
    ):
        raise ImportFailed(_("The file's id, size and dimension do not agree."))
    ids = [str(i) for i in ids]
    categories = {}
    for dimension_id, size in zip(ids, sizes, strict=True):
        if dimension_id not in dimensions:
            raise ImportFailed(_("The dimension “%(id)s” is not described.") % {"id": dimension_id})
        categories[dimension_id] = _categories(dimension_id, dimensions[dimension_id])
        if len(categories[dimension_id]) != size:
            raise ImportFailed(
                _("The dimension “%(id)s” has %(n)s categories but size %(size)s.")
                % {"id": dimension_id, "n": len(categories[dimension_id]), "size": size}
            )
    role = document.get("role") or {}
    region = _find(ids, REGION_IDS, role.get("geo", []) if isinstance(role, dict) else [])
    time = _find(ids, TIME_IDS, role.get("time", []) if isinstance(role, dict) else [])
    if region is None or time is None:
        raise ImportFailed(
            _("The file needs the dimensions Region and Tid (it has %(ids)s).")
            % {"ids": ", ".join(ids)}
        )
    for dimension_id in ids:
        if dimension_id not in (region, time) and len(categories[dimension_id]) != 1:
            raise ImportFailed(
                _(
                    "The dimension “%(id)s” has %(n)s categories; choose one (e.g. the total) "
                    "in SCB's database, so that every figure is a whole population."
                )
                % {"id": dimension_id, "n": len(categories[dimension_id])}
            )
    years = []
    for code, label in categories[time]:
        if not _YEAR.match(code.strip()):
            raise ImportFailed(
                _("The period “%(code)s” is not a year; choose years in SCB's database.")
                % {"code": label}
            )
        years.append(int(code))
    total = math.prod(sizes)
    values = _values(document, total)
    # Row-major: the position of (i_0, …, i_n) is Σ i_k · Π size_j for j > k.
    region_at, time_at = ids.index(region), ids.index(time)
    strides = [math.prod(sizes[k + 1 :]) for k in range(len(sizes))]
    rows = []
    for r, (code, label) in enumerate(categories[region]):
        for t, year in enumerate(years):
            figure = values[r * strides[region_at] + t * strides[time_at]]
            if figure is None:
                continue  # not published (status ".."): nothing to import
            if (
                isinstance(figure, bool)
                or not isinstance(figure, int | float)
                or figure != int(figure)
                or not 0 <= figure < MAX_POPULATION
            ):
                raise ImportFailed(
                    _("The population of %(region)s in %(year)s, “%(value)s”, is not a count.")
                    % {"region": label, "year": year, "value": figure}
                )
            rows.append(PopulationRow(code.strip(), label, year, int(figure)))
    return Dataset(
        label=str(document.get("label") or ""),
        source=str(document.get("source") or ""),
        rows=tuple(rows),
    )


def region_key(code: str) -> str:
    """A region code as areas hold it: SCB's ``_DeSO``/``_RegSO`` suffix dropped, upper case."""
    return _SUFFIX.sub("", code.strip()).upper()


def import_population(
    data: bytes | str, *, source: str = "", dry_run: bool = False, is_demo: bool = False
) -> PopulationImportReport:
    """Write the file's population rows for the areas whose code they name; all or nothing."""
    dataset = parse_jsonstat(data)
    source = source or dataset.source or "SCB"
    if dataset.label and not source.endswith(dataset.label):
        source = f"{source}: {dataset.label}"
    source = source[:200]
    report = PopulationImportReport(
        label=dataset.label, source=source, rows=len(dataset.rows), dry_run=dry_run
    )
    by_code: dict[str, list[Area]] = {}
    for area in Area.objects.exclude(code=""):
        by_code.setdefault(region_key(area.code), []).append(area)
    unmatched: dict[str, str] = {}
    matched: list[tuple[Area, PopulationRow]] = []
    for row in dataset.rows:
        areas = by_code.get(region_key(row.code), [])
        if not areas:
            unmatched.setdefault(row.code, row.label)
        matched += [(area, row) for area in areas]
    report.unmatched = sorted(unmatched.items())
    with transaction.atomic():
        existing = {
            (p.area_id, p.year): p
            for p in Population.objects.filter(area__in={a.pk for a, _r in matched})
        }
        for area, row in matched:
            found = existing.get((area.pk, row.year))
            if found is None:
                report.created += 1
                if not dry_run:
                    existing[(area.pk, row.year)] = Population.objects.create(
                        area=area,
                        year=row.year,
                        population=row.population,
                        source=source,
                        is_demo=is_demo,
                    )
            elif (found.population, found.source, found.is_demo) != (
                row.population,
                source,
                is_demo,
            ):
                report.updated += 1
                if not dry_run:
                    found.population, found.source, found.is_demo = (
                        row.population,
                        source,
                        is_demo,
                    )
                    found.save(update_fields=["population", "source", "is_demo", "updated_at"])
            else:
                report.unchanged += 1
        if not dry_run:
            _update_latest({area.pk: area for area, _r in matched})
    return report


def _update_latest(areas: dict[int, Area]) -> None:
    """Keep ``Area.population`` the latest year's figure, which the per-1,000 rates read."""
    latest: dict[int, Population] = {}
    for row in Population.objects.filter(area__in=list(areas)).order_by("year"):
        latest[row.area_id] = row
    for pk, row in latest.items():
        area = areas[pk]
        newer = area.population_year is None or row.year >= area.population_year
        if newer and (area.population, area.population_year) != (row.population, row.year):
            area.population, area.population_year = row.population, row.year
            area.save(update_fields=["population", "population_year", "updated_at"])
