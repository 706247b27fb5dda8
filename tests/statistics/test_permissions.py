"""Who sees and imports statistics, per actor of the test world."""

import pytest

from trygg.statistics.permissions import (
    can_import_statistics,
    can_view_statistics,
    importable_area_ids,
    visible_series,
    visible_values,
)

pytestmark = pytest.mark.django_db

# alice coordinates the district, carol analyses the city, dave coordinates Skärholmen,
# bob reports for a housing company, erin has no membership.
ACTORS = {
    "alice": (True, True, {"district", "liljeholmen"}),
    "carol": (True, True, {"stockholm", "district", "liljeholmen", "skarholmen"}),
    "dave": (True, True, {"skarholmen"}),
    "bob": (False, False, set()),
    "erin": (False, False, set()),
}


@pytest.mark.parametrize(("actor", "expected"), ACTORS.items())
def test_roles_and_areas(world, crimes, value, actor, expected):
    can_view, can_import, areas = expected
    for name in ("stockholm", "district", "liljeholmen", "skarholmen"):
        value(crimes, getattr(world, name), "2021", 1)
    user = getattr(world, actor)
    assert can_view_statistics(user) is can_view
    assert can_import_statistics(user) is can_import
    area_ids = {getattr(world, name).pk for name in areas}
    assert set(visible_values(user).values_list("area", flat=True)) == area_ids
    assert importable_area_ids(user) == area_ids
    assert list(visible_series(user)) == ([crimes] if can_view else [])


def test_a_council_member_does_not_see_the_statistics_pages(world):
    from tests.factories import MembershipFactory
    from trygg.accounts.models import Role

    MembershipFactory(
        user=world.erin, organisation=world.sdf, role=Role.RADSMEDLEM, area=world.district
    )
    assert not can_view_statistics(world.erin)


def test_a_superuser_sees_everything(world, crimes, value):
    value(crimes, world.skarholmen, "2021", 1)
    world.erin.is_superuser = True
    world.erin.save()
    assert can_view_statistics(world.erin) and can_import_statistics(world.erin)
    assert visible_values(world.erin).count() == 1
