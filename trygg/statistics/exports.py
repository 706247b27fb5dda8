"""Statistics as files Swedish Excel opens, in the import template's columns.

An export can be corrected and imported again: areas are written by name (as a path
"Stockholm > Hägersten-Älvsjö" where a name is ambiguous) and categories by name (by code
where a name is ambiguous), both of which the importer reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from trygg.incidents.models import Category
from trygg.lib.csvio import write_csv, write_xlsx
from trygg.places.models import Area
from trygg.statistics.importers import TEMPLATE_COLUMNS
from trygg.statistics.models import StatisticSeries, StatisticValue

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class _Names:
    """How the file names areas and categories so that the importer finds them again."""

    def __init__(self) -> None:
        areas = list(Area.objects.values_list("id", "name", "parent_id"))
        self.area_names = {pk: name for pk, name, _parent in areas}
        self.parents = {pk: parent for pk, _name, parent in areas}
        counts = Counter(name.lower() for _pk, name, _parent in areas)
        self.ambiguous_areas = {name for name, n in counts.items() if n > 1}
        categories = Counter(n.lower() for n in Category.objects.values_list("name", flat=True))
        self.ambiguous_categories = {name for name, n in categories.items() if n > 1}

    def area(self, area: Area) -> str:
        if area.name.lower() not in self.ambiguous_areas:
            return area.name
        names = []
        node: int | None = area.pk
        while node is not None:
            names.append(self.area_names[node])
            node = self.parents[node]
        return " > ".join(reversed(names))

    def category(self, category: Category | None) -> str:
        if category is None:
            return ""
        if category.name.lower() in self.ambiguous_categories:
            return category.code
        return category.name


def plain_number(value: Decimal) -> Decimal:
    """812.0000 → 812 and 23.5000 → 23.5, without exponent notation."""
    normalised = value.normalize()
    return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised


def _rows(series: StatisticSeries, values: Iterable[StatisticValue]) -> Iterator[list[Any]]:
    names = _Names()
    for value in values:
        yield [
            series.name,
            names.area(value.area),
            names.category(value.category),
            value.period.key,
            plain_number(value.value),
            series.unit,
            series.source,
            value.note,
        ]


def series_csv(series: StatisticSeries, values: Iterable[StatisticValue]) -> bytes:
    return write_csv(TEMPLATE_COLUMNS, _rows(series, values))


def series_xlsx(series: StatisticSeries, values: Iterable[StatisticValue]) -> bytes:
    return write_xlsx(TEMPLATE_COLUMNS, _rows(series, values), sheet_title=series.name)


EXAMPLE_ROWS = [
    [
        "Anmälda brott (Polisen)",
        "Hägersten-Älvsjö",
        "Narkotikabrott",
        "2021/22",
        Decimal("774"),
        "antal",
        "Polisen, anmälda brott",
        "",
    ],
    [
        "Andel som känner sig otrygga utomhus sent en kväll",
        "Fruängen",
        "",
        "2023",
        Decimal("27.5"),
        "andel",
        "Stockholms stads trygghetsmätning",
        "",
    ],
]


def template_csv() -> bytes:
    return write_csv(TEMPLATE_COLUMNS, EXAMPLE_ROWS)


def template_xlsx() -> bytes:
    return write_xlsx(TEMPLATE_COLUMNS, EXAMPLE_ROWS, sheet_title="Statistik")


def filename(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"
