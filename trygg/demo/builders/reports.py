"""Demo lägesbild: "Lägesbild 2022 och handlingsplan 2023, Hägersten-Älvsjö", approved, and a
draft for the next period.

The approved version follows the seed's deck: how the lägesbild was made (the sources), the
police statistics per category over three reporting years (the demo statistics series), what
partners reported in Trygg during 2021/22, the summary from the survey and other information,
the priority areas with the åtgärdsplan's measures and their traffic lights (a measures
block, frozen on approval), the city-wide priority areas, the evaluation of
the intensive team, and the next council meeting (13 October 2023). It was approved by the
local council on 8 December 2022, the date the demo åtgärdsplan names, and the åtgärdsplan is
linked to it when the plans app is installed. The draft (version 2) covers two reporting
years, with tested changes, time patterns and hotspots computed from the demo incidents.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from trygg.collaboration.models import Meeting
from trygg.incidents.models import Category
from trygg.plans.models import ActionPlan
from trygg.reports import actions
from trygg.reports.models import BlockKind, Section, SituationReport
from trygg.statistics.models import StatisticSeries

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

TITLE = "Lägesbild 2022 och handlingsplan 2023, Hägersten-Älvsjö"
APPROVED_ON = dt.date(2022, 12, 8)
APPROVED_BY = "Lokala brottsförebyggande rådet, Hägersten-Älvsjö"
PLAN_BASED_ON = "Lägesbild 2022, Hägersten-Älvsjö"  # how the demo åtgärdsplan names it

K, A, N = Section.KARTLAGGNING, Section.ANNAN_INFORMATION, Section.ANALYS

SOURCES = """Lägesbilden bygger på flera källor som sammanställs löpande och revideras årligen:

- Lägesbild varje vecka, stadsdelsförvaltningen och polisen
- En gång i månaden enkäten *Aktuell lägesbild Hägersten-Älvsjö* och gemensam lägesbild för \
samverkan brottsförebyggande och trygghet
- Arbetsgrupper och samverkansforum
- Information från boende och verksamma
- En gång i veckan SISS-konferens, lägesbild för staden
- Analys och genomgång av lägesbilden på beredningsgruppens möten
- Trygghetsmätningar
- Statistik från SLK och polisen
- Årlig revidering av lägesbilden i samverkansöverenskommelsen"""

LAW = """Enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete ska kommunen \
samordna arbetet, ha en **samordningsfunktion**, ta fram **lägesbild och åtgärdsplan** som \
uppdateras minst vartannat år, ingå **skriftliga överenskommelser** om samverkan och hantera \
strategiska frågor i ett **strategiskt råd**.

Stockholms stad och Hägersten-Älvsjö stadsdelsförvaltning har sedan tidigare en skriftlig \
samverkansöverenskommelse med polisen och arbetar redan i stora delar enligt lagen."""

AGREEMENT = """Den lokala samverkansöverenskommelsen mellan polisen, stadsdelsförvaltningen, \
utbildningsförvaltningen och trafikkontoret följer den stadsövergripande. Utifrån den lokala \
lägesbilden prioriteras särskilt:

- Riktat arbete mot avgränsade platser och utsatta områden
- Unga i risk för kriminalitet
- Skolan som brottsplats

Bilagan med prioriterade samverkansområden ses över minst var fjärde år, senast hösten 2023."""

SUMMARY = """Över tid finns problem med personer som samlas vid förskole- och skolgårdar där \
det förekommer alkohol, en del skadegörelse och misstankar om narkotikaförsäljning. Det rör sig \
främst om ungdomar men även vuxna och missbrukare.

Under 2022 har vi på vissa platser haft problem med missbrukare som stör ordningen, begår brott \
och skapar otrygghet för boende, verksamma och övriga aktörer.

Enstaka isolerade händelser kopplade till våldsbejakande extremism, i form av \
högerextremistiskt klotter och uttryck för åsikter i skolmiljön.

Bedrägerier mot äldre och funktionsnedsatta fortsätter överlag; det är viktigt att nå ut med \
information till målgruppen och anhöriga."""

PLACES = [
    (
        "Västberga",
        "**Problem:** många missbrukare rör sig kring Västberga Gårdsväg, vilket medför "
        "brottslighet och otrygghet. Eventhuset/Loftet arrangerar ungdomsfester som medför en del "
        "brottslighet och otrygghet.",
    ),
    (
        "Älvsjö/Solberga",
        "**Problem:** utsatt område med öppen drogscen. Barn, ungdomar och unga vuxna uppehåller "
        "sig i centrum, vid Subway och vid Solberga Hagväg 5: ordningsstörningar, brottslighet, "
        "misstänkt missbruk, narkotikaförsäljning och rekrytering.\n\n"
        "**Utveckling:** förbättrad lägesbild där samverkan och insatser på individnivå gett "
        "resultat.\n\n"
        "**Aktuellt arbete:** Samverkan Fokus Älvsjö/Solberga – bryta pågående kriminalitet, "
        "förhindra rekrytering och på längre sikt verka för att Älvsjö/Solberga inte ska "
        "definieras som utsatt område 2025; öka tryggheten i resecentrum; en fysisk mötesplats på "
        "medborgarkontoret.",
    ),
    (
        "Fruängen",
        "**Problem:** periodvis ökad rörelse av ungdomar, misstankar om kriminalitet, "
        "drogförsäljning och rekrytering. Oro kring kända individer; nya individer syns på "
        "platsen.\n\n**Utveckling:** samverkat och nu lugnare, men fortfarande en del nya ansikten."
        "\n\n**Aktuellt arbete:** följa rörelsen bland ungdomar och aktivera samverkan vid behov.",
    ),
    (
        "Liljeholmen",
        "**Problem:** hemlösa, olovliga bosättningar, missbrukare och påverkade personer i och "
        "kring Liljeholmens centrum.\n\n**Utveckling:** lugnare vad gäller ungdomar, brottslighet "
        "och ordningsstörningar.\n\n**Aktuellt arbete:** samverkan kring missbrukare och hemlösa, "
        "skolavslutningen och samverkan med skolor, företagare och Citycon.",
    ),
    (
        "Långbro",
        "**Problem:** ungdomar samlas kring Johan Skyttes skola, vilket ibland leder till "
        "ordningsstörningar och skadegörelse.",
    ),
]

YOUNG = """Rådet prioriterar tre områden utifrån lägesbilden: unga i risk för kriminalitet, \
riktat arbete mot avgränsade platser och utsatta områden, och skolan som brottsplats. Insatserna \
och deras status följer åtgärdsplanen."""

CITY_WIDE = """- **Avhopparverksamhet för kriminella:** En väg in – en rutin för avhoppare; \
projekt kring insluss efter tid på kriminalvårdsanstalt.
- **Våldsbejakande extremism:** lägesbild och handlingsplan tas fram varje år.
- **Särskilt utsatta brottsoffer:** Relationsvåldscentrum Sydväst, Islandsprojektet, Gryning, \
information till äldre och funktionsnedsatta, trygghetsvandringar.
- **Otillåten påverkan:** hanteras löpande i verksamheten; utbildning för chefer och medarbetare.
- **Otillåtna bosättningar:** arbete i linjeverksamheten utifrån stadens rutiner.
- **Ordningsvakter:** stadsövergripande nivå.
- **Kamerabevakning:** stadsövergripande nivå."""

EVALUATION = """Familjestödsteamet har arbetat med en form av intensivteam för att fånga upp \
unga i risk för kriminalitet. Bedömningen är att metoden har fallit väl ut, och rådet beslutar \
att söka pengar hos Brå för en mer omfattande utvärdering."""


def build(demo: DemoContext) -> None:
    coordinator = demo.users["samordnare"]
    district = demo.areas["Hägersten-Älvsjö"]
    crimes = StatisticSeries.objects.filter(code="anmalda-brott-polisen").first()
    meeting = (
        Meeting.objects.filter(
            forum__area=district, starts_at__date=dt.date(2023, 10, 13), is_cancelled=False
        )
        .order_by("starts_at")
        .first()
    )

    report = actions.create_report(
        coordinator,
        title=TITLE,
        area=district,
        period_kind="reporting_year",
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2022, 8, 31),
    )

    def add(section: str, kind: str, title: str, text: str = "", **selection: object) -> None:
        actions.add_block(
            coordinator, report, section=section, kind=kind, title=title, text=text,
            selection=selection,
        )  # fmt: skip

    if crimes is not None:
        add(
            K, BlockKind.STATISTICS, "Polisens statistik: anmälda brott per rapportår",
            "Statistiken avser 1 september – 31 augusti: 2019/20, 2020/21 och 2021/22.",
            series_ids=[crimes.pk], area_ids=[district.pk], start="2019-09-01", end="2022-08-31",
        )  # fmt: skip
    add(
        K, BlockKind.COUNTS, "Händelser rapporterade i Trygg 2021/22",
        "Händelser som samverkansparterna rapporterat (polisen, stadsdelsförvaltningen, "
        "bostadsbolag och andra).",
    )  # fmt: skip
    add(K, BlockKind.TIME_PATTERN, "Händelser per veckodag och timme")
    add(A, BlockKind.TEXT, "Lagen och kommunens ansvar", LAW)
    add(A, BlockKind.TEXT, "Samverkansöverenskommelsen", AGREEMENT)
    add(A, BlockKind.TEXT, "Framtagande av lokal lägesbild", SOURCES)
    add(A, BlockKind.TEXT, "Sammanfattning utifrån enkät och övrig inkommen information", SUMMARY)
    for place, text in PLACES:
        add(N, BlockKind.TEXT, place, text)
    plan = _action_plan()
    if plan is not None:
        add(N, BlockKind.MEASURES, "Prioriterade områden och insatser", YOUNG, plan_id=plan.pk)
    add(N, BlockKind.TEXT, "Stadsövergripande prioriterade samverkansområden", CITY_WIDE)
    add(N, BlockKind.TEXT, "Utvärdering av intensivteamet", EVALUATION)
    if meeting is not None:
        add(N, BlockKind.NEXT_MEETING, "Kommande möten", meeting_id=meeting.pk)

    actions.submit_for_comments(coordinator, report)
    actions.add_comment(
        demo.users.get("radsmedlem", coordinator),
        report.blocks.get(title="Långbro"),
        "Polisen ser samma mönster kring Johan Skyttes skola på helgkvällar.",
    )
    actions.approve(coordinator, report, body=APPROVED_BY, day=APPROVED_ON)
    _link_action_plan(report)

    draft = actions.new_version(coordinator, report)
    actions.update_report(
        coordinator,
        draft,
        title="Lägesbild 2023, Hägersten-Älvsjö",
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2023, 8, 31),
    )
    actions.update_block(
        coordinator,
        draft.blocks.get(kind=BlockKind.COUNTS),
        title="Händelser rapporterade i Trygg, två rapportår",
    )
    for block in draft.blocks.filter(kind=BlockKind.NEXT_MEETING):
        actions.delete_block(coordinator, block)
    actions.add_block(
        coordinator, draft, section=K, kind=BlockKind.CHANGES,
        title="Förändringar 2022/23 jämfört med 2021/22",
    )  # fmt: skip
    actions.add_block(
        coordinator, draft, section=K, kind=BlockKind.HOTSPOTS, title="Brännpunkter 2022/23",
        selection={"start": "2022-09-01", "end": "2023-08-31"},
    )  # fmt: skip
    burglary = Category.objects.filter(code="inbrott").first()
    if burglary is not None:
        actions.add_block(
            coordinator, draft, section=K, kind=BlockKind.NEAR_REPEATS,
            title="Nära upprepningar av inbrott", selection={"category_ids": [burglary.pk]},
        )  # fmt: skip
    actions.update_block(
        coordinator,
        draft.blocks.get(title="Fruängen"),
        text=PLACES[2][1] + "\n\nUtkast 2023: uppdateras efter beredningsgruppens möte.",
    )
    demo.log(f"{TITLE}: godkänd och ett utkast")


def _action_plan() -> ActionPlan | None:
    """The demo åtgärdsplan, whose measures and traffic lights the lägesbild shows."""
    return ActionPlan.objects.filter(situation_report_title=PLAN_BASED_ON).first()


def _link_action_plan(report: SituationReport) -> None:
    """The demo åtgärdsplan names this lägesbild: link it."""
    ActionPlan.objects.filter(situation_report_title=PLAN_BASED_ON).update(situation_report=report)
