"""Demo incidents: two reporting years (Sep 2021 – Aug 2023) of what the partners report.

One table of patterns tells the seed's story place by place (the drug scene around Älvsjö
centrum easing off, bursts of youths in Fruängen, youths at Johan Skyttes skola in spring,
drug users at Västberga gårdsväg, homelessness growing at Liljeholmen, …) over a background
spread over every stadsdel. One loop draws each pattern's incidents day by day from
``demo.rng`` with Poisson counts, so the demo is the same on every build. Everything is
written through ``record_incidents``, like any import.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import shapely
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.utils.translation import gettext as _
from shapely.geometry import shape

from trygg.demo.builders.places import HAGERSTEN_ALVSJO, PLACES
from trygg.incidents.actions import IncidentDraft, merge_incidents, record_incidents
from trygg.incidents.models import Category, Incident, Source, Status
from trygg.incidents.rollup import rebuild_rollup
from trygg.lib.text import title_case

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext
    from trygg.places.models import Area

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DAY = dt.date(2021, 9, 1)
DAYS = (dt.date(2023, 9, 1) - FIRST_DAY).days  # two reporting years, through 31 August 2023
END = dt.datetime(2023, 9, 1, tzinfo=STOCKHOLM)
REVIEWED_BEFORE = END - dt.timedelta(weeks=8)
REJECTED_SHARE = 0.02
METRES_PER_DEGREE = 111_320

POLIS, SDF = "Polisen", "Hägersten-Älvsjö stadsdelsförvaltning"
UTBF, TK = "Utbildningsförvaltningen", "Trafikkontoret"
SHIS, CITYCON, FORETAGARNA = "SHIS Bostäder", "Citycon", "Företagarföreningen i Hägersten-Älvsjö"

# What each organisation would see and report (category codes).
SEES = {
    POLIS: {"narkotikabrott", "narkotikaforsaljning", "ordningsstorning", "samling-ungdomar",
            "rekrytering", "missbrukare", "otillaten-bosattning", "extremism", "skadegorelse",
            "brand", "stold", "inbrott", "bedrageri-aldre"},
    SDF: {"narkotikaforsaljning", "ordningsstorning", "samling-ungdomar", "rekrytering",
          "missbrukare", "otillaten-bosattning", "nedskrapning", "otrygg-plats", "klotter",
          "skadegorelse", "bedrageri-aldre", "extremism"},
    UTBF: {"samling-ungdomar", "ordningsstorning", "skadegorelse", "klotter", "extremism",
           "narkotikaforsaljning", "rekrytering", "brand", "nedskrapning"},
    TK: {"klotter", "skadegorelse", "otrygg-plats", "nedskrapning"},
    SHIS: {"samling-ungdomar", "narkotikaforsaljning", "ordningsstorning", "skadegorelse",
           "klotter", "missbrukare", "inbrott", "brand", "nedskrapning", "otillaten-bosattning"},
    CITYCON: {"otillaten-bosattning", "missbrukare", "ordningsstorning", "stold", "skadegorelse",
              "klotter", "nedskrapning", "samling-ungdomar"},
    FORETAGARNA: {"stold", "skadegorelse", "ordningsstorning", "missbrukare", "samling-ungdomar",
                  "klotter", "inbrott", "narkotikaforsaljning"},
}  # fmt: skip

# Hour weights for a day that runs 06–06 (so a Friday-night party stays on Friday), then
# weights for Monday … Sunday.
TIMES: dict[str, tuple[Sequence[float], Sequence[float]]] = {
    "dag": ([0, 1, 3, 5, 6, 6, 4, 5, 6, 5, 4, 2, 1, 0.5] + [0] * 10, [5, 5, 5, 5, 5, 1, 0.5]),
    "kväll": ([0, 0, 0, 0, 0.5, 0.5, 1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 6, 4, 2, 1, 0.5, 0, 0, 0],
              [1, 1, 1, 1.2, 2, 2, 1.2]),
    "helgnatt": ([0] * 15 + [1, 3, 5, 6, 5, 3, 1, 0, 0], [0.1, 0.1, 0.1, 0.3, 4, 4, 0.3]),
    "dygnet": ([0.5, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 5, 5, 4, 3, 2, 1.5, 1, 0.5, 0.3, 0.2, 0.2,
                0.3], [1, 1, 1, 1, 1.2, 1.3, 1.1]),
    "natt": ([1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1.5, 2, 3, 4, 4, 4, 4, 3, 3,
              2, 1.5], [1, 1, 1, 1, 1.3, 1.5, 1.2]),
}  # fmt: skip

# Monthly factors, January … December.
SEASONS = {
    "jämn": (1,) * 12,
    "utomhus": (0.6, 0.6, 0.7, 0.9, 1.2, 1.4, 1.4, 1.3, 1.1, 0.9, 0.7, 0.6),
    "vår": (0.5, 0.5, 0.7, 1.2, 1.8, 1.8, 0.8, 0.8, 1.0, 0.9, 0.6, 0.5),
    "vinter": (1.3, 1.3, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3),
    "mörker": (1.4, 1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.2, 1.5, 1.6),
}

# Plausible phrasings per category; never a name, an address of a person or a number.
DESCRIPTIONS = {
    "narkotikabrott": ("Ringa narkotikabrott, eget bruk, upptäckt vid kontroll.",
                       "Innehav av narkotika vid kontroll, ärendet går till utredning.",
                       "Beslag av mindre mängd cannabis.",
                       "Misstänkt narkotikapåverkan vid kontroll."),
    "narkotikaforsaljning": ("Misstänkt narkotikaförsäljning, flera korta möten på samma plats.",
                             "Boende uppger att det säljs narkotika på kvällarna.",
                             "Personal har sett överlämningar som liknar narkotikaförsäljning.",
                             "Lukt av cannabis och misstänkt langning bland unga."),
    "ordningsstorning": ("Högljudd grupp som stör förbipasserande.",
                         "Bråk och skrik, väktare tillkallade.",
                         "Berusade personer stör ordningen.",
                         "Fyrverkerier avfyrade mot förbipasserande.",
                         "Hög musik och stök sent på kvällen."),
    "samling-ungdomar": ("Grupp med ungdomar samlas, en del alkohol.",
                         "Större grupp unga, flera okända för fältassistenterna.",
                         "Ungdomar samlas vid entrén, personalen upplever otrygghet.",
                         "Ungdomar hänger i trapphus och gemensamma lokaler.",
                         "Unga under femton år ute sent, fältassistenter på plats."),
    "rekrytering": ("Oro för att yngre ungdomar rekryteras av äldre.",
                    "Yngre barn ses springa ärenden åt äldre personer.",
                    "Nya ansikten i gruppen, misstanke om rekrytering.",
                    "Föräldrar oroliga för påverkan från äldre ungdomar, informerat SSPF."),
    "missbrukare": ("Påverkade personer uppehåller sig vid entrén.", "Kanyler hittade i buskage.",
                    "Person sover i trapphus, påverkad.",
                    "Påverkad person stör besökare och verksamma."),
    "otillaten-bosattning": ("Tältläger i skogsdungen.", "Person övernattar i garaget.",
                             "Madrasser och sovsäckar i gångtunneln.",
                             "Hemlösa personer sover i entréerna, uppsökare kontaktade."),
    "extremism": ("Högerextremistiskt klotter på skolans fasad.",
                  "Klistermärken med extremistisk symbolik vid skolan.",
                  "Elever uttrycker våldsbejakande åsikter, elevhälsan informerad."),
    "klotter": ("Klotter på fasad.", "Taggar på elskåp.", "Klotter på busskur.",
                "Nytt klotter i gångtunneln, sanering beställd."),
    "skadegorelse": ("Krossad ruta.", "Sönderslagen belysning.", "Skadegörelse på lekplats.",
                     "Uppbruten dörr till soprum.", "Skadade parkbänkar."),
    "nedskrapning": ("Flaskor och burkar kvar efter kvällen.", "Överfulla papperskorgar och skräp.",
                     "Skräp efter fest.", "Dumpade möbler."),
    "otrygg-plats": ("Trasig belysning på gångväg.", "Igenvuxen vegetation skymmer sikten.",
                     "Mörk passage som upplevs otrygg.", "Släckt belysning i gångtunneln."),
    "brand": ("Brand i papperskorg.", "Brand i container.", "Anlagd brand i soprum.",
              "Brand i bil, misstänkt anlagd."),
    "stold": ("Stöld ur butik.", "Cykelstöld.", "Stöld ur bil.", "Stöld av byggmaterial."),
    "inbrott": ("Inbrott i förråd.", "Inbrott i lägenhet.", "Försök till inbrott i källare.",
                "Inbrott i lokal."),
    "bedrageri-aldre": ("Äldre person uppringd av falsk bankman.",
                        "Bedragare utgav sig för att vara polis och hämtade bankkort.",
                        "Falsk hemtjänstpersonal försökte ta sig in.",
                        "Försök till bedrägeri via telefon, ingen förlust.",
                        "Bedrägeri via mobilt bank-id, anhörig upptäckte det."),
}  # fmt: skip


@dataclass(frozen=True)
class Pattern:
    """Incidents of a kind at a place; ``anchor`` is a named place, or "" for every stadsdel."""

    anchor: str
    categories: dict[str, float]
    organisations: dict[str, float]
    per_week: tuple[float, float]  # mean per week on 1 Sep 2021 and on 31 Aug 2023
    hours: str
    season: str
    places: tuple[str, ...]  # "{stadsdel}" is filled in for patterns without an anchor
    spread_m: float = 250
    with_point: float = 0.9
    date_only: float = 0.05
    bursts: str = ""  # patterns naming the same schedule flare up in the same weeks
    descriptions: dict[str, tuple[str, ...]] = field(default_factory=dict)


PATTERNS = (
    Pattern("Älvsjö centrum/Resecentrum",
            {"narkotikaforsaljning": 4, "narkotikabrott": 4, "missbrukare": 2,
             "ordningsstorning": 2},
            {POLIS: 5, SDF: 2, FORETAGARNA: 1}, (6, 2.5), "dygnet", "utomhus",
            ("Älvsjö centrum, vid pendeltåget", "Resecentrum, entrén mot mässan", "Älvsjö torg",
             "Gångtunneln vid Älvsjö station")),
    Pattern("Älvsjö centrum/Resecentrum",
            {"samling-ungdomar": 4, "ordningsstorning": 3, "rekrytering": 1.5, "skadegorelse": 1},
            {SDF: 3, POLIS: 3, FORETAGARNA: 2}, (4, 1.5), "kväll", "utomhus",
            ("Älvsjö centrum, vid snabbmatsrestaurangen", "Älvsjö torg",
             "Busshållplatsen vid Älvsjö station")),
    Pattern("Solberga Hagväg",
            {"samling-ungdomar": 3, "narkotikaforsaljning": 3, "ordningsstorning": 2,
             "rekrytering": 1.5, "narkotikabrott": 1},
            {POLIS: 3, SDF: 3}, (4, 1.5), "kväll", "utomhus",
            ("Solberga Hagväg, på gården", "Solberga Hagväg, vid porten",
             "Lekplatsen vid Solberga Hagväg", "Gångvägen mellan Solberga och Älvsjö")),
    Pattern("Fruängens centrum",
            {"samling-ungdomar": 4, "narkotikaforsaljning": 2, "rekrytering": 1.5,
             "ordningsstorning": 1},
            {POLIS: 3, SDF: 3, FORETAGARNA: 1}, (2.5, 2), "kväll", "utomhus",
            ("Fruängens centrum, vid tunnelbanan", "Fruängens centrum, torget",
             "Fruängen, vid biblioteket"), bursts="Fruängen"),
    Pattern("SHIS Bjällerkransen",
            {"samling-ungdomar": 3, "narkotikaforsaljning": 2, "otillaten-bosattning": 1,
             "skadegorelse": 1},
            {SHIS: 4, POLIS: 2, SDF: 1}, (1.5, 1.2), "kväll", "jämn",
            ("SHIS Bjällerkransen, entrén", "SHIS Bjällerkransen, gemensamma lokaler",
             "SHIS Bjällerkransen, trapphus"), spread_m=120, bursts="Fruängen"),
    Pattern("Johan Skyttes skola",
            {"samling-ungdomar": 4, "ordningsstorning": 2, "skadegorelse": 2, "klotter": 2,
             "nedskrapning": 1},
            {UTBF: 3, SDF: 2, POLIS: 1}, (2.5, 2.5), "kväll", "vår",
            ("Johan Skyttes skola, skolgården", "Johan Skyttes skola, vid idrottshallen",
             "Långbro, bakom skolan"), spread_m=200),
    Pattern("Västberga gårdsväg",
            {"missbrukare": 5, "narkotikabrott": 2, "stold": 2, "inbrott": 1, "nedskrapning": 1},
            {POLIS: 3, SDF: 2, FORETAGARNA: 2}, (2.5, 3.5), "dygnet", "jämn",
            ("Västberga gårdsväg", "Västberga gårdsväg, vid busshållplatsen",
             "Västberga gårdsväg, parkeringen")),
    Pattern("Vretensborgsvägen",
            {"ordningsstorning": 4, "skadegorelse": 2, "nedskrapning": 1, "narkotikabrott": 1},
            {POLIS: 3, SDF: 1, FORETAGARNA: 1}, (1.5, 1.5), "helgnatt", "jämn",
            ("Vretensborgsvägen, utanför festlokalen", "Vretensborgsvägen, parkeringen"),
            spread_m=150),
    Pattern("Liljeholmens centrum",
            {"otillaten-bosattning": 4, "missbrukare": 4, "ordningsstorning": 1, "stold": 1,
             "nedskrapning": 1},
            {CITYCON: 4, POLIS: 2, SDF: 2, FORETAGARNA: 1}, (1.5, 5), "dygnet", "vinter",
            ("Liljeholmens centrum, entrén mot torget", "Liljeholmstorget",
             "Liljeholmens centrum, garaget", "Under Liljeholmsbron")),
    Pattern("Telefonplan", {"klotter": 2, "skadegorelse": 1, "samling-ungdomar": 1},
            {SDF: 2, TK: 1, FORETAGARNA: 1}, (0.8, 0.8), "kväll", "utomhus",
            ("Telefonplan, vid tunnelbanan", "Telefonplan, torget")),
    Pattern("", {"extremism": 3, "klotter": 1}, {UTBF: 3, POLIS: 1}, (0.08, 0.08), "dag", "jämn",
            ("{stadsdel}, grundskolans skolgård", "{stadsdel}, grundskolans entré"),
            descriptions={"klotter": ("Högerextremistiskt klotter på skolgården.",
                                      "Extremistiska symboler klottrade på skolans vägg.")}),
    Pattern("", {"samling-ungdomar": 4, "nedskrapning": 2, "skadegorelse": 2,
                 "narkotikaforsaljning": 1, "missbrukare": 1},
            {UTBF: 2, SDF: 2, POLIS: 1}, (2, 2), "kväll", "utomhus",
            ("{stadsdel}, förskolegården", "{stadsdel}, skolgården")),
    Pattern("", {"bedrageri-aldre": 1}, {POLIS: 4, SDF: 1}, (2.5, 2.5), "dag", "jämn",
            ("{stadsdel}, i bostaden", "{stadsdel}, via telefon"), with_point=0, date_only=0.3),
    Pattern("", {"klotter": 4, "skadegorelse": 3, "brand": 1, "inbrott": 2},
            {POLIS: 3, TK: 2, SHIS: 1.5, SDF: 1, FORETAGARNA: 1}, (10, 10), "natt", "utomhus",
            ("{stadsdel}, gångtunneln", "{stadsdel}, vid busshållplatsen",
             "{stadsdel}, bostadsgården", "{stadsdel}, parkeringen"), date_only=0.25),
    Pattern("", {"nedskrapning": 3, "stold": 3}, {SDF: 2, POLIS: 2, FORETAGARNA: 1, SHIS: 1},
            (5, 5), "dygnet", "utomhus",
            ("{stadsdel}, parken", "{stadsdel}, vid lekplatsen", "{stadsdel}, gångvägen")),
    Pattern("", {"otrygg-plats": 1}, {TK: 3, SDF: 1, SHIS: 1}, (2, 2), "dag", "mörker",
            ("{stadsdel}, gångvägen", "{stadsdel}, gångtunneln", "{stadsdel}, parken")),
)  # fmt: skip

CENTRES = {name: (stadsdel, lat, lon) for name, stadsdel, lat, lon, *_ in PLACES}


def build(demo: DemoContext) -> None:
    drafts = _drafts(demo)
    police = demo.organisations[POLIS]
    from_police = [d for d in drafts if d.organisation == police]
    for number, draft in enumerate(from_police, start=1):
        draft.external_id = f"demo-polis-{number:06d}"
    created = record_incidents(from_police, source=Source.IMPORT).created
    created += record_incidents(
        [d for d in drafts if d.organisation != police], source=Source.WEBB
    ).created

    reviewer = demo.users["samordnare"]
    Incident.objects.filter(occurred_at__lt=REVIEWED_BEFORE).update(
        status=Status.GRANSKAD,
        reviewed_by=reviewer,
        reviewed_at=ExpressionWrapper(
            F("occurred_at") + dt.timedelta(days=7), output_field=DateTimeField()
        ),
    )
    rejected = [
        i.pk
        for i in created
        if i.occurred_at < REVIEWED_BEFORE and demo.rng.random() < REJECTED_SHARE
    ]
    Incident.objects.filter(pk__in=rejected).update(status=Status.AVVISAD)
    Incident.objects.filter(source=Source.WEBB, organisation=demo.organisations[SHIS]).update(
        reported_by=demo.users["rapportor"]
    )
    # The review statuses above were set in bulk, around review_incidents; recount.
    rebuild_rollup()
    created += _duplicates(demo)
    demo.log(_("%(n)s incidents") % {"n": len(created)})


# Two events each reported twice, by different partners, a few tens of metres and under an
# hour apart: (category, [(organisation, local time, lat, lon, place, description)], merged).
DUPLICATES = (
    ("skadegorelse", [
        (POLIS, dt.datetime(2023, 8, 19, 23, 40), 59.3098, 18.0227, "Liljeholmens centrum",
         "Krossad glasruta vid entrén, larm via 112."),
        (SHIS, dt.datetime(2023, 8, 20, 0, 20), 59.3100, 18.0231,
         "Liljeholmen, entrén mot torget", "Glasrutan i entrédörren krossad under natten."),
    ], True),
    ("klotter", [
        (TK, dt.datetime(2023, 8, 27, 10, 15), 59.2983, 17.9972, "Telefonplan, gångtunneln",
         "Nytt klotter i gångtunneln, ca 10 m²."),
        (SDF, dt.datetime(2023, 8, 27, 11, 10), 59.2985, 17.9975, "Telefonplan",
         "Klotter på väggen i tunneln mot torget."),
    ], False),
)  # fmt: skip


def _duplicates(demo: DemoContext) -> list[Incident]:
    """The events of ``DUPLICATES``: the first merged on review (counted once), the second
    waiting on the page of possible duplicates."""
    created: list[Incident] = []
    for code, reports, merged in DUPLICATES:
        category = Category.objects.get(code=code)
        event: list[Incident] = []
        for number, (organisation, when, lat, lon, place, text) in enumerate(reports, 1):
            draft = IncidentDraft(
                category=category,
                occurred_at=when.replace(tzinfo=STOCKHOLM),
                latitude=lat,
                longitude=lon,
                place=place,
                description=text,
                organisation=demo.organisations[organisation],
            )
            if organisation == POLIS:
                draft.external_id = f"demo-polis-dubblett-{code}-{number}"
                event += record_incidents([draft], source=Source.IMPORT).created
            else:
                user = demo.users["rapportor"] if organisation == SHIS else None
                event += record_incidents([draft], source=Source.WEBB, user=user).created
        if merged:
            merge_incidents(event[0], event[1:], demo.users["samordnare"])
        created += event
    return created


def _drafts(demo: DemoContext) -> list[IncidentDraft]:
    rng = demo.rng
    categories = Category.objects.in_bulk(field_name="code")
    stadsdelar = [demo.areas[title_case(name)] for name in HAGERSTEN_ALVSJO]
    boundaries = {a.name: shape(a.geometry) for a in stadsdelar}
    shapely.prepare(list(boundaries.values()))
    schedules: dict[str, list[float]] = {}
    drafts: list[IncidentDraft] = []
    for pattern in PATTERNS:
        hours, weekdays = TIMES[pattern.hours]
        season = SEASONS[pattern.season]
        if pattern.bursts and pattern.bursts not in schedules:
            schedules[pattern.bursts] = _bursts(rng)
        bursts = schedules.get(pattern.bursts)
        start, end = pattern.per_week
        for day_no in range(DAYS):
            day = FIRST_DAY + dt.timedelta(days=day_no)
            trend = start + (end - start) * day_no / (DAYS - 1)
            rate = trend * weekdays[day.weekday()] / sum(weekdays) * season[day.month - 1]
            if bursts is not None:
                rate *= bursts[day_no // 7]
            for _n in range(_poisson(rng, rate)):
                code = _weighted(rng, pattern.categories)
                seen_by = {o: w for o, w in pattern.organisations.items() if code in SEES[o]}
                organisation = _weighted(rng, seen_by or pattern.organisations)
                if pattern.anchor:
                    stadsdel_name, lat, lon = CENTRES[pattern.anchor]
                    area, centre = demo.areas[pattern.anchor], (lat, lon)
                else:
                    area = rng.choice(stadsdelar)
                    stadsdel_name, centre = area.name, None
                point: tuple[float | None, float | None] = (None, None)
                if rng.random() < pattern.with_point:
                    point = _point(rng, boundaries[stadsdel_name], centre, pattern.spread_m)
                date_only = organisation != POLIS and rng.random() < pattern.date_only
                hour = 0 if date_only else 6 + rng.choices(range(24), weights=hours)[0]
                minute = 0 if date_only else rng.randrange(0, 60, 5)
                occurred_at = dt.datetime.combine(day, dt.time(), STOCKHOLM) + dt.timedelta(
                    hours=hour, minutes=minute
                )
                if occurred_at >= END:
                    continue
                phrases = pattern.descriptions.get(code) or DESCRIPTIONS[code]
                drafts.append(
                    IncidentDraft(
                        category=categories[code],
                        occurred_at=occurred_at,
                        time_unknown=date_only,
                        area=area,
                        latitude=point[0],
                        longitude=point[1],
                        place=rng.choice(pattern.places).format(stadsdel=stadsdel_name),
                        description=rng.choice(phrases),
                        organisation=demo.organisations[organisation],
                    )
                )
    drafts += _burglary_series(demo, stadsdelar, boundaries, categories["inbrott"])
    drafts.sort(key=lambda d: d.occurred_at or END)  # every draft here has its time
    return drafts


def _burglary_series(
    demo: DemoContext,
    stadsdelar: Sequence[Area],
    boundaries: dict[str, shapely.Geometry],
    burglary: Category,
) -> list[IncidentDraft]:
    """A summer of burglary series (the holiday weeks of 2023): twelve burglaries, each
    followed within a week by two or three more within 80 m — the near repeats the Knox test
    on the Nära upprepningar page and in the draft lägesbild finds. Three in four are known
    only as a day's time window (left home 07–09, back 7–10 hours later).

    Drawn from their own random numbers and after the reviewed weeks, so every other demo
    incident, and which of them are rejected, stays as it was.
    """
    rng = random.Random(1507)
    # Most were found when the residents came home: known as a window, from when they left
    # to when they came back (its own numbers, so the series' places and days stay as they
    # were); the analysis spreads each over the window's hours.
    windows = random.Random(1508)
    first = REVIEWED_BEFORE.astimezone(STOCKHOLM).date() + dt.timedelta(days=2)
    drafts: list[IncidentDraft] = []
    for _series in range(12):
        area = rng.choice(list(stadsdelar))
        lat, lon = _point(rng, boundaries[area.name], None, 0)
        day = first + dt.timedelta(days=rng.randrange(45))
        places = [(lat, lon, day)]
        for _follower in range(rng.randint(2, 3)):
            metres, angle = rng.uniform(10, 80), rng.uniform(0, 2 * math.pi)
            places.append(
                (
                    round(lat + metres * math.sin(angle) / METRES_PER_DEGREE, 6),
                    round(
                        lon
                        + metres
                        * math.cos(angle)
                        / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
                        6,
                    ),
                    day + dt.timedelta(days=rng.randint(1, 6)),
                )
            )
        for point_lat, point_lon, when in places:
            occurred_at = dt.datetime.combine(when, dt.time(), STOCKHOLM) + dt.timedelta(
                hours=rng.randrange(8, 18), minutes=rng.randrange(0, 60, 5)
            )
            if occurred_at >= END:
                continue
            until = None
            if windows.random() < 0.75:
                left = dt.datetime.combine(when, dt.time(7), STOCKHOLM) + dt.timedelta(
                    minutes=windows.randrange(0, 120, 15)
                )
                came_back = left + dt.timedelta(hours=windows.randint(7, 10))
                occurred_at, until = left, min(came_back, END)
            drafts.append(
                IncidentDraft(
                    category=burglary,
                    occurred_at=occurred_at,
                    occurred_until=until,
                    area=area,
                    latitude=point_lat,
                    longitude=point_lon,
                    place=f"Flerbostadshus i {area.name}",
                    description=rng.choice(DESCRIPTIONS["inbrott"]),
                    organisation=demo.organisations[SDF],
                )
            )
    return drafts


def _point(
    rng: random.Random,
    boundary: shapely.Geometry,
    centre: tuple[float, float] | None,
    spread_m: float,
) -> tuple[float, float]:
    """A point inside ``boundary``: around ``centre`` (normal, σ = spread/2), else anywhere."""
    min_lon, min_lat, max_lon, max_lat = boundary.bounds
    while True:
        if centre is None:
            lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
        else:
            lat = centre[0] + rng.gauss(0, spread_m / 2) / METRES_PER_DEGREE
            lon = centre[1] + rng.gauss(0, spread_m / 2) / (
                METRES_PER_DEGREE * math.cos(math.radians(centre[0]))
            )
        lat, lon = round(lat, 6), round(lon, 6)
        if shapely.contains_xy(boundary, lon, lat):
            return lat, lon


def _bursts(rng: random.Random) -> list[float]:
    """Weekly factors: calm spells of six to twelve weeks, then a burst of two to four."""
    weeks: list[float] = []
    while len(weeks) * 7 < DAYS:
        weeks += [0.4] * rng.randint(6, 12) + [3.0] * rng.randint(2, 4)
    return weeks


def _weighted[K](rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small daily means used here."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
