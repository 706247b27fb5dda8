"""The permission helpers: what each actor of the test world may see and change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests.factories import MembershipFactory, UserFactory
from trygg.accounts.models import Role
from trygg.accounts.permissions import (
    can_add_area,
    can_area,
    can_membership,
    can_organisation,
    check_area,
    check_organisation,
    visible_areas,
    visible_memberships,
    visible_organisations,
)
from trygg.accounts.scope import scope_for
from trygg.incidents.permissions import can_category, check_category

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user without a cached scope, as on the next request."""
    user.__dict__.pop("_trygg_scope", None)
    return user


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("alice", {"Hägersten-Älvsjö", "Liljeholmen"}),
        ("bob", {"Hägersten-Älvsjö", "Liljeholmen"}),
        ("carol", {"Stockholm", "Hägersten-Älvsjö", "Liljeholmen", "Skärholmen"}),
        ("dave", {"Skärholmen"}),
        ("erin", set()),
    ],
)
def test_visible_areas_follow_membership_subtrees(world, actor, expected):
    user = getattr(world, actor)
    assert {a.name for a in visible_areas(user)} == expected


def test_superuser_sees_every_area(world):
    root = UserFactory(is_superuser=True)
    assert visible_areas(root).count() == 4


def test_anonymous_sees_nothing(world):
    assert not visible_areas(AnonymousUser()).exists()
    assert not visible_organisations(AnonymousUser()).exists()
    assert not can_category(AnonymousUser())


@pytest.mark.parametrize(
    ("actor", "area", "view", "change"),
    [
        ("alice", "liljeholmen", True, True),
        ("alice", "district", True, True),
        ("alice", "stockholm", False, False),
        ("alice", "skarholmen", False, False),
        ("bob", "liljeholmen", True, False),
        ("carol", "skarholmen", True, False),
        ("dave", "skarholmen", True, True),
        ("dave", "liljeholmen", False, False),
        ("erin", "liljeholmen", False, False),
    ],
)
def test_area_permissions_per_role(world, actor, area, view, change):
    user, target = getattr(world, actor), getattr(world, area)
    assert can_area(user, target, "view") is view
    assert can_area(user, target, "change") is change


def test_check_area_raises_permission_denied(world):
    check_area(world.alice, world.liljeholmen)
    with pytest.raises(PermissionDenied):
        check_area(world.alice, world.skarholmen)


def test_only_coordinators_of_the_parent_add_areas_and_only_superusers_add_roots(world):
    assert can_add_area(world.alice, world.district)
    assert not can_add_area(world.bob, world.district)
    assert not can_add_area(world.alice, None)
    assert can_add_area(UserFactory(is_superuser=True), None)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        # Own, below and above the district (city-level police), not the neighbour district.
        ("alice", {"Hägersten-Älvsjö SDF", "Polisen", "Bostadsbolaget"}),
        ("bob", {"Hägersten-Älvsjö SDF", "Polisen", "Bostadsbolaget"}),
        ("carol", {"Hägersten-Älvsjö SDF", "Polisen", "Bostadsbolaget", "Skärholmens SDF"}),
        ("dave", {"Polisen", "Skärholmens SDF"}),
        ("erin", set()),
    ],
)
def test_visible_organisations(world, actor, expected):
    user = getattr(world, actor)
    assert {o.name for o in visible_organisations(user)} == expected


def test_organisation_change_needs_a_coordinator_of_its_area(world):
    assert can_organisation(world.alice, world.housing, "change")
    assert not can_organisation(world.alice, world.police, "change")
    assert not can_organisation(world.bob, world.housing, "change")
    with pytest.raises(PermissionDenied):
        check_organisation(world.dave, world.sdf)


def test_memberships_are_listed_to_coordinators_and_to_the_member(world):
    assert {m.user.username for m in visible_memberships(world.alice)} == {"alice", "bob"}
    assert {m.user.username for m in visible_memberships(world.bob)} == {"bob"}
    bobs = world.bob.memberships.get()
    assert can_membership(world.alice, bobs, "change")
    assert can_membership(world.bob, bobs, "view")
    assert not can_membership(world.bob, bobs, "change")
    assert not can_membership(world.dave, bobs, "view")


def test_inactive_membership_grants_nothing(world):
    membership = world.bob.memberships.get()
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert not visible_areas(fresh(world.bob)).exists()


def test_a_second_membership_widens_the_scope(world):
    MembershipFactory(
        user=world.bob, organisation=world.housing, role=Role.RAPPORTOR, area=world.skarholmen
    )
    assert "Skärholmen" in {a.name for a in visible_areas(fresh(world.bob))}


def test_categories_are_read_by_members_and_edited_by_coordinators(world):
    assert can_category(world.bob)
    assert not can_category(world.bob, "change")
    assert can_category(world.alice, "change")
    with pytest.raises(PermissionDenied):
        check_category(world.erin)


def test_scope_is_cached_for_the_request(world, django_assert_num_queries):
    scope_for(world.alice)
    with django_assert_num_queries(0):
        scope_for(world.alice).area_ids()
