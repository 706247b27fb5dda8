import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AreaFactory
from trygg.lib.geo import circle
from trygg.places.lookup import area_at, areas_at, locate_coordinates, locate_many
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


_points = st.lists(
    st.tuples(
        st.floats(min_value=59.24, max_value=59.33, allow_nan=False),
        st.floats(min_value=17.85, max_value=18.07, allow_nan=False),
        st.integers(1, 12),  # points at (almost) the same spot, so grid cells fill up
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(points=_points, scope=st.sampled_from(["all", "district", "skarholmen", "none"]))
def test_locate_coordinates_agrees_with_one_point_at_a_time(world, points, scope):
    lats = np.array([lat + k * 1e-6 for lat, _lon, n in points for k in range(n)])
    lons = np.array([lon + k * 1e-6 for _lat, lon, n in points for k in range(n)])
    allowed = {
        "all": None,
        "district": {world.district.pk, world.liljeholmen.pk},
        "skarholmen": {world.skarholmen.pk},
        "none": set(),
    }[scope]
    found = locate_coordinates(lats, lons, allowed=allowed)
    exact = locate_coordinates(lats, lons, allowed=allowed, exact=True)
    assert found.tolist() == exact.tolist()
    expected = []
    for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True):
        areas = [a.pk for a in areas_at(lat, lon) if allowed is None or a.pk in allowed]
        expected.append(areas[0] if areas else 0)
    assert found.tolist() == expected
    assert locate_many(list(zip(lats, lons, strict=True)), allowed=allowed) == [
        a or None for a in expected
    ]
