"""The default category taxonomy every new installation starts with.

It holds the reported-crime categories of the seed's statistics (narkotikabrott, våld i
offentlig miljö, …) and the observations partners report in the EST rhythm (klotter,
samling av ungdomar, …), grouped under a few parents. Coordinators edit it freely afterwards;
``ensure_default_categories`` only adds what is missing, by code, and never overwrites edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DefaultCategory:
    code: str
    name: str
    iccs: str = ""
    police: tuple[str, ...] = ()
    is_crime: bool = True
    description: str = ""
    children: tuple[DefaultCategory, ...] = field(default=())


C = DefaultCategory

DEFAULT_CATEGORIES: tuple[DefaultCategory, ...] = (
    C(
        "vald",
        "Våld och hot",
        "02",
        children=(
            C(
                "vald-offentlig-miljo",
                "Våld i offentlig miljö",
                "02",
                police=("Misshandel", "Misshandel, grov", "Bråk"),
                description="Misshandel och liknande våld utomhus eller på allmän plats.",
            ),
            C("vald-nara-relation", "Våld i nära relation", "02"),
            C(
                "hot-vald-anstallda",
                "Hot och våld mot anställda",
                "02",
                police=("Våld/hot mot tjänsteman",),
            ),
            C("olaga-hot", "Olaga hot", "02", police=("Olaga hot",)),
            C(
                "dodligt-vald",
                "Dödligt våld och försök",
                "01",
                police=("Mord/dråp", "Mord/dråp, försök"),
            ),
            C(
                "skjutning-sprangning",
                "Skottlossning och sprängning",
                "09",
                police=("Skottlossning", "Skottlossning, misstänkt", "Explosion", "Detonation"),
            ),
        ),
    ),
    C(
        "ran",
        "Rån",
        "04",
        police=("Rån", "Rån, försök", "Rån övrigt", "Rån väpnat"),
        children=(C("personran", "Personrån", "04"),),
    ),
    C(
        "tillgrepp",
        "Inbrott och stöld",
        "05",
        children=(
            C("inbrott", "Inbrott", "05", police=("Inbrott", "Inbrott, försök", "Stöld/inbrott")),
            C(
                "stold",
                "Stöld",
                "05",
                police=("Stöld", "Stöld, försök", "Motorfordon, stöld", "Häleri"),
            ),
        ),
    ),
    C(
        "skadegorelse",
        "Skadegörelse",
        "05",
        police=("Skadegörelse",),
        children=(
            C("klotter", "Klotter", "05"),
            C(
                "brand",
                "Brand",
                "05",
                police=("Brand", "Mordbrand"),
                description="Anlagda eller misstänkt anlagda bränder, t.ex. i soprum eller bilar.",
            ),
        ),
    ),
    C(
        "narkotika",
        "Narkotika",
        "06",
        children=(
            C("narkotikabrott", "Narkotikabrott", "06", police=("Narkotikabrott",)),
            C("narkotikaforsaljning", "Misstänkt narkotikaförsäljning", "06"),
        ),
    ),
    C(
        "bedrageri",
        "Bedrägeri",
        "07",
        police=("Bedrägeri",),
        children=(
            C(
                "bedrageri-aldre",
                "Bedrägeri mot äldre/funktionsnedsatta",
                "07",
                police=("Åldringsbrott",),
            ),
        ),
    ),
    C(
        "ordning-trygghet",
        "Ordning och trygghet",
        is_crime=False,
        children=(
            C(
                "ordningsstorning",
                "Ordningsstörning",
                "08",
                police=("Ordningslagen", "Fylleri/LOB", "Ofredande/förargelse"),
            ),
            C("samling-ungdomar", "Samling av ungdomar", is_crime=False),
            C("missbrukare", "Missbrukare/påverkade personer", is_crime=False),
            C("nedskrapning", "Nedskräpning", "10"),
            C("otillaten-bosattning", "Otillåten bosättning", "05", police=("Olaga intrång",)),
            C(
                "otrygg-plats",
                "Otrygg plats (belysning, skymd sikt)",
                is_crime=False,
                description="Platser som upplevs otrygga: trasig belysning, skymd sikt, "
                "igenvuxen vegetation.",
            ),
        ),
    ),
    C("extremism", "Våldsbejakande extremism", "09", police=("Hets mot folkgrupp",)),
    C("rekrytering", "Misstänkt rekrytering till kriminalitet", "11"),
)


def walk(
    items: tuple[DefaultCategory, ...] = DEFAULT_CATEGORIES, parent: str | None = None
) -> list[tuple[DefaultCategory, str | None]]:
    """Every default category with its parent's code, parents before children."""
    found: list[tuple[DefaultCategory, str | None]] = []
    for item in items:
        found.append((item, parent))
        found.extend(walk(item.children, item.code))
    return found


def ensure_default_categories(category_model: Any) -> int:
    """Add the default categories that are missing (by code); returns how many were added.

    Takes the model class so that a data migration can pass its historical model.
    """
    existing = {c.code: c for c in category_model.objects.all()}
    added = 0
    for order, (item, parent_code) in enumerate(walk()):
        if item.code in existing:
            continue
        existing[item.code] = category_model.objects.create(
            code=item.code,
            name=item.name,
            parent=existing.get(parent_code) if parent_code else None,
            iccs_section=item.iccs,
            police_event_types=list(item.police),
            is_crime=item.is_crime,
            description=item.description,
            sort_order=order,
        )
        added += 1
    return added
