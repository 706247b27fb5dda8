"""Demo Samverkan: the seed's agreements, councils, meetings and a citizen promise.

The seed is the local council's notes from autumn 2023. The demo holds the city-wide agreement
between the police, the city, the education administration and the traffic office, and the
local agreement that follows it, both signed in autumn 2019 so that their annex of priority
areas falls due for review "senast hösten 2023"; the ten priority areas with the seed's status
notes and the three prioritised locally; the local council, the beredningsgrupp, the
strategic council, the weekly SDF–police lägesbild meeting, three platssamverkan groups and the
SSPF steering group, with members; past meetings whose minutes follow the seed's sections,
with decisions and action items (one left open past its due date, so it is carried over), and
the next council meeting on Friday 13 October 2023, 09.00–11.00 at Telefonvägen 30, plan 10,
rum Paddan.

People outside Trygg are fictional: names, phone numbers in the range PTS keeps for fiction,
and addresses under the reserved ``.example`` domain. As of the seed's autumn (e.g. 29
September 2023) the checklist shows a realistic mix: a coordinator designated, agreements in
force, the annex review and a promise follow-up due soon, an action item overdue, and no
lägesbild or åtgärdsplan yet. So that the demo also looks alive when built later, each council
with a fixed rhythm gets its next meeting a few weeks after the build date (without minutes).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.collaboration.actions import carry_over_open_items, save_agreement
from trygg.collaboration.defaults import ensure_default_priority_areas
from trygg.collaboration.links import link_fields
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementPriority,
    AgreementScope,
    CitizenPromise,
    Decision,
    FollowUpStatus,
    Forum,
    ForumKind,
    ForumMember,
    Meeting,
    PriorityArea,
    PromiseFollowUp,
    Rhythm,
    Signatory,
)

if TYPE_CHECKING:
    from django.db.models import Model

    from trygg.demo.builders.context import DemoContext
    from trygg.places.models import Area

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POLIS, STADEN, SDF = "Polisen", "Stockholms stad", "Hägersten-Älvsjö stadsdelsförvaltning"
UTBF, TK, SHIS = "Utbildningsförvaltningen", "Trafikkontoret", "SHIS Bostäder"
CITYCON, FORETAGARNA = "Citycon", "Företagarföreningen i Hägersten-Älvsjö"

PLACE = ("Telefonvägen 30", "plan 10, rum Paddan")
CONTACT = ("Maria Sandell", "070-174 06 51", "maria.sandell@hagersten-alvsjo.example")

LOCAL_REASON = "Prioriterat särskilt utifrån den lokala lägesbilden."
# code → (prioritised locally, status note, work and follow-up), from the seed's section 4.
LOCAL_PRIORITIES = {
    "utsatta-omraden": (True, "Platssamverkan pågår", (
        "Platssamverkan Liljeholmen, Fruängen/Västertorp/Hägerstensåsen och Älvsjö/Solberga. "
        "Samverkan Fokus Älvsjö/Solberga ska bryta den pågående kriminaliteten, förhindra "
        "rekrytering och verka för att Älvsjö/Solberga inte ska definieras som utsatt område "
        "2025.")),
    "unga-i-risk": (True, "Utvecklas", (
        "SSPF och samlokalisering av socialtjänst och polis fortsätter att utvecklas; metoder "
        "och funktioner för arbetet med unga i risk för kriminalitet tas fram.")),
    "avhopparverksamhet": (False, "Stadsövergripande prioriterat område", (
        "En väg in – en rutin för avhoppare; internt och externt samarbete utvecklas. "
        "Stadsdelsområdet ingår i ett projekt om insluss efter tid på kriminalvårdsanstalt.")),
    "utsatta-brottsoffer": (False, "Hanteras i ordinarie verksamhet", (
        "Relationsvåldscentrum Sydväst (RVC), Islandsprojektet, Gryning och samverkan med "
        "Stödcentrum för unga brottsoffer. Information till äldre och funktionsnedsatta.")),
    "otillaten-paverkan": (False, "Hanteras löpande i verksamheten", (
        "Polisen har under 2022 besökt socialtjänsten för att bidra med kunskap; utbildning "
        "för chefer och medarbetare.")),
    "skolan-som-brottsplats": (True, "Prioriterat lokalt", (
        "Personer som samlas vid förskole- och skolgårdar med alkohol, skadegörelse och "
        "misstänkt narkotikaförsäljning.")),
    "valdsbejakande-extremism": (False, "Lägesbild och handlingsplan varje år", (
        "Enstaka händelser: högerextremistiskt klotter och uttryck för åsikter i skolmiljön.")),
    "otillatna-bosattningar": (False, "Arbete sker i linjeverksamhet utifrån stadens rutiner", ""),
    "ordningsvakter": (False, "Stadsövergripande nivå", ""),
    "kamerabevakning": (False, "Stadsövergripande nivå", ""),
}  # fmt: skip

SEPTEMBER_MINUTES = """\
1. Ny lag – kommuners ansvar för brottsförebyggande arbete
Lagen (2023:196) säger att kommunen ska bidra till att samhällets samlade brottsförebyggande \
arbete bedrivs effektivt och kunskapsbaserat: samordning och en samordningsfunktion, lägesbild \
och åtgärdsplan som uppdateras minst vartannat år, skriftliga överenskommelser om samverkan och \
ett strategiskt råd. Stadsdelsförvaltningen arbetar redan i stora delar så. Vägledning behövs om \
socialtjänstens ansvar för stöd till anhöriga som påverkas av grov kriminalitet.

2. Brottsförebyggande och trygghetsskapande arbete
Trygghetsstrategen ansvarar för stadens trygghetsprogram 2020–2023 (förebyggande och riktade \
sociala insatser, stadens offentliga miljö, stadsutveckling). Säkerhetssamordnaren ansvarar för \
säkerhetsprogrammet 2020–2023 (krisberedskap, civilt försvar, säkerhetsskydd och \
informationssäkerhet, förebygga olyckor, hot och våld mot anställda).

3. Samverkansöverenskommelsen
Ny lägesbild för 2022 och handlingsplan för 2023 har tagits fram. Bilagan med prioriterade \
samverkansområden ska ses över åtminstone vart fjärde år, senast hösten 2023. Den lokala \
överenskommelsen prioriterar riktat arbete mot avgränsade platser och utsatta områden, unga i \
risk för kriminalitet och skolan som brottsplats.

4. Lokal lägesbild, prioriterade områden, insatser och uppföljning
Genomgång av polisens statistik över anmälda brott (1 september–31 augusti, tre år) och av \
enkätsvaren. Västberga: missbrukare vid Västberga gårdsväg och ungdomsfester vid \
Vretensborgsvägen. Älvsjö/Solberga: utsatt område, förbättrad lägesbild där samverkan och \
insatser på individnivå gett resultat. Fruängen: periodvis ökad rörelse av ungdomar, nu lugnare. \
Liljeholmen: hemlösa, olovliga bosättningar och påverkade personer kring centrum. Bedrägerier \
mot äldre fortsätter; viktigt att nå ut med information.

5. Utvärdering av intensivteamet
Familjestödsteamet har arbetat med ett intensivteam för unga i risk för kriminalitet. Metoden \
bedöms ha fallit väl ut.

6. Övrigt
Nästa möte fredagen den 13 oktober 2023 kl. 09.00–11.00, Telefonvägen 30, plan 10, rum Paddan.
"""


def _at(day: dt.date, start: str, end: str) -> tuple[dt.datetime, dt.datetime]:
    def moment(text: str) -> dt.datetime:
        hour, minute = (int(part) for part in text.split("."))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)

    return moment(start), moment(end)


def _meeting(forum: Forum, day: dt.date, start: str, end: str, **fields: object) -> Meeting:
    starts_at, ends_at = _at(day, start, end)
    return Meeting.objects.create(forum=forum, starts_at=starts_at, ends_at=ends_at, **fields)


def _agenda(meeting: Meeting, titles: list[str | tuple[str, Model]]) -> list[AgendaItem]:
    items = []
    for position, entry in enumerate(titles, start=1):
        title, linked = entry if isinstance(entry, tuple) else (entry, None)
        items.append(
            AgendaItem.objects.create(
                meeting=meeting, position=position, title=title, **link_fields(linked)
            )
        )
    return items


def _agreements(demo: DemoContext) -> tuple[Agreement, Agreement]:
    orgs = demo.organisations
    city = save_agreement(
        Agreement(
            title="Samverkansöverenskommelse mellan Polisen och Stockholms stad",
            scope=AgreementScope.STADSOVERGRIPANDE,
            area=demo.areas["Stockholm"],
            signed_on=dt.date(2019, 10, 25),
            valid_from=dt.date(2020, 1, 1),
            situation_report_reference="Lägesbild 2022",
            action_plan_reference="Handlingsplan 2023",
            summary=(
                "Stadsövergripande samverkansöverenskommelse mellan polisen, Stockholms stad, "
                "utbildningsförvaltningen och trafikkontoret. Lägesbilden revideras varje år; "
                "bilagan med prioriterade samverkansområden ses över minst vart fjärde år."
            ),
        ),
        parties=[orgs[POLIS], orgs[STADEN], orgs[UTBF], orgs[TK]],
    )
    local = save_agreement(
        Agreement(
            title="Lokal samverkansöverenskommelse Hägersten-Älvsjö",
            scope=AgreementScope.LOKAL,
            area=demo.areas["Hägersten-Älvsjö"],
            follows=city,
            signed_on=dt.date(2019, 11, 20),
            valid_from=dt.date(2020, 1, 1),
            situation_report_reference="Lokal lägesbild 2022",
            action_plan_reference="Handlingsplan 2023",
            summary=(
                "Följer samma struktur som den stadsövergripande överenskommelsen. Riktat arbete "
                "mot avgränsade platser och utsatta områden, unga i risk för kriminalitet och "
                "skolan som brottsplats prioriteras särskilt utifrån den lokala lägesbilden."
            ),
        ),
        parties=[orgs[POLIS], orgs[SDF], orgs[UTBF], orgs[TK]],
    )
    Signatory.objects.bulk_create(
        [
            Signatory(agreement=city, name="Karin Wallin", title="stadsdirektör",
                      organisation=orgs[STADEN]),
            Signatory(agreement=city, name="Mats Edlund", title="polisområdeschef",
                      organisation=orgs[POLIS]),
            Signatory(agreement=city, name="Helena Ros", title="utbildningsdirektör",
                      organisation=orgs[UTBF]),
            Signatory(agreement=city, name="Tomas Ahl", title="trafikdirektör",
                      organisation=orgs[TK]),
            Signatory(agreement=local, name="Johan Berglund", title="stadsdelsdirektör",
                      organisation=orgs[SDF]),
            Signatory(agreement=local, name="Sara Lind", title="lokalpolisområdeschef",
                      organisation=orgs[POLIS]),
        ]
    )  # fmt: skip
    AgreementPriority.objects.bulk_update(
        _local_priorities(local), ["is_prioritised", "reason", "status_note", "follow_up"]
    )
    city.priorities.update(status_note="Stadsövergripande prioriterat samverkansområde")
    return city, local


def _local_priorities(agreement: Agreement) -> list[AgreementPriority]:
    rows = list(agreement.priorities.select_related("priority_area"))
    for row in rows:
        prioritised, status, follow_up = LOCAL_PRIORITIES[row.priority_area.code]
        row.is_prioritised = prioritised
        row.reason = LOCAL_REASON if prioritised else ""
        row.status_note = status
        row.follow_up = follow_up
    return rows


def _member(forum: Forum, *, chair: bool = False, **fields: object) -> ForumMember:
    return ForumMember.objects.create(forum=forum, is_chair=chair, **fields)


def _forums(demo: DemoContext) -> dict[str, Forum]:
    orgs, users, areas = demo.organisations, demo.users, demo.areas
    district = areas["Hägersten-Älvsjö"]
    forums: dict[str, Forum] = {}

    def forum(
        key: str,
        name: str,
        kind: str,
        rhythm: str,
        note: str,
        purpose: str,
        area: Area = district,
    ) -> Forum:
        forums[key] = Forum.objects.create(
            name=name, kind=kind, area=area, rhythm=rhythm, rhythm_note=note, purpose=purpose
        )
        return forums[key]

    council = forum(
        "rad", "Lokalt brottsförebyggande råd Hägersten-Älvsjö", ForumKind.LOKALT_RAD,
        Rhythm.KVARTALSVIS, "Fredagar förmiddag, fyra gånger per år",
        "Rådet samlar polisen, stadsdelsförvaltningen, skolan, trafikkontoret, fastighetsägare "
        "och företagare kring lägesbilden, de prioriterade områdena och insatserna.",
    )  # fmt: skip
    _member(
        council,
        chair=True,
        name="Johan Berglund",
        title="stadsdelsdirektör",
        organisation=orgs[SDF],
    )
    _member(council, user=users["samordnare"], title="trygghetssamordnare", organisation=orgs[SDF])
    _member(council, user=users["analytiker"], title="kommunpolis", organisation=orgs[POLIS])
    _member(council, user=users["radsmedlem"], title="rådsmedlem", organisation=orgs[SDF])
    _member(council, user=users["rapportor"], title="områdeschef", organisation=orgs[SHIS])
    _member(council, name="Anders Ek", title="rektor", organisation=orgs[UTBF])
    _member(council, name="Lena Holm", title="trafikplanerare", organisation=orgs[TK])
    _member(council, name="Peter Nyström", title="centrumchef", organisation=orgs[CITYCON])
    _member(council, name="Eva Sjöberg", title="ordförande", organisation=orgs[FORETAGARNA])

    prep = forum(
        "beredning", "Beredningsgrupp Hägersten-Älvsjö", ForumKind.BEREDNINGSGRUPP,
        Rhythm.MANADSVIS, "Första torsdagen i månaden",
        "Analys och genomgång av lägesbilden inför rådet.",
    )  # fmt: skip
    _member(
        prep,
        chair=True,
        user=users["samordnare"],
        title="trygghetssamordnare",
        organisation=orgs[SDF],
    )
    _member(prep, user=users["analytiker"], title="kommunpolis", organisation=orgs[POLIS])
    _member(
        prep,
        name="Nina Karlsson",
        title="enhetschef, individ- och familjeomsorg",
        organisation=orgs[SDF],
    )

    strategic = forum(
        "strategiskt", "Strategiskt råd för brottsförebyggande arbete", ForumKind.STRATEGISKT_RAD,
        Rhythm.HALVARSVIS, "Vår och höst",
        "Strategiska brottsförebyggande frågor enligt lag (2023:196): inriktning, "
        "prioriteringar och resurser.",
    )  # fmt: skip
    _member(
        strategic,
        chair=True,
        name="Johan Berglund",
        title="stadsdelsdirektör",
        organisation=orgs[SDF],
    )
    _member(strategic, name="Sara Lind", title="lokalpolisområdeschef", organisation=orgs[POLIS])
    _member(
        strategic, user=users["samordnare"], title="trygghetssamordnare", organisation=orgs[SDF]
    )

    weekly = forum(
        "vecka", "Veckovis lägesbild SDF och polis", ForumKind.ARBETSGRUPP, Rhythm.VECKOVIS,
        "Tisdagar 13.00", "Lägesbild varje vecka mellan stadsdelsförvaltningen och polisen.",
    )  # fmt: skip
    _member(weekly, chair=True, user=users["samordnare"], organisation=orgs[SDF])
    _member(weekly, user=users["analytiker"], organisation=orgs[POLIS])

    for key, name, area, purpose in (
        ("plats-liljeholmen", "Platssamverkan Liljeholmen", "Liljeholmen",
         "Samverkan kring hemlösa, missbrukare och skolavslutning; skolor, företagare och "
         "Citycon."),
        ("plats-fruangen", "Platssamverkan Fruängen/Västertorp/Hägerstensåsen", "Fruängen",
         "Följa rörelsen bland ungdomar i Fruängen och aktivera samverkan vid behov."),
        ("plats-alvsjo", "Platssamverkan Älvsjö/Solberga", "Älvsjö",
         "Samverkan Fokus Älvsjö/Solberga och tryggheten i Resecentrum."),
    ):  # fmt: skip
        group = forum(
            key, name, ForumKind.PLATSSAMVERKAN, Rhythm.MANADSVIS, "", purpose, areas[area]
        )
        _member(group, chair=True, user=users["samordnare"], organisation=orgs[SDF])
        _member(group, user=users["analytiker"], organisation=orgs[POLIS])
    _member(
        forums["plats-liljeholmen"],
        name="Peter Nyström",
        title="centrumchef",
        organisation=orgs[CITYCON],
    )
    _member(forums["plats-fruangen"], user=users["rapportor"], organisation=orgs[SHIS])

    sspf = forum(
        "sspf", "SSPF-styrgrupp Hägersten-Älvsjö", ForumKind.SSPF, Rhythm.MANADSVIS, "",
        "Samverkan skola, socialtjänst, polis och fritid kring unga i risk för kriminalitet.",
    )  # fmt: skip
    _member(
        sspf,
        chair=True,
        name="Nina Karlsson",
        title="enhetschef, individ- och familjeomsorg",
        organisation=orgs[SDF],
    )
    _member(sspf, user=users["analytiker"], organisation=orgs[POLIS])
    return forums


def _council_meetings(demo: DemoContext, council: Forum, local: Agreement) -> None:
    users = demo.users
    place = {"address": PLACE[0], "room": PLACE[1]}
    contact = dict(zip(("contact_name", "contact_phone", "contact_email"), CONTACT, strict=True))

    november = _meeting(
        council,
        dt.date(2022, 11, 18),
        "09.00",
        "11.00",
        **place,
        **contact,
        minutes="Lägesbild hösten 2022 och förslag till handlingsplan 2023.",
    )
    _agenda(november, ["Lägesbild hösten 2022", "Handlingsplan 2023", "Övrigt"])
    Decision.objects.create(
        meeting=november, text="Rådet ställer sig bakom förslaget till handlingsplan 2023."
    )
    february = _meeting(
        council,
        dt.date(2023, 2, 17),
        "09.00",
        "11.00",
        **place,
        **contact,
        minutes="Uppföljning av platssamverkan och medborgarlöftet i Älvsjö.",
    )
    _agenda(february, ["Platssamverkan – läget", "Medborgarlöfte Älvsjö/Solberga", "Övrigt"])

    may = _meeting(
        council,
        dt.date(2023, 5, 12),
        "09.00",
        "11.00",
        **place,
        **contact,
        minutes="Sommarens insatser och trygghetsvandringar.",
    )
    _agenda(may, ["Lägesbild våren 2023", "Sommarens insatser", "Övrigt"])
    ActionItem.objects.create(
        meeting=may,
        title="Trygghetsvandring vid Västberga gårdsväg med fastighetsägare",
        owner=users["samordnare"],
        due_on=dt.date(2023, 6, 30),
    )
    ActionItem.objects.create(
        meeting=may,
        title="Informationsinsats om bedrägerier mot äldre",
        owner=users["analytiker"],
        due_on=dt.date(2023, 8, 31),
        done=True,
        done_on=dt.date(2023, 8, 25),
    )

    september = _meeting(
        council,
        dt.date(2023, 9, 15),
        "09.00",
        "11.00",
        **place,
        **contact,
        minutes=SEPTEMBER_MINUTES,
    )
    items = _agenda(
        september,
        [
            "Ny lag – Kommuners ansvar för brottsförebyggande arbete",
            "Brottsförebyggande och trygghetsskapande arbete – säkerhetssamordnare och "
            "trygghetsstrateg",
            ("Samverkansöverenskommelsen mellan polisen, stadsdelsförvaltningen, "
             "utbildningsförvaltningen och TK", local),
            "Lokal lägesbild, prioriterade områden, insatser och uppföljning",
            "Utvärdering av intensivteamet som insats för att motverka kriminalitet",
            "Övrigt",
        ],
    )  # fmt: skip
    carry_over_open_items(september)
    # Who came: every member but the traffic office, and a guest from social services.
    september.attendees.set(council.members.exclude(name="Lena Holm"))
    september.other_attendees = "Nina Karlsson, enhetschef, individ- och familjeomsorg"
    september.save(update_fields=["other_attendees"])
    Decision.objects.create(
        meeting=september,
        agenda_item=items[4],
        text="Rådet beslutar att söka pengar hos Brå för en mer omfattande utvärdering av "
        "intensivteamet.",
    )
    Decision.objects.create(
        meeting=september,
        agenda_item=items[2],
        text="Bilagan med prioriterade samverkansområden ses över senast hösten 2023; "
        "samordnaren tar fram ett förslag till nästa möte.",
    )
    for title, owner, owner_name, due in (
        ("Ansöka om medel hos Brå för utvärdering av intensivteamet", users["samordnare"], "",
         dt.date(2023, 11, 30)),
        ("Förslag till reviderad bilaga med prioriterade samverkansområden",
         users["samordnare"], "", dt.date(2023, 10, 13)),
        ("Vägledning om socialtjänstens ansvar för stöd till anhöriga", None,
         "Avdelningen för individ- och familjeomsorg", dt.date(2023, 12, 15)),
    ):  # fmt: skip
        ActionItem.objects.create(
            meeting=september, title=title, owner=owner, owner_name=owner_name, due_on=due
        )

    october = _meeting(council, dt.date(2023, 10, 13), "09.00", "11.00", **place, **contact)
    _agenda(
        october,
        [
            "Mötets öppnande",
            "Lägesbild hösten 2023",
            ("Översyn av bilagan med prioriterade samverkansområden", local),
            "Ansökan till Brå – utvärdering av intensivteamet",
            "Övrigt",
        ],
    )
    carry_over_open_items(october)


def _other_meetings(demo: DemoContext, forums: dict[str, Forum]) -> None:
    sdf_room = {"address": "Svandammsplan 1", "room": "Rum Ekorren"}
    for day in (dt.date(2023, 8, 24), dt.date(2023, 9, 7)):
        meeting = _meeting(
            forums["beredning"],
            day,
            "09.00",
            "10.30",
            **sdf_room,
            minutes="Analys och genomgång av lägesbilden: enkäten Aktuell "
            "lägesbild, EST-rapporter och polisens statistik.",
        )
        _agenda(meeting, ["Aktuell lägesbild", "Inför rådet", "Övrigt"])
    _agenda(
        _meeting(forums["beredning"], dt.date(2023, 10, 5), "09.00", "10.30", **sdf_room),
        ["Aktuell lägesbild", "Förberedelse av rådets möte 13 oktober", "Övrigt"],
    )

    for day, minutes in (
        (dt.date(2022, 10, 17), "Inriktning för det brottsförebyggande arbetet 2023."),
        (dt.date(2023, 3, 20), "Den nya lagen (2023:196): samordningsfunktion, lägesbild, "
         "åtgärdsplan och strategiskt råd."),
    ):  # fmt: skip
        _meeting(
            forums["strategiskt"],
            day,
            "13.00",
            "15.00",
            address=PLACE[0],
            room="plan 10, rum Ugglan",
            minutes=minutes,
        )

    for day in (dt.date(2023, 9, 19), dt.date(2023, 9, 26), dt.date(2023, 10, 3)):
        _meeting(
            forums["vecka"],
            day,
            "13.00",
            "14.00",
            room="Teams",
            minutes="Veckans lägesbild." if day < dt.date(2023, 9, 29) else "",
        )

    _meeting(
        forums["plats-alvsjo"],
        dt.date(2023, 9, 12),
        "14.00",
        "15.30",
        address="Älvsjö centrum",
        room="Medborgarkontoret",
        minutes="Förslaget med bruttolista för Resecentrum lämnat för granskning.",
    )


def _next_after_build(forums: dict[str, Forum], today: dt.date) -> None:
    """Each council with a fixed rhythm meets again a few weeks after the demo was built."""
    for key, weekday, start, end in (
        ("rad", 4, "09.00", "11.00"),
        ("beredning", 3, "09.00", "10.30"),
        ("strategiskt", 0, "13.00", "15.00"),
    ):
        forum = forums[key]
        if forum.meetings.upcoming().exists():
            continue
        day = today + dt.timedelta(days=21)
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        if (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6):
            # Nobody meets over Christmas: the second week of January instead.
            day = dt.date(day.year + (day.month == 12), 1, 8)
            day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        last = forum.meetings.order_by("-starts_at").first()
        meeting = _meeting(
            forum,
            day,
            start,
            end,
            address=last.address if last else "",
            room=last.room if last else "",
            contact_name=CONTACT[0],
            contact_phone=CONTACT[1],
            contact_email=CONTACT[2],
        )
        _agenda(meeting, ["Mötets öppnande", "Aktuell lägesbild", "Övrigt"])
        carry_over_open_items(meeting)


def _promise(demo: DemoContext) -> None:
    promise = CitizenPromise.objects.create(
        title="Medborgarlöfte Älvsjö/Solberga 2023",
        promise=(
            "Polisen och Hägersten-Älvsjö stadsdelsförvaltning lovar att tillsammans med "
            "fastighetsägare och företagare öka tryggheten i och kring Älvsjö centrum och "
            "Resecentrum: fler synliga närvarotimmar på kvällstid, bättre belysning längs "
            "gångstråken och en fysisk mötesplats på Medborgarkontoret."
        ),
        area=demo.areas["Älvsjö"],
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        dialogue="Medborgardialog och trygghetsvandring i Älvsjö centrum hösten 2022.",
    )
    promise.parties.set([demo.organisations[POLIS], demo.organisations[SDF]])
    PromiseFollowUp.objects.bulk_create(
        [
            PromiseFollowUp(promise=promise, due_on=dt.date(2023, 6, 30),
                            done_on=dt.date(2023, 6, 28), status=FollowUpStatus.GUL,
                            note="Närvaron har ökat; belysningen är beställd."),
            PromiseFollowUp(promise=promise, due_on=dt.date(2023, 10, 31)),
            PromiseFollowUp(promise=promise, due_on=dt.date(2023, 12, 31)),
        ]
    )  # fmt: skip


def build(demo: DemoContext) -> None:
    # The demo starts from a flushed database, which also emptied the migration's defaults.
    ensure_default_priority_areas(PriorityArea)
    _city, local = _agreements(demo)
    forums = _forums(demo)
    _council_meetings(demo, forums["rad"], local)
    _other_meetings(demo, forums)
    _next_after_build(forums, timezone.localdate())
    _promise(demo)
    demo.log(
        _("%(agreements)s agreements, %(forums)s forums, %(meetings)s meetings")
        % {
            "agreements": Agreement.objects.count(),
            "forums": Forum.objects.count(),
            "meetings": Meeting.objects.count(),
        }
    )
