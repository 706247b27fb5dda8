"""Who sees and changes Samverkan records: scoped by area like the rest of Trygg."""

import datetime as dt

import pytest

from trygg.collaboration.actions import save_agreement
from trygg.collaboration.models import Agreement, Forum, ForumKind
from trygg.collaboration.permissions import (
    CHANGE,
    VIEW,
    can_action_item,
    can_add,
    can_agreement,
    can_collaborate,
    can_forum,
    can_meeting,
    visible_agreements,
    visible_forums,
    visible_meetings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_agreement(world, priority_areas):
    return save_agreement(
        Agreement(title="Stadsövergripande", scope="stadsovergripande", area=world.stockholm)
    )


@pytest.fixture
def skarholmen_forum(world):
    return Forum.objects.create(name="Skärholmens råd", kind=ForumKind.LOKALT_RAD,
                                area=world.skarholmen)  # fmt: skip


@pytest.mark.parametrize(
    ("actor", "view", "change"),
    [("alice", True, True), ("bob", True, False), ("carol", True, False),
     ("dave", False, False), ("erin", False, False)],
)  # fmt: skip
def test_district_agreement(world, agreement, actor, view, change):
    user = getattr(world, actor)
    assert can_agreement(user, agreement, VIEW) is view
    assert can_agreement(user, agreement, CHANGE) is change
    assert (agreement in visible_agreements(user)) is view


@pytest.mark.parametrize(
    ("actor", "view", "change"),
    [("alice", True, False), ("bob", True, False), ("carol", True, False),
     ("dave", True, False), ("erin", False, False)],
)  # fmt: skip
def test_a_city_wide_agreement_is_context_for_every_district(
    world, city_agreement, actor, view, change
):
    user = getattr(world, actor)
    assert can_agreement(user, city_agreement, VIEW) is view
    assert can_agreement(user, city_agreement, CHANGE) is change


@pytest.mark.parametrize(
    ("actor", "view", "change"),
    [("alice", False, False), ("bob", False, False), ("carol", True, False),
     ("dave", True, True), ("erin", False, False)],
)  # fmt: skip
def test_another_districts_forum(world, skarholmen_forum, actor, view, change):
    user = getattr(world, actor)
    assert can_forum(user, skarholmen_forum, VIEW) is view
    assert can_forum(user, skarholmen_forum, CHANGE) is change
    assert (skarholmen_forum in visible_forums(user)) is view


def test_meetings_follow_their_forum(world, council, meeting_on):
    meeting = meeting_on(dt.date(2023, 10, 13))
    assert can_meeting(world.bob, meeting, VIEW)
    assert not can_meeting(world.bob, meeting, CHANGE)
    assert can_meeting(world.alice, meeting, CHANGE)
    assert not can_meeting(world.dave, meeting, VIEW)
    assert list(visible_meetings(world.dave)) == []
    assert list(visible_meetings(world.bob)) == [meeting]


def test_the_owner_of_an_action_item_may_mark_it_done(world, council, meeting_on, action):
    item = action(meeting_on(dt.date(2023, 10, 13)), owner=world.bob)
    assert can_action_item(world.bob, item, CHANGE)
    assert can_action_item(world.alice, item, CHANGE)
    assert not can_action_item(world.carol, item, CHANGE)
    assert can_action_item(world.carol, item, VIEW)
    assert not can_action_item(world.dave, item, VIEW)


@pytest.mark.parametrize(
    ("actor", "member", "adds"),
    [("alice", True, True), ("bob", True, False), ("carol", True, False),
     ("dave", True, True), ("erin", False, False)],
)  # fmt: skip
def test_section_and_adding(world, actor, member, adds):
    user = getattr(world, actor)
    assert can_collaborate(user) is member
    assert can_add(user) is adds


def test_a_superuser_sees_and_changes_everything(world, agreement, skarholmen_forum):
    world.erin.is_superuser = True
    world.erin.save()
    assert can_agreement(world.erin, agreement, CHANGE)
    assert can_forum(world.erin, skarholmen_forum, CHANGE)
