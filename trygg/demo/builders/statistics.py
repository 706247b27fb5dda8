"""Demo statistics: the council's reported crimes per category, and trygghetsmätning per stadsdel.

The seed's council compares the police's reported crimes in Hägersten-Älvsjö for the reporting
years 2019/20, 2020/21 and 2021/22 in five categories, but its notes carry the charts without
their numbers. The figures here are made up to match what the notes say (the drug scene around
Älvsjö centrum calmer after joint work, fraud against the elderly still rising, the 2020 wave
of robberies among young people passing) and are marked as demo figures everywhere they show.
The share who feel unsafe outdoors late in the evening is drawn per stadsdel around levels that
follow the seed's places, for the city's biennial survey years. Population (2022, rounded,
plausible) is set on the district's areas that have none, so rates per 1,000 inhabitants work.

Values go in through ``import_statistics``, like any file a coordinator uploads.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.lib.csvio import write_csv
from trygg.places.models import Area, AreaKind
from trygg.statistics.importers import TEMPLATE_COLUMNS, import_statistics
from trygg.statistics.models import StatisticSeries, Unit

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

DISTRICT = "Hägersten-Älvsjö"
POPULATION_YEAR = 2022
STOCKHOLM_POPULATION = 984_748
# Inhabitants per stadsdel, 2022 (rounded; together about 131,000 like the district).
POPULATION = {
    "Aspudden": 10_300, "Fruängen": 10_100, "Gröndal": 11_200, "Herrängen": 3_100,
    "Hägersten": 11_600, "Hägerstensåsen": 9_000, "Liljeholmen": 15_500, "Liseberg": 1_300,
    "Långbro": 4_800, "Långsjö": 4_500, "Midsommarkransen": 12_800, "Mälarhöjden": 7_000,
    "Solberga": 7_600, "Västberga": 2_600, "Västertorp": 6_500, "Älvsjö": 8_700,
    "Örby Slott": 4_500,
}  # fmt: skip

CRIMES = "Anmälda brott (Polisen)"
CRIMES_SOURCE = "Polisen, anmälda brott"
REPORTING_YEARS = ("2019/20", "2020/21", "2021/22")
# Reported crimes in the district per reporting year (1 September – 31 August).
REPORTED = {
    "narkotikabrott": (812, 905, 774),
    "vald-offentlig-miljo": (186, 164, 171),
    "vald-nara-relation": (231, 254, 246),
    "personran": (97, 121, 83),
    "bedrageri-aldre": (58, 76, 94),
}

UNSAFE = "Andel som känner sig otrygga utomhus sent en kväll"
UNSAFE_SOURCE = "Stockholms stads trygghetsmätning"
SURVEY_YEARS = ("2019", "2021", "2023")
# Per stadsdel: percent in 2019 and the change per survey (the seed's places stand out).
UNSAFE_LEVELS = {
    "Älvsjö": (33, -2.5), "Solberga": (35, -3.0), "Fruängen": (29, 0.5), "Västberga": (27, 1.0),
    "Liljeholmen": (22, 0.5), "Långbro": (20, 0.5), "Midsommarkransen": (17, -0.5),
    "Hägersten": (18, 0.0), "Hägerstensåsen": (20, 0.0), "Västertorp": (21, 0.5),
    "Aspudden": (16, 0.0), "Gröndal": (15, -0.5), "Mälarhöjden": (12, 0.0),
    "Herrängen": (11, 0.0), "Långsjö": (13, 0.0), "Liseberg": (17, 0.5), "Örby Slott": (16, 0.5),
}  # fmt: skip
# Survey noise (percentage points): small enough that the seed's trends stay visible.
NOISE = 0.8


def build(demo: DemoContext) -> None:
    _set_population()
    # A copy of the demo's generator: the figures follow from the demo seed, and builders
    # after this one draw the same numbers whether statistics are built or not.
    rng = random.Random()
    rng.setstate(demo.rng.getstate())

    StatisticSeries.objects.create(
        name=CRIMES,
        code="anmalda-brott-polisen",
        source=CRIMES_SOURCE,
        unit=Unit.ANTAL,
        is_demo=True,
        description=(
            "Anmälda brott i Hägersten-Älvsjö per verksamhetsår (1 september – 31 augusti), i de "
            "fem kategorier rådet följer. Demosiffror: påhittade för att stämma med rådets "
            "beskrivning, inte polisens statistik."
        ),
    )
    StatisticSeries.objects.create(
        name=UNSAFE,
        code="otrygga-utomhus-sen-kvall",
        source=UNSAFE_SOURCE,
        unit=Unit.ANDEL,
        is_demo=True,
        description=(
            "Andel boende som känner sig ganska eller mycket otrygga när de går ut ensamma sent "
            "en kväll i sitt bostadsområde, per stadsdel och undersökningsår. Demosiffror."
        ),
    )
    rows: list[list[object]] = []
    for category, figures in REPORTED.items():
        for period, figure in zip(REPORTING_YEARS, figures, strict=True):
            rows.append([CRIMES, DISTRICT, category, period, figure, "", "", ""])
    rows += _unsafe_rows(rng)
    report = import_statistics(write_csv(TEMPLATE_COLUMNS, rows), "demo-statistik.csv")
    demo.log(_("%(n)s statistics values") % {"n": report.created})


def _unsafe_rows(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for index, year in enumerate(SURVEY_YEARS):
        weighted = Decimal(0)
        for stadsdel, (level, change) in UNSAFE_LEVELS.items():
            share = min(60.0, max(3.0, level + change * index + rng.gauss(0, NOISE)))
            value = Decimal(str(round(share, 1)))
            weighted += value * POPULATION[stadsdel]
            rows.append([UNSAFE, stadsdel, "", year, value, "", "", ""])
        district = (weighted / sum(POPULATION.values())).quantize(Decimal("0.1"))
        rows.append([UNSAFE, DISTRICT, "", year, district, "", "", ""])
    return rows


def _set_population() -> None:
    """Population where the areas have none (places.py may set it one day; then it wins)."""
    district = Area.objects.get(name=DISTRICT, kind=AreaKind.STADSDELSOMRADE)
    stadsdelar = {a.name: a for a in district.children.filter(kind=AreaKind.STADSDEL)}
    for name, population in POPULATION.items():
        area = stadsdelar[name]
        if area.population is None:
            area.population, area.population_year = population, POPULATION_YEAR
            area.save(update_fields=["population", "population_year"])
    if district.population is None:
        district.population = sum(a.population or 0 for a in stadsdelar.values())
        district.population_year = POPULATION_YEAR
        district.save(update_fields=["population", "population_year"])
    stockholm = district.parent
    if stockholm is not None and stockholm.population is None:
        stockholm.population, stockholm.population_year = STOCKHOLM_POPULATION, POPULATION_YEAR
        stockholm.save(update_fields=["population", "population_year"])
