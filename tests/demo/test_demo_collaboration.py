"""The demo's Samverkan: the seed's agreements, councils, meetings and a realistic checklist."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from trygg.accounts.models import User
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    ForumKind,
    ForumMember,
    Meeting,
)
from trygg.compliance.duties import checklist
from trygg.places.models import Area

pytestmark = pytest.mark.django_db(transaction=True)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def build():
    call_command("demo", stdout=StringIO())


def snapshot():
    return (
        sorted(Agreement.objects.values_list("title", "signed_on", "annex_review_due")),
        sorted(Meeting.objects.values_list("forum__name", "starts_at", "room", "minutes")),
        sorted(AgendaItem.objects.values_list("meeting__starts_at", "position", "title")),
        sorted(ActionItem.objects.values_list("title", "due_on", "done")),
        sorted(ForumMember.objects.values_list("forum__name", "name", "user__username")),
    )


def test_the_demo_reproduces_the_seeds_collaboration():
    build()
    city = Agreement.objects.get(scope="stadsovergripande")
    local = Agreement.objects.get(scope="lokal")
    assert {p.short_name for p in city.parties.all()} == {"Polisen", "Staden", "UTBF", "TK"}
    assert local.follows == city
    # "Bilagan ... ska ses över åtminstone var fjärde år, senast hösten 2023."
    for agreement in (city, local):
        assert agreement.priorities.count() == 10
        assert dt.date(2023, 9, 1) <= agreement.annex_review_due <= dt.date(2023, 11, 30)
    prioritised = {p.priority_area.name for p in local.priorities.filter(is_prioritised=True)}
    assert prioritised == {"Riktat arbete mot avgränsade platser och utsatta områden",
                           "Unga i risk för kriminalitet", "Skolan som brottsplats"}  # fmt: skip
    notes = dict(local.priorities.values_list("priority_area__code", "status_note"))
    assert notes["otillaten-paverkan"] == "Hanteras löpande i verksamheten"
    assert notes["kamerabevakning"] == notes["ordningsvakter"] == "Stadsövergripande nivå"

    council = local.area.forums.get(kind=ForumKind.LOKALT_RAD)
    assert {f.kind for f in local.area.forums.all()} >= {
        ForumKind.STRATEGISKT_RAD,
        ForumKind.BEREDNINGSGRUPP,
        ForumKind.ARBETSGRUPP,
        ForumKind.SSPF,
    }
    assert council.chair.name and council.members.filter(user__username="samordnare").exists()
    october = council.meetings.get(starts_at__date=dt.date(2023, 10, 13))
    assert october.starts_at == dt.datetime(2023, 10, 13, 9, tzinfo=STOCKHOLM)
    assert october.ends_at == dt.datetime(2023, 10, 13, 11, tzinfo=STOCKHOLM)
    assert (october.address, october.room) == ("Telefonvägen 30", "plan 10, rum Paddan")
    # A fictional contact person, never the seed's real one.
    assert october.contact_name and "Cederlid" not in october.contact_name
    assert october.contact_email.endswith(".example")
    carried = october.agenda_items.filter(carried_action__isnull=False)
    assert carried.filter(carried_action__title__startswith="Trygghetsvandring").exists()

    september = council.meetings.get(starts_at__date=dt.date(2023, 9, 15))
    for section in ("1. Ny lag", "3. Samverkansöverenskommelsen", "4. Lokal lägesbild",
                    "5. Utvärdering av intensivteamet", "6. Övrigt"):  # fmt: skip
        assert section in september.minutes
    assert september.decisions.filter(text__contains="Brå").exists()
    assert september.agenda_items.get(position=3).linked == local


def test_the_checklist_shows_a_realistic_mix_in_the_seeds_autumn():
    build()
    district = Area.objects.get(name="Hägersten-Älvsjö")
    statuses = {d.key: d.status.value for d in checklist(district, dt.date(2023, 9, 29))}
    # The lägesbild and åtgärdsplan rows are the reports and plans demos' business.
    expected = {
        "samordningsfunktion": "uppfyllt",
        "overenskommelse": "uppfyllt",
        "bilaga": "snart_forfallet",
        "strategiskt_forum": "uppfyllt",
        "atgardspunkter": "forfallet",
        "uppfoljningar": "snart_forfallet",
    }
    assert {key: statuses[key] for key in expected} == expected
    # Built any day, each council still has a next meeting to import into a calendar.
    client = Client()
    client.force_login(User.objects.get(username="samordnare"))
    upcoming = Meeting.objects.upcoming().filter(forum__kind=ForumKind.LOKALT_RAD).first()
    assert upcoming is not None
    response = client.get(reverse("collaboration:meeting_ics", args=[upcoming.pk]))
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1
    overview = client.get(reverse("front:overview")).content.decode()
    assert "Kommande möten" in overview and upcoming.forum.name in overview
    checklist_page = client.get(reverse("compliance:checklist"), {"datum": "2023-09-29"})
    assert checklist_page.status_code == 200


def test_rebuilding_gives_the_same_collaboration():
    build()
    first = snapshot()
    build()
    assert snapshot() == first
