"""Demo åtgärdsplan: “Åtgärdsplan 2023–2024, Hägersten-Älvsjö” from the seed's council notes.

Three prioritised problems (Unga i risk för kriminalitet; Riktat arbete mot avgränsade platser
och utsatta områden; Skolan som brottsplats) with their orsaksanalys, and the seed's measures:
platssamverkan Liljeholmen, Fruängen/Västertorp/Hägerstensåsen and Älvsjö/Solberga (with
Samverkan Fokus Älvsjö/Solberga, trygghet i Resecentrum and a meeting place at the
Medborgarkontoret), SSPF, the intensive team with a funding application to Brå, information to
elderly about fraud and En väg in for leavers. Traffic lights are mixed and one follow-up is
overdue whenever the demo is built. Samverkan Fokus Älvsjö/Solberga starts on 1 September 2022,
so its evaluation compares the demo's two reporting years: the drug scene around Älvsjö centrum
eases off in the demo incidents, against Västberga (a neighbouring stadsdel with a drug scene of
its own that does not ease) as the comparison area and Solberga as the buffer. Its indicator
is computed from the demo incidents (the 12 months before the start as baseline); the one of
trygghet i Resecentrum reads the demo trygghetsmätning for Älvsjö.

Contacts are fictional, with addresses under the reserved ``.example`` domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.collaboration.models import PriorityArea
from trygg.incidents.models import Category
from trygg.plans.actions import decide_plan
from trygg.plans.models import (
    ActionPlan,
    Cause,
    Evidence,
    FollowUp,
    FundingState,
    Indicator,
    IndicatorKind,
    Measure,
    MeasureKind,
    Problem,
)
from trygg.statistics.models import StatisticSeries

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

POLIS, SDF = "Polisen", "Hägersten-Älvsjö stadsdelsförvaltning"
UTBF, SHIS, CITYCON = "Utbildningsförvaltningen", "SHIS Bostäder", "Citycon"
FORETAGARNA, TK = "Företagarföreningen i Hägersten-Älvsjö", "Trafikkontoret"

DRUGS_AND_YOUTHS = (
    "narkotikaforsaljning",
    "narkotikabrott",
    "samling-ungdomar",
    "ordningsstorning",
)

# (title, priority area code, description, areas, categories, [(cause, description)])
PROBLEMS = (
    ("Unga i risk för kriminalitet", "unga-i-risk",
     "Barn och unga som rör sig i centrummiljöer sent på kvällen, rekryteras till att springa "
     "ärenden och hamnar i narkotikaförsäljning.",
     ("Älvsjö", "Solberga", "Fruängen"), ("samling-ungdomar", "rekrytering"),
     (("Rekrytering av yngre via äldre ungdomar", "Fältassistenterna och polisen ser nya, "
       "yngre ansikten i grupperna och ärenden som springs åt äldre."),
      ("Få vuxna och få meningsfulla aktiviteter kvällstid", "Fritidsgårdarna stänger tidigt; "
       "centrum och trapphus blir samlingsplatser."),
      ("Sen upptäckt av barn i riskzon", "Skola, socialtjänst och polis delar oro för sent."))),
    ("Riktat arbete mot avgränsade platser och utsatta områden", "utsatta-omraden",
     "Öppen narkotikaförsäljning, ordningsstörningar och otrygghet kring Älvsjö centrum, "
     "Resecentrum och Solberga Hagväg; hemlöshet och påverkade personer i Liljeholmens centrum.",
     ("Älvsjö", "Solberga", "Liljeholmen"), (*DRUGS_AND_YOUTHS, "missbrukare"),
     (("Etablerad narkotikaförsäljning vid pendeltågsstationen", "Polisens underrättelser och "
       "företagarnas rapporter pekar på samma platser och tider."),
      ("Otrygga miljöer i Resecentrum", "Dålig belysning, skymda hörn och få vuxna."),
      ("Hemlösa och missbrukare söker sig till centrumets entréer", "Vinterhalvåret särskilt."))),
    ("Skolan som brottsplats", "skolan-som-brottsplats",
     "Ungdomar samlas kring Johan Skyttes skola på kvällarna, med skadegörelse och klotter, och "
     "vid skolavslutningen.",
     ("Långbro",), ("skadegorelse", "klotter", "samling-ungdomar"),
     (("Skolgården är öppen och obevakad kvällstid", "Ingen vuxen närvaro efter 18."),)),
)  # fmt: skip


def _day(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def build(demo: DemoContext) -> None:
    orgs, areas, coordinator = demo.organisations, demo.areas, demo.users["samordnare"]
    categories = {c.code: c for c in Category.objects.all()}
    priority_areas = {p.code: p for p in PriorityArea.objects.all()}
    today = timezone.localdate()

    plan = ActionPlan.objects.create(
        title="Åtgärdsplan 2023–2024, Hägersten-Älvsjö",
        area=areas["Hägersten-Älvsjö"],
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        situation_report_title="Lägesbild 2022, Hägersten-Älvsjö",
        situation_report_date=dt.date(2022, 12, 8),
        summary=(
            "Planen bygger på lägesbilden 2022 och samverkansöverenskommelsen med polisen. "
            "Tre problem prioriteras; åtgärderna följs upp i det lokala brottsförebyggande "
            "rådet och i platssamverkansgrupperna."
        ),
    )
    decide_plan(plan, decided_by="Hägersten-Älvsjö stadsdelsnämnd", decided_at=dt.date(2023, 2, 16))
    causes: dict[str, Cause] = {}
    for priority, (title, code, description, area_names, codes, cause_rows) in enumerate(
        PROBLEMS, start=1
    ):
        problem = Problem.objects.create(
            plan=plan,
            title=title,
            description=description,
            priority=priority,
            priority_area=priority_areas.get(code),
        )
        problem.areas.set([areas[name] for name in area_names])
        problem.categories.set([categories[c] for c in codes if c in categories])
        Evidence.objects.create(
            problem=problem,
            title=_("Reported incidents, %(areas)s, 2021/22–2022/23")
            % {"areas": ", ".join(area_names)},
            note="Månadsvis, två verksamhetsår.",
            selection={
                "area_ids": [areas[name].pk for name in area_names],
                "category_ids": [categories[c].pk for c in codes if c in categories],
                "period_kind": "month",
                "start": "2021-09-01",
                "end": "2023-08-31",
            },
        )
        for position, (cause_title, cause_text) in enumerate(cause_rows, start=1):
            causes[cause_title] = Cause.objects.create(
                problem=problem, title=cause_title, description=cause_text, position=position
            )

    def measure(
        title: str, responsible: str, cause_titles: tuple[str, ...], **fields: Any
    ) -> Measure:
        partners = fields.pop("partners", ())
        codes = fields.pop("categories", ())
        created = Measure.objects.create(
            plan=plan, title=title, responsible_organisation=orgs[responsible], **fields
        )
        created.causes.set([causes[c] for c in cause_titles])
        created.partners.set([orgs[p] for p in partners])
        created.categories.set([categories[c] for c in codes if c in categories])
        return created

    fokus = measure(
        "Samverkan Fokus Älvsjö/Solberga", SDF,
        ("Etablerad narkotikaförsäljning vid pendeltågsstationen",
         "Rekrytering av yngre via äldre ungdomar"),
        description="Polis, socialtjänst, skola och fastighetsägare bryter den pågående "
        "kriminaliteten kring Älvsjö centrum och Solberga Hagväg och förhindrar rekrytering.",
        operational_goal="Färre anmälda narkotikabrott och ordningsstörningar i Älvsjö; på "
        "längre sikt ska Älvsjö/Solberga inte definieras som utsatt område 2025.",
        kind=MeasureKind.ENGANGSINSATS, contact_name="Sara Lind",
        contact_email="sara.lind@hagersten-alvsjo.example", partners=(POLIS, FORETAGARNA),
        starts_on=dt.date(2022, 9, 1), ends_on=dt.date(2025, 12, 31), status="gron",
        status_reason="Arbetet följer planen; färre rapporter från centrum.",
        next_follow_up_on=_day(today, 30), area=areas["Älvsjö"],
        comparison_area=areas["Västberga"], buffer_area=areas["Solberga"],
        categories=DRUGS_AND_YOUTHS,
    )  # fmt: skip
    Indicator.objects.create(
        measure=fokus,
        name="Rapporterad narkotikahandel, narkotikabrott, samlingar av ungdomar och "
        "ordningsstörningar i Älvsjö, senaste 12 månaderna",
        kind=IndicatorKind.INCIDENTS,  # the measure's area and categories
        window_days=365,
        baseline_on=dt.date(2022, 8, 31),  # computed: the 12 months before the start
        target_value=Decimal(150),
        target_on=dt.date(2024, 12, 31),
    )
    resecentrum = measure(
        "Ökad trygghet i Resecentrum", TK,
        ("Otrygga miljöer i Resecentrum",),
        description="Förslag lämnat med ”bruttolista” för granskning: belysning, siktlinjer, "
        "städning och ordningsvakter.", operational_goal="Åtgärderna i bruttolistan granskade "
        "och beslutade under 2023.", kind=MeasureKind.ENGANGSINSATS, contact_name="Johan Ek",
        contact_email="johan.ek@trafikkontoret.example", partners=(SDF, POLIS),
        starts_on=dt.date(2023, 3, 1), status="gul",
        status_reason="Granskningen av bruttolistan dröjer.",
        next_follow_up_on=_day(today, -12),
    )  # fmt: skip
    indicator = Indicator.objects.create(
        measure=resecentrum,
        name="Andel som känner sig otrygga utomhus sent en kväll, Älvsjö",
        kind=IndicatorKind.STATISTICS,
        series=StatisticSeries.objects.get(code="otrygga-utomhus-sen-kvall"),
        baseline_on=dt.date(2021, 12, 31),
        target_value=Decimal(25),
        target_on=dt.date(2025, 12, 31),
    )
    indicator.areas.set([areas["Älvsjö"]])
    measure(
        "Fysisk mötesplats på Medborgarkontoret", SDF,
        ("Få vuxna och få meningsfulla aktiviteter kvällstid",),
        operational_goal="En mötesplats öppen tre kvällar i veckan.",
        kind=MeasureKind.ENGANGSINSATS, contact_name="Sara Lind",
        contact_email="sara.lind@hagersten-alvsjo.example", starts_on=dt.date(2023, 9, 1),
        status="gul", status_reason="Lokalfrågan är inte löst.", next_follow_up_on=_day(today, 45),
    )  # fmt: skip
    measure(
        "Platssamverkan Liljeholmen", SDF,
        ("Hemlösa och missbrukare söker sig till centrumets entréer",),
        description="Samverkan kring missbrukare och hemlösa, inför skolavslutningen, och "
        "mellan skolor, företagare och Citycon.", operational_goal="Gemensam lägesbild varje "
        "månad; uppsökande insatser vid behov.", kind=MeasureKind.ORDINARIE,
        contact_name="Maria Sandell", contact_email="maria.sandell@hagersten-alvsjo.example",
        partners=(POLIS, CITYCON, UTBF), starts_on=dt.date(2022, 1, 1), status="gron",
        next_follow_up_on=_day(today, 60), area=areas["Liljeholmen"],
        categories=("missbrukare", "otillaten-bosattning"),
    )  # fmt: skip
    measure(
        "Platssamverkan Fruängen/Västertorp/Hägerstensåsen", SDF,
        ("Rekrytering av yngre via äldre ungdomar",),
        description="Följa rörelsen bland ungdomar i Fruängen och aktivera samverkan vid behov; "
        "SHIS Bjällerkransen.", kind=MeasureKind.ORDINARIE, contact_name="Maria Sandell",
        contact_email="maria.sandell@hagersten-alvsjo.example", partners=(POLIS, SHIS),
        starts_on=dt.date(2022, 1, 1), status="gron", next_follow_up_on=_day(today, 60),
    )  # fmt: skip
    measure(
        "SSPF – skola, socialtjänst, polis och fritid", SDF,
        ("Sen upptäckt av barn i riskzon",),
        operational_goal="Alla barn som SSPF uppmärksammar får en kontakt inom två veckor.",
        kind=MeasureKind.ORDINARIE, contact_name="Anna Berg",
        contact_email="anna.berg@hagersten-alvsjo.example", partners=(POLIS, UTBF),
        starts_on=dt.date(2021, 1, 1), status="gron", next_follow_up_on=_day(today, 90),
    )  # fmt: skip
    intensive = measure(
        "Intensivteamet för unga i risk", SDF,
        ("Sen upptäckt av barn i riskzon", "Rekrytering av yngre via äldre ungdomar"),
        description="Familjestödsteamet arbetar intensivt med unga i risk för kriminalitet och "
        "deras familjer. Rådet har beslutat att söka pengar hos Brå för en utvärdering av "
        "metoden.", operational_goal="Metoden utvärderad av extern utvärderare till 2025.",
        kind=MeasureKind.ENGANGSINSATS, contact_name="Anna Berg",
        contact_email="anna.berg@hagersten-alvsjo.example", starts_on=dt.date(2022, 1, 1),
        status="gul", status_reason="Ansökan till Brå inlämnad; besked väntas.",
        next_follow_up_on=_day(today, 20), funding_source="Brottsförebyggande rådet (Brå)",
        funding_amount=Decimal(450000), funding_state=FundingState.ANSOKT,
    )  # fmt: skip
    measure(
        "Information till äldre om bedrägerier", POLIS, (),
        operational_goal="Informationsträffar på alla träffpunkter för äldre under 2023.",
        kind=MeasureKind.ENGANGSINSATS, contact_name="Erik Holm",
        contact_email="erik.holm@polisen.example", partners=(SDF,),
        starts_on=dt.date(2023, 4, 1), ends_on=dt.date(2023, 12, 31), status="gron",
        next_follow_up_on=_day(today, 30),
    )  # fmt: skip
    measure(
        "En väg in – rutin för avhoppare", SDF, (),
        description="En rutin för avhoppare från kriminella nätverk; internt och externt "
        "samarbete utvecklas.", kind=MeasureKind.ORDINARIE, contact_name="Anna Berg",
        contact_email="anna.berg@hagersten-alvsjo.example", partners=(POLIS,),
        starts_on=dt.date(2023, 1, 1), status="rod",
        status_reason="Rutinen är inte förankrad hos alla parter.",
        next_follow_up_on=_day(today, 14),
    )  # fmt: skip
    measure(
        "Trygg skolavslutning vid Johan Skyttes skola", UTBF,
        ("Skolgården är öppen och obevakad kvällstid",),
        operational_goal="Vuxennärvaro kvällen före och på skolavslutningen.",
        kind=MeasureKind.ENGANGSINSATS, contact_name="Lena Ström",
        contact_email="lena.strom@utbildning.example", partners=(SDF, POLIS),
        starts_on=dt.date(2023, 6, 1), ends_on=dt.date(2023, 6, 20), status="gron",
    )  # fmt: skip

    follow_ups = (
        (fokus, dt.date(2023, 3, 10), "gul", "Samverkansgruppen bildad; polisen har ökat "
         "närvaron kvällstid. Fastighetsägarna är ännu inte med."),
        (fokus, dt.date(2023, 6, 9), "gron", "Fastighetsägare och företagare anslutna. "
         "Färre rapporter om försäljning vid pendeltåget."),
        (resecentrum, dt.date(2023, 6, 9), "gul", "Bruttolistan lämnad till trafikkontoret."),
        (intensive, dt.date(2023, 9, 29), "gul", "Rådet beslutade att söka pengar hos Brå "
         "för en utvärdering av intensivteamet."),
    )  # fmt: skip
    FollowUp.objects.bulk_create(
        FollowUp(measure=m, on=on, status=status, text=text, author=coordinator)
        for m, on, status, text in follow_ups
    )
    demo.log(
        _("an action plan with %(problems)s problems and %(measures)s measures")
        % {"problems": plan.problems.count(), "measures": plan.measures.count()}
    )
