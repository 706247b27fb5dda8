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


# The grid classification gives exactly the pairs the point-by-point STRtree query gives ----

HOLED = {
    "type": "Polygon",
    "coordinates": [
        [[18.02, 59.02], [18.09, 59.02], [18.09, 59.09], [18.02, 59.09], [18.02, 59.02]],
        [[18.04, 59.04], [18.06, 59.04], [18.06, 59.06], [18.04, 59.06], [18.04, 59.04]],
    ],
}
NEIGHBOUR = {"type": "Polygon", "coordinates": [[[18.1, 59.0], [18.2, 59.0], [18.2, 59.1], [18.1, 59.1], [18.1, 59.0]]]}  # fmt: skip
BOUNDARIES = [
    ("square", SQUARE),
    ("neighbour", NEIGHBOUR),  # shares the square's eastern edge
    ("holed", HOLED),
    ("bowtie", clean_boundary(BOWTIE).geojson),
    ("circle", circle(59.05, 18.05, 2000)),
    ("small", circle(59.051, 18.049, 150)),
    ("far", circle(60.0, 15.0, 300)),
]


def _vertices(geojson):
    geometry = shape(geojson)
    polygons = getattr(geometry, "geoms", [geometry])
    return [c for p in polygons for ring in [p.exterior, *p.interiors] for c in ring.coords]


VERTICES = [c for _key, g in BOUNDARIES for c in _vertices(g)]
_lon = st.floats(min_value=17.9, max_value=18.3, allow_nan=False)
_lat = st.floats(min_value=58.9, max_value=59.2, allow_nan=False)
# Clusters (so that cells hold enough points to be classified), boundary vertices, points on
# edges and on grid lines, and points anywhere.
_cluster = st.tuples(_lon, _lat, st.integers(8, 60), st.floats(1e-7, 0.02)).map(
    lambda c: [(c[0] + c[3] * math.sin(k), c[1] + c[3] * math.cos(3 * k)) for k in range(c[2])]
)
_vertex = st.sampled_from(VERTICES).map(lambda v: [v] * 9)
_edge = st.tuples(st.sampled_from([18.0, 18.1, 18.02, 18.04, 18.2]), _lat).map(
    lambda p: [(p[0], p[1] + k * 1e-4) for k in range(10)]
)
_anywhere = st.lists(st.tuples(_lon, _lat), max_size=30)


@settings(max_examples=150, deadline=None)
@given(groups=st.lists(st.one_of(_cluster, _vertex, _edge, _anywhere), min_size=1, max_size=8))
def test_grid_classification_gives_the_pairs_of_the_exact_query(groups):
    import numpy as np
    import shapely

    points = [p for group in groups for p in group]
    lons = np.array([p[0] for p in points])
    lats = np.array([p[1] for p in points])
    index = AreaIndex(BOUNDARIES)
    expected = index.query_many(shapely.points(lons, lats))
    found = index.query_coordinates(lons, lats)
    assert sorted(zip(*found, strict=True)) == sorted(zip(*expected, strict=True))


def test_grid_classification_answers_dense_points_without_testing_each():
    import numpy as np
    import shapely

    index = AreaIndex(BOUNDARIES)
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(17.95, 18.25, 20000), rng.uniform(58.95, 59.15, 20000)
    expected = index.query_many(shapely.points(lons, lats))
    found = index.query_coordinates(lons, lats)
    assert sorted(zip(*found, strict=True)) == sorted(zip(*expected, strict=True))
