"""Demo areas: Stockholm › Hägersten-Älvsjö › its 17 stadsdelar › the seed's named places.

Stadsdel boundaries are real (Stockholm's open data, CC0, see ``demo/data/README.md``);
Hägersten-Älvsjö is their union and Stockholm the union of all 117. Named places are small
circles around approximate coordinates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.lib.geo import circle, union
from trygg.places.importers import import_areas
from trygg.places.models import Area, AreaKind, PoliceClassification

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

BOUNDARIES = Path(__file__).resolve().parent.parent / "data" / "stockholm-stadsdelar.geojson"

HAGERSTEN_ALVSJO = (
    "ASPUDDEN", "FRUÄNGEN", "GRÖNDAL", "HERRÄNGEN", "HÄGERSTEN", "HÄGERSTENSÅSEN",
    "LILJEHOLMEN", "LISEBERG", "LÅNGBRO", "LÅNGSJÖ", "MIDSOMMARKRANSEN", "MÄLARHÖJDEN",
    "SOLBERGA", "VÄSTBERGA", "VÄSTERTORP", "ÄLVSJÖ", "ÖRBY SLOTT",
)  # fmt: skip

# (name, stadsdel it lies in, lat, lon, radius in metres, what the seed says about it)
PLACES = (
    ("Liljeholmens centrum", "Liljeholmen", 59.3098, 18.0227, 250,
     "Platssamverkan Liljeholmen: hemlösa, olovliga bosättningar och påverkade personer "
     "i och kring centrum."),
    ("Älvsjö centrum/Resecentrum", "Älvsjö", 59.2786, 18.0118, 250,
     "Barn och unga som rör sig kring centrum; förslag lämnat för ökad trygghet i Resecentrum."),
    ("Solberga Hagväg", "Solberga", 59.2840, 18.0090, 150,
     "Barn, ungdomar och unga vuxna som uppehåller sig vid Solberga Hagväg 5."),
    ("Fruängens centrum", "Fruängen", 59.2858, 17.9650, 250,
     "Periodvis ökad rörelse av ungdomar, misstankar om drogförsäljning och rekrytering."),
    ("SHIS Bjällerkransen", "Fruängen", 59.2863, 17.9590, 100,
     "Periodvis drogförsäljning och ungdomshäng vid SHIS Bjällerkransen."),
    ("Västberga gårdsväg", "Västberga", 59.2960, 18.0120, 200,
     "Missbrukare som rör sig kring Västberga gårdsväg."),
    ("Vretensborgsvägen", "Västberga", 59.2955, 18.0060, 150,
     "Ungdomsfester i Eventhuset/Loftet."),
    ("Telefonplan", "Midsommarkransen", 59.2983, 17.9972, 250,
     "Samverkan Telefonplan drivs av stadsdelsförvaltningen med aktörerna kring Telefonplan."),
    ("Johan Skyttes skola", "Långbro", 59.2765, 17.9985, 150,
     "Ungdomar samlas kring skolan, ibland ordningsstörningar och skadegörelse."),
)  # fmt: skip


def build(demo: DemoContext) -> None:
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    stockholm = Area.objects.create(
        name="Stockholm",
        kind=AreaKind.KOMMUN,
        code="0180",
        geometry=union(f["geometry"] for f in features),
    )
    district_geometry = union(
        f["geometry"] for f in features if f["properties"]["name"] in HAGERSTEN_ALVSJO
    )
    district = Area.objects.create(
        name="Hägersten-Älvsjö",
        kind=AreaKind.STADSDELSOMRADE,
        parent=stockholm,
        geometry=district_geometry,
    )
    import_areas(
        BOUNDARIES,
        kind=AreaKind.STADSDEL,
        parent=district,
        only=HAGERSTEN_ALVSJO,
    )
    demo.areas = {a.name: a for a in Area.objects.all()}

    for name, stadsdel, lat, lon, radius, description in PLACES:
        demo.areas[name] = Area.objects.create(
            name=name,
            kind=AreaKind.PLATS,
            parent=demo.areas[stadsdel],
            geometry=circle(lat, lon, radius),
            description=description,
        )

    # The police's utsatt område spans parts of two stadsdelar, so it sits directly under the
    # district. Approximate outline: around Älvsjö centrum and Solberga.
    vulnerable = union([circle(59.2786, 18.0118, 450), circle(59.2840, 18.0090, 450)])
    demo.areas["Älvsjö/Solberga"] = Area.objects.create(
        name="Älvsjö/Solberga",
        kind=AreaKind.PLATS,
        parent=district,
        geometry=vulnerable,
        police_classification=PoliceClassification.UTSATT,
        classification_year=2021,
        description=(
            "Utsatt område enligt polisen, öppen drogscen. Målet i samverkan Fokus "
            "Älvsjö/Solberga: inte längre definieras som utsatt område 2025."
        ),
    )
    demo.log(_("%(n)s areas") % {"n": Area.objects.count()})
