import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from trygg.lib.geo import AreaIndex, GeometryError, area_km2, circle, clean_boundary, union

SQUARE = {"type": "Polygon", "coordinates": [[[18.0, 59.0], [18.1, 59.0], [18.1, 59.1], [18.0, 59.1], [18.0, 59.0]]]}  # fmt: skip
BOWTIE = {"type": "Polygon", "coordinates": [[[18.0, 59.0], [18.1, 59.1], [18.1, 59.0], [18.0, 59.1], [18.0, 59.0]]]}  # fmt: skip


def test_valid_polygon_passes_unchanged():
    clean = clean_boundary(SQUARE)
    assert clean.repaired is False
    assert shape(clean.geojson).equals(shape(SQUARE))


def test_self_intersecting_polygon_is_repaired_to_its_two_lobes():
    clean = clean_boundary(BOWTIE)
    assert clean.repaired is True
    repaired = shape(clean.geojson)
    assert repaired.is_valid
    assert clean.geojson["type"] == "MultiPolygon"
    assert repaired.area == pytest.approx(shape(SQUARE).area / 2)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "saknas"),
        ({"type": "Point", "coordinates": [18.0, 59.0]}, "Polygon eller MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[18.0, 59.0], [18.1, 59.0]]]}, "minst fyra"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "går inte att läsa"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[674000, 6580000], [675000, 6580000], [675000, 6581000], [674000, 6580000]]
                ],
            },  # fmt: skip
            "SWEREF 99",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[18.0, 59.0], [18.1, 59.0], [18.2, 59.0], [18.0, 59.0]]],
            },  # fmt: skip
            "kan inte lagas",
        ),
    ],
)
def test_unusable_geometries_are_refused_with_a_reason(geometry, message):
    with pytest.raises(GeometryError, match=message):
        clean_boundary(geometry)


def test_real_boundaries_are_valid(fixtures_dir):
    data = json.loads((fixtures_dir / "stadsdelar-sample.geojson").read_text(encoding="utf-8"))
    for feature in data["features"]:
        assert clean_boundary(feature["geometry"]).repaired is False


def test_union_of_neighbours_covers_both(fixtures_dir):
    data = json.loads((fixtures_dir / "stadsdelar-sample.geojson").read_text(encoding="utf-8"))
    geoms = [f["geometry"] for f in data["features"]]
    merged = shape(union(geoms))
    for g in geoms:
        assert merged.buffer(1e-9).covers(shape(g))


def test_circle_has_the_area_of_its_radius():
    # A 500 m circle drawn in SWEREF 99 TM: π·0.5² km², within the polygon approximation.
    assert area_km2(circle(59.3, 18.0, 500)) == pytest.approx(math.pi * 0.25, rel=0.02)


def test_index_finds_the_containing_boundaries():
    index = AreaIndex(
        [("a", SQUARE), ("b", circle(59.05, 18.05, 500)), ("far", circle(60, 15, 100))]
    )
    assert index.containing(59.05, 18.05) == ["a", "b"]
    assert index.containing(59.01, 18.01) == ["a"]
    assert index.containing(58.0, 18.0) == []


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=58.95, max_value=59.15, allow_nan=False),
    lon=st.floats(min_value=17.95, max_value=18.15, allow_nan=False),
)
def test_index_agrees_with_brute_force(lat, lon):
    boundaries = [
        ("square", SQUARE),
        ("bowtie", clean_boundary(BOWTIE).geojson),
        ("circle", circle(59.05, 18.05, 2000)),
    ]
    index = AreaIndex(boundaries)
    expected = [key for key, g in boundaries if shape(g).intersects(Point(lon, lat))]
    assert index.containing(lat, lon) == expected
