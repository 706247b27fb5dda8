"""Demo peers: Stockholm beside SKR's group "Storstäder", Stockholms län and the country.

Analys compares an area's rate with similar municipalities (``analysis.rates``). The demo's
incidents cover Hägersten-Älvsjö only, so the comparison reads official statistics for
Stockholm, Göteborg, Malmö, the county and the country: a series of reported crimes per
reporting year and population rows per year, both marked as demo figures. The figures are
rounded and plausible (near SCB's population and the police's level of about 19,000 reported
crimes per 100,000 inhabitants in Stockholm), not published statistics. They go in through
the same imports a coordinator uses: population as SCB's JSON-stat 2, the group as a CSV
and the crimes through ``import_statistics``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.lib.csvio import write_csv
from trygg.places.groups import import_groups
from trygg.places.models import Area, AreaKind
from trygg.places.population import import_population
from trygg.statistics.importers import TEMPLATE_COLUMNS, import_statistics
from trygg.statistics.models import StatisticSeries, Unit

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

GROUP = "Storstäder"
GROUP_SOURCE = "SKR:s kommungruppsindelning (demo)"
POPULATION_SOURCE = "SCB, folkmängd 31 december (demosiffror, avrundade)"
YEARS = (2021, 2022, 2023)
# code: (name, kind, population at the end of 2021, 2022, 2023)
REGIONS = {
    "00": ("Sverige", AreaKind.LAND, (10_452_000, 10_521_000, 10_551_000)),
    "01": ("Stockholms län", AreaKind.LAN, (2_415_000, 2_435_000, 2_455_000)),
    "0180": ("Stockholm", AreaKind.KOMMUN, (978_800, 984_700, 988_900)),
    "1480": ("Göteborg", AreaKind.KOMMUN, (587_500, 593_200, 599_300)),
    "1280": ("Malmö", AreaKind.KOMMUN, (351_700, 357_400, 362_100)),
}  # fmt: skip
CRIMES = "Anmälda brott totalt"
CRIMES_CODE = "anmalda-brott-totalt-polisen"
CRIMES_SOURCE = "Polisen, anmälda brott"
# Reported crimes per reporting year (1 September – 31 August), all kinds together.
REPORTED = {
    "0180": {"2021/22": 183_400, "2022/23": 190_100},
    "1480": {"2021/22": 94_800, "2022/23": 96_900},
    "1280": {"2021/22": 66_300, "2022/23": 67_800},
    "01": {"2021/22": 405_600, "2022/23": 412_300},
    "00": {"2021/22": 1_432_000, "2022/23": 1_447_000},
}


def build(demo: DemoContext) -> None:
    country = _area("00", None)
    for code in ("01", "1480", "1280"):
        _area(code, country)
    import_population(_jsonstat(), source=POPULATION_SOURCE, is_demo=True)
    csv = "grupp;kod;källa\n" + "".join(
        f"{GROUP};{code};{GROUP_SOURCE}\n" for code in ("0180", "1480", "1280")
    )
    import_groups(csv.encode("utf-8"), "demo-kommungrupper.csv", is_demo=True)
    StatisticSeries.objects.create(
        name=CRIMES,
        code=CRIMES_CODE,
        source=CRIMES_SOURCE,
        unit=Unit.ANTAL,
        is_demo=True,
        description=(
            "Anmälda brott totalt per verksamhetsår för Stockholm, jämförelsekommunerna, länet "
            "och riket, för jämförelsen med liknande kommuner i Analys. Demosiffror: påhittade "
            "på en rimlig nivå, inte polisens statistik."
        ),
    )
    rows = [
        [CRIMES, code, "", period, figure, "", "", ""]
        for code, figures in REPORTED.items()
        for period, figure in figures.items()
    ]
    report = import_statistics(write_csv(TEMPLATE_COLUMNS, rows), "demo-jamforelse.csv")
    demo.log(
        _("comparison group %(group)s, %(n)s population figures, %(values)s values")
        % {"group": GROUP, "n": len(REGIONS) * len(YEARS), "values": report.created}
    )


def _area(code: str, parent: Area | None) -> Area:
    """The demo's area with this code, created (as a reference area) when missing."""
    name, kind, _figures = REGIONS[code]
    found = Area.objects.filter(code=code).first()
    if found is not None:
        return found
    return Area.objects.create(
        name=name,
        kind=kind,
        code=code,
        parent=parent,
        description="Jämförelseområde för demons jämförelse med liknande kommuner.",
    )


def _jsonstat() -> str:
    """The demo's population as SCB's PxWeb answers table BE0101N1 in JSON-stat 2."""
    codes = list(REGIONS)
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "label": "Folkmängden per region efter år",
            "source": "SCB",
            "id": ["Region", "ContentsCode", "Tid"],
            "size": [len(codes), 1, len(YEARS)],
            "dimension": {
                "Region": {
                    "label": "region",
                    "category": {
                        "index": {code: i for i, code in enumerate(codes)},
                        "label": {code: REGIONS[code][0] for code in codes},
                    },
                },
                "ContentsCode": {
                    "label": "tabellinnehåll",
                    "category": {"index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"}},
                },
                "Tid": {
                    "label": "år",
                    "category": {"index": {str(y): i for i, y in enumerate(YEARS)}},
                },
            },
            "value": [figure for code in codes for figure in REGIONS[code][2]],
            "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        }
    )
