"""``/api/v1/agreements/``, ``/forums/`` and ``/meetings/``: scoped like the pages, read-only."""

import datetime as dt

import icalendar
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.collaboration.links import link_fields
from trygg.collaboration.models import AgendaItem, Decision, Forum, ForumKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def client_for(actor: str | None) -> APIClient:
        client = APIClient()
        if actor:
            token, _created = Token.objects.get_or_create(user=getattr(world, actor))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def records(world, agreement, council, meeting_on, action):
    meeting = meeting_on(dt.date(2023, 10, 13), contact_name="Kim Kontakt")
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="Bilagan", **link_fields(agreement)
    )
    Decision.objects.create(meeting=meeting, text="Rådet beslutar.")
    action(meeting, "Ansöka hos Brå", due_on=dt.date(2023, 11, 30))
    Forum.objects.create(name="Skärholmens råd", kind=ForumKind.LOKALT_RAD, area=world.skarholmen)
    return agreement, council, meeting


def test_agreements_list_what_the_user_may_see(api, records):
    agreement = records[0]
    body = api("bob").get("/api/v1/agreements/").json()
    assert body["count"] == 1
    found = body["results"][0]
    assert found["title"] == agreement.title
    assert found["annex_review_due"] == "2025-03-01"
    assert len(found["priorities"]) == 10
    assert found["priorities"][0]["name"].startswith("Riktat arbete")
    assert found["url"].endswith(agreement.get_absolute_url())
    assert api("dave").get("/api/v1/agreements/").json()["count"] == 0
    assert api("dave").get(f"/api/v1/agreements/{agreement.pk}/").status_code == 404


def test_forums_with_members_and_chair(api, records):
    body = api("alice").get("/api/v1/forums/").json()
    assert [f["name"] for f in body["results"]] == ["Lokalt råd"]
    members = body["results"][0]["members"]
    assert {"user": None, "name": "Extern Person", "title": "rektor", "organisation": None,
            "is_chair": False} in members  # fmt: skip
    assert [m["name"] for m in members if m["is_chair"]] == ["alice"]
    assert [f["name"] for f in api("dave").get("/api/v1/forums/").json()["results"]] == [
        "Skärholmens råd"
    ]


def test_meetings_carry_an_ics_url_that_works(api, records):
    agreement, _council, meeting = records
    client = api("bob")
    body = client.get("/api/v1/meetings/").json()
    [found] = body["results"]
    assert found["starts_at"] == "2023-10-13T09:00:00+02:00"
    assert found["room"] == "plan 10, rum Paddan"
    assert found["agenda"][0]["link"] == f"collaboration.agreement:{agreement.pk}"
    assert found["decisions"] == ["Rådet beslutar."]
    assert found["action_items"][0]["due_on"] == "2023-11-30"
    assert found["ics_url"] == f"http://testserver/samverkan/moten/{meeting.pk}/kalender.ics"
    client.force_login(records[1].members.get(is_chair=True).user)
    ics = client.get(found["ics_url"])
    assert ics.status_code == 200
    assert len(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")) == 1


def test_meetings_filter_by_forum_and_upcoming(api, records, meeting_on):
    later = meeting_on(dt.date.today() + dt.timedelta(days=5))
    client = api("alice")
    upcoming = client.get("/api/v1/meetings/", {"kommande": "1"}).json()["results"]
    assert [m["id"] for m in upcoming] == [later.pk]
    assert client.get("/api/v1/meetings/", {"forum": records[1].pk}).json()["count"] == 2
    assert client.get("/api/v1/meetings/", {"forum": "x"}).status_code == 400


def test_the_api_needs_a_sign_in_and_is_read_only(api, records):
    assert api(None).get("/api/v1/meetings/").status_code == 401
    assert api("alice").post("/api/v1/agreements/", {"title": "x"}).status_code == 405
