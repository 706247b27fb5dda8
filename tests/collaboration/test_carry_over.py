"""Open action items carry over to the forum's next meeting's agenda."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.collaboration.conftest import at
from trygg.collaboration.actions import (
    carry_over_open_items,
    save_action_items,
    save_meeting,
    set_action_item_done,
)
from trygg.collaboration.models import ActionItem, Forum, ForumKind, Meeting

pytestmark = pytest.mark.django_db


def titles(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.agenda_items.all()]


def test_open_items_of_earlier_meetings_go_onto_the_next_agenda(meeting_on, action):
    may = meeting_on(dt.date(2023, 5, 12))
    action(may, "Trygghetsvandring", due_on=dt.date(2023, 6, 30))
    action(may, "Klart redan", done=True, done_on=dt.date(2023, 6, 1))
    september = meeting_on(dt.date(2023, 9, 15))
    added = carry_over_open_items(september)
    assert [a.title for a in added] == ["Uppföljning: Trygghetsvandring"]
    assert added[0].carried_action.title == "Trygghetsvandring"
    assert "2023-05-12" in added[0].description


def test_carrying_over_twice_adds_nothing_new(meeting_on, action):
    may = meeting_on(dt.date(2023, 5, 12))
    action(may, "Trygghetsvandring")
    september = meeting_on(dt.date(2023, 9, 15))
    carry_over_open_items(september)
    assert carry_over_open_items(september) == []
    assert september.agenda_items.count() == 1


def test_an_item_stays_on_each_next_agenda_until_done(meeting_on, action):
    may = meeting_on(dt.date(2023, 5, 12))
    item = action(may, "Trygghetsvandring")
    september = meeting_on(dt.date(2023, 9, 15))
    carry_over_open_items(september)
    set_action_item_done(item, True, dt.date(2023, 9, 20))
    october = meeting_on(dt.date(2023, 10, 13))
    assert carry_over_open_items(october) == []
    # The September agenda keeps its history and shows the item is done now.
    assert september.agenda_items.get().carried_action.done


def test_items_of_other_forums_and_later_meetings_stay_put(world, meeting_on, action):
    other = Forum.objects.create(name="Annat", kind=ForumKind.ARBETSGRUPP, area=world.district)
    action(meeting_on(dt.date(2023, 5, 12), forum=other), "Annat forums punkt")
    september = meeting_on(dt.date(2023, 9, 15))
    action(meeting_on(dt.date(2023, 11, 1)), "Senare punkt")
    assert carry_over_open_items(september) == []


def test_new_items_reach_a_meeting_that_is_already_planned(meeting_on, world):
    today = timezone.localdate()
    held = meeting_on(today - dt.timedelta(days=1))
    planned = meeting_on(today + dt.timedelta(days=30))
    save_action_items(held, [ActionItem(meeting=held, title="Ny punkt", owner=world.alice)])
    assert titles(planned) == ["Uppföljning: Ny punkt"]


def test_a_meeting_saved_for_the_future_collects_open_items(council, meeting_on, action):
    today = timezone.localdate()
    action(meeting_on(today - dt.timedelta(days=40)), "Öppen punkt")
    day = today + dt.timedelta(days=14)
    planned = save_meeting(Meeting(forum=council, starts_at=at(day, 9), ends_at=at(day, 11)))
    assert titles(planned) == ["Uppföljning: Öppen punkt"]


def test_a_past_meeting_recorded_afterwards_collects_nothing(council, meeting_on, action):
    action(meeting_on(dt.date(2023, 5, 12)), "Öppen punkt")
    late = save_meeting(
        Meeting(forum=council, starts_at=at(dt.date(2023, 6, 1), 9),
                ends_at=at(dt.date(2023, 6, 1), 11))
    )  # fmt: skip
    assert titles(late) == []
