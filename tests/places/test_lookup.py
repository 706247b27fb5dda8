import pytest

from tests.factories import AreaFactory
from trygg.lib.geo import circle
from trygg.places.lookup import area_at, areas_at
from trygg.places.models import AreaKind

pytestmark = pytest.mark.django_db


def test_point_gets_the_most_specific_area(world):
    assert area_at(59.31, 18.02) == world.liljeholmen
    assert areas_at(59.31, 18.02) == [world.liljeholmen, world.district]


def test_point_outside_every_boundary_has_no_area(world):
    assert area_at(57.7, 11.97) is None


def test_a_place_wins_over_the_neighbourhood_around_it(world):
    square = AreaFactory(
        name="Liljeholmstorget",
        kind=AreaKind.PLATS,
        parent=world.liljeholmen,
        geometry=circle(59.31, 18.02, 100),
    )
    assert area_at(59.31, 18.02) == square


def test_lookup_sees_new_and_moved_boundaries(world):
    assert area_at(59.27, 17.90) == world.skarholmen
    world.skarholmen.geometry = circle(59.0, 17.0, 500)
    world.skarholmen.save()
    assert area_at(59.27, 17.90) is None
