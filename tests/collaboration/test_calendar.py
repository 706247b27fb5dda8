"""ICS files parse with the icalendar library; the private feed needs its secret."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from trygg.collaboration.models import AgendaItem, CalendarFeed, Forum, ForumKind, Meeting

pytestmark = pytest.mark.django_db


def events(body: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def meeting(meeting_on):
    found = meeting_on(
        dt.date(2023, 10, 13),
        contact_name="Kim Kontakt",
        contact_phone="070-174 06 51",
        contact_email="kim@example.org",
    )
    AgendaItem.objects.create(meeting=found, position=1, title="Lägesbild hösten 2023")
    return found


def test_a_meeting_exports_as_ics_that_icalendar_parses(client, world, meeting):
    client.force_login(world.bob)
    response = client.get(reverse("collaboration:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="mote-2023-10-13-{meeting.pk}.ics"'
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    [event] = events(response.content)
    assert event.decoded("dtstart") == dt.datetime(2023, 10, 13, 7, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2023, 10, 13, 9, 0, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Lokalt råd"
    assert str(event["location"]) == "Telefonvägen 30, plan 10, rum Paddan"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@testserver"
    assert "1. Lägesbild hösten 2023" in str(event["description"])
    assert "070-174 06 51" in str(event["description"])
    assert str(event["organizer"]) == "mailto:kim@example.org"
    assert str(event["url"]).endswith(meeting.get_absolute_url())


def test_the_ics_file_is_only_for_readers(client, world, meeting):
    url = reverse("collaboration:meeting_ics", args=[meeting.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.dave)
    assert client.get(url).status_code == 403


def test_a_cancelled_meeting_says_so(client, world, meeting):
    meeting.is_cancelled = True
    meeting.save()
    client.force_login(world.alice)
    [event] = events(client.get(reverse("collaboration:meeting_ics", args=[meeting.pk])).content)
    assert str(event["status"]) == "CANCELLED"


@pytest.fixture
def soon(meeting_on):
    """A meeting in a few weeks: feeds hold the past year and what is to come."""
    return meeting_on(dt.date.today() + dt.timedelta(days=20))


def feed_url(client) -> str:
    client.post(reverse("collaboration:calendar"), {"action": "regenerate"})
    html = client.get(reverse("collaboration:calendar")).content.decode()
    start = html.index("http://testserver/samverkan/kalender/")
    return html[start : html.index('"', start)].removeprefix("http://testserver")


def test_the_feed_holds_the_users_forums_meetings_and_needs_no_session(
    client, world, council, soon, meeting_on
):
    other = Forum.objects.create(
        name="Annat forum", kind=ForumKind.ARBETSGRUPP, area=world.district
    )
    meeting_on(dt.date.today() + dt.timedelta(days=21), forum=other)
    meeting_on(dt.date.today() - dt.timedelta(days=400))  # older than a year: left out
    client.force_login(world.bob)  # bob is a member of the council, not of the other forum
    url = feed_url(client)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    [event] = events(response.content)
    assert str(event["uid"]) == f"meeting-{soon.pk}@testserver"
    assert "bob" in str(icalendar.Calendar.from_ical(response.content)["x-wr-calname"])


def test_a_wrong_secret_answers_404(client, world, meeting):
    client.force_login(world.bob)
    url = feed_url(client)
    client.logout()
    assert client.get(url.replace(url[-10:-4], "xxxxxx")).status_code == 404
    assert client.get(reverse("collaboration:calendar_feed", args=["gissning"])).status_code == 404


def test_regenerating_retires_the_old_address(client, world, soon):
    client.force_login(world.bob)
    old = feed_url(client)
    new = feed_url(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_revoking_turns_the_feed_off(client, world, meeting):
    client.force_login(world.bob)
    url = feed_url(client)
    response = client.post(reverse("collaboration:calendar"), {"action": "revoke"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()
    assert client.get(url).status_code == 404
    assert (
        "Skapa min kalenderadress" in client.get(reverse("collaboration:calendar")).content.decode()
    )


def test_a_deactivated_user_loses_the_feed(client, world, meeting):
    client.force_login(world.bob)
    url = feed_url(client)
    world.bob.is_active = False
    world.bob.save()
    assert client.get(url).status_code == 404


def test_the_feed_forgets_a_forum_the_user_may_no_longer_see(client, world, soon):
    client.force_login(world.bob)
    url = feed_url(client)
    assert len(events(client.get(url).content)) == 1
    world.bob.memberships.update(is_active=False)
    assert events(client.get(url).content) == []
    assert Meeting.objects.count() == 1
