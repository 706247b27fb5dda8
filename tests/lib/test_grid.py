"""The SWEREF 99 TM grid: cell size on the ground, point → cell, which cells belong to an area."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from shapely.geometry import box, shape

from trygg.lib.grid import SquareGrid, lattice_centres

TO_WGS84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
STOCKHOLM = Path(__file__).resolve().parents[2] / "trygg/demo/data/stockholm-stadsdelar.geojson"


def wgs84(geometry):
    """A geometry drawn in SWEREF 99 TM, as WGS84."""
    return shapely.transform(geometry, TO_WGS84.transform, interleaved=False)


def stockholm():
    features = json.loads(STOCKHOLM.read_text())["features"]
    return shapely.union_all([shape(feature["geometry"]) for feature in features])


# Near Liljeholmen; edges 100 m inside cells so that no edge runs along a grid line.
SQUARE = wgs84(box(674_100, 6_578_100, 675_900, 6_579_900))


def test_cells_are_the_size_asked_for_on_the_ground():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    rows, cols = np.nonzero(grid.mask)
    geod = Geod(ellps="GRS80")
    for polygon in grid.cell_polygons(rows[:5], cols[:5]):
        ring = polygon["coordinates"][0]
        assert len(ring) == 5 and ring[0] == ring[-1]
        lons, lats = zip(*ring, strict=True)
        sides = geod.line_lengths(lons, lats)
        # SWEREF 99 TM's scale error at 18° E is below 1/10,000: 200 m is 200 m ± 2 cm.
        assert sides == pytest.approx([200] * 4, abs=0.02)
        # and back in SWEREF 99 TM the cell is the exact square (up to the 7-decimal rounding).
        x, y = TO_SWEREF.transform(lons, lats)
        assert max(x) - min(x) == pytest.approx(200, abs=0.05)
        assert max(y) - min(y) == pytest.approx(200, abs=0.05)


def test_cell_edges_sit_on_multiples_of_the_cell_size():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    assert (grid.x0, grid.y0) == (674_000, 6_578_000)
    assert grid.shape == (10, 10)
    assert grid.n_cells == 100
    coarse = SquareGrid.over(SQUARE, cell_m=500)
    assert (coarse.x0, coarse.y0) == (674_000, 6_578_000)
    assert coarse.shape == (4, 4)


def test_a_known_point_lands_in_its_cell():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    lon, lat = TO_WGS84.transform(674_923.0, 6_579_456.0)
    rows, cols = grid.cells_of([lon], [lat])
    assert (rows[0], cols[0]) == (7, 4)  # (6_579_456 − 6_578_000) // 200, (923 + 674_000 …) // 200
    assert grid.cell_corners(rows[0], cols[0]) == (674_800, 6_579_400)
    (polygon,) = grid.cell_polygons([rows[0]], [cols[0]])
    assert shape(polygon).contains(shapely.Point(lon, lat))


def test_a_point_becomes_the_centre_of_its_lattice_cell():
    points = [(674_923.0, 6_579_456.0), (674_001.0, 6_579_999.0), (675_000.5, 6_578_999.5)]
    lon, lat = TO_WGS84.transform(*zip(*points, strict=True))
    centre_lat, centre_lon = lattice_centres(lat, lon, 1000)
    x, y = TO_SWEREF.transform(centre_lon, centre_lat)
    # The first two share the square 674–675 km east, 6 579–6 580 km north; the third lies
    # half a metre past its south-east corner, in the square diagonally beside it.
    assert np.allclose(x, [674_500, 674_500, 675_500], atol=0.01)
    assert np.allclose(y, [6_579_500, 6_579_500, 6_578_500], atol=0.01)
    assert np.isnan(lattice_centres([np.nan], [18.0], 1000)[0]).all()
    with pytest.raises(ValueError):
        lattice_centres([59.3], [18.0], 0)


def test_a_point_on_an_edge_belongs_to_the_cell_east_and_north():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    rows, cols = grid.cells_of_projected([674_400.0], [6_578_600.0])
    assert (rows[0], cols[0]) == (3, 2)


def test_cells_outside_a_concave_area_are_dropped():
    # An L: a 1.8 km square with its north-east corner (0.8 × 0.8 km) cut away.
    ell = wgs84(
        box(674_100, 6_578_100, 675_900, 6_579_100).union(
            box(674_100, 6_578_100, 675_100, 6_579_900)
        )
    )
    grid = SquareGrid.over(ell, cell_m=200)
    assert grid.shape == (10, 10)
    expected = np.ones((10, 10), dtype=bool)
    expected[6:, 6:] = False  # rows from 6_579_200 north, columns from 675_200 east
    assert np.array_equal(grid.mask, expected)
    lon, lat = TO_WGS84.transform([675_500.0, 674_500.0], [6_579_500.0, 6_579_500.0])
    rows, cols = grid.cells_of(lon, lat)
    assert rows.tolist() == [-1, 7] and cols.tolist() == [-1, 2]
    counts = grid.counts(lon, lat)
    assert counts.sum() == 1 and counts[7, 2] == 1


def test_cells_that_only_touch_the_area_are_not_part_of_it():
    # In SWEREF the area's edges lie exactly on grid lines: the ring of cells around it only
    # touches it.
    grid = SquareGrid.over_projected(box(674_000, 6_578_000, 675_000, 6_579_000), cell_m=200)
    assert grid.n_cells == 25


def test_empty_cells_are_kept_as_zeros():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    lon, lat = TO_WGS84.transform([674_150.0, 674_160.0], [6_578_150.0, 6_578_170.0])
    counts = grid.counts(lon, lat)
    assert counts.shape == (10, 10)
    assert counts[0, 0] == 2
    assert counts.sum() == 2 and (counts == 0).sum() == 99


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([100, 200, 250, 333.5]))
def test_counts_equal_a_cell_by_cell_point_in_polygon_count(seed, cell_m):
    rng = np.random.default_rng(seed)
    x = rng.uniform(673_800, 676_200, 300)
    y = rng.uniform(6_577_800, 6_580_200, 300)
    lon, lat = TO_WGS84.transform(x, y)
    grid = SquareGrid.over(SQUARE, cell_m=cell_m)
    counts = grid.counts(lon, lat)
    rows, cols = np.nonzero(grid.mask)
    points = shapely.points(x, y)
    for row, col in zip(rows, cols, strict=True):
        west, south = grid.cell_corners(row, col)
        cell = shapely.box(west, south, west + cell_m, south + cell_m)
        # Random floats never fall exactly on an edge, where the tie rule would decide.
        assert counts[row, col] == shapely.contains_properly(cell, points).sum()
    assert counts[~grid.mask].sum() == 0


def test_counts_from_cells_binned_elsewhere_equal_counts_from_points():
    rng = np.random.default_rng(9)
    x = rng.uniform(673_500, 676_500, 5000)
    y = rng.uniform(6_577_500, 6_580_500, 5000)
    grid = SquareGrid.over(SQUARE, cell_m=200)
    # What SELECT floor(x / 200), floor(y / 200), count(*) … GROUP BY 1, 2 would return.
    cells, n = np.unique(np.floor(np.c_[x, y] / 200).astype(int), axis=0, return_counts=True)
    from_cells = grid.counts_of_cells(cells[:, 0], cells[:, 1], n)
    assert np.array_equal(from_cells, grid.counts_projected(x, y))
    assert (
        from_cells.sum()
        == 5000 - ((x < 674_000) | (x >= 676_000) | (y < 6_578_000) | (y >= 6_580_000)).sum()
    )


def test_every_point_inside_stockholm_is_counted():
    area = stockholm()
    grid = SquareGrid.over(area, cell_m=200)
    rng = np.random.default_rng(5)
    min_x, min_y, max_x, max_y = area.bounds
    lon = rng.uniform(min_x, max_x, 20_000)
    lat = rng.uniform(min_y, max_y, 20_000)
    inside = shapely.contains_xy(area, lon, lat)
    counts = grid.counts(lon[inside], lat[inside])
    assert counts.sum() == inside.sum()
    # A 200 m grid over Stockholm's ~216 km² has about 5,400 cells plus the boundary ring.
    assert 5_400 <= grid.n_cells <= 6_500


def test_geojson_area_and_bad_input():
    assert SquareGrid.over(shapely.geometry.mapping(SQUARE)).n_cells == 100
    with pytest.raises(ValueError, match="positive"):
        SquareGrid.over(SQUARE, cell_m=0)
    with pytest.raises(ValueError, match="larger cells"):
        SquareGrid.over(stockholm(), cell_m=5)
    with pytest.raises(ValueError, match="Polygon"):
        SquareGrid.over(shapely.Point(18, 59))
    rows, cols = SquareGrid.over(SQUARE).cells_of([np.nan, 0.0], [np.nan, 0.0])
    assert rows.tolist() == [-1, -1] and cols.tolist() == [-1, -1]


def reference_counts(grid, x, y):
    """Counts from each point's (row, col) as ``cells_of_projected`` gives it, one by one."""
    rows, cols = grid.cells_of_projected(x, y)
    counts = np.zeros(grid.shape, dtype=np.int64)
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if row >= 0:
            counts[row, col] += 1
    return counts


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([100, 200, 250, 333.5]),
    st.lists(
        st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 674_000.0, 6_578_000.0, 1e300, -1e300]),
        max_size=6,
    ),
)
def test_fast_counts_equal_counts_from_each_points_cell(seed, cell_m, odd):
    # Points inside, outside, on edges (multiples of the cell size), not a number or infinite.
    rng = np.random.default_rng(seed)
    grid = SquareGrid.over_projected(
        shapely.Polygon([(673_950, 6_577_950), (676_000, 6_578_300), (674_600, 6_580_100)]),
        cell_m=cell_m,
    )
    n = 400
    x = rng.uniform(673_500, 676_500, n)
    y = rng.uniform(6_577_500, 6_580_500, n)
    on_edge = rng.uniform(size=n) < 0.3
    x[on_edge] = np.round(x[on_edge] / cell_m) * cell_m
    y[on_edge[::-1]] = np.round(y[on_edge[::-1]] / cell_m) * cell_m
    x = np.concatenate([x, odd, rng.uniform(673_500, 676_500, len(odd))])
    y = np.concatenate([y, rng.uniform(6_577_500, 6_580_500, len(odd)), odd])
    assert np.array_equal(grid.counts_projected(x, y), reference_counts(grid, x, y))


def test_cell_polygons_are_the_cells_rings():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    rows, cols = np.nonzero(grid.mask)
    lon, lat = grid.cell_rings(rows, cols)
    polygons = grid.cell_polygons(rows, cols)
    assert lon.shape == lat.shape == (100, 5)
    first = polygons[0]["coordinates"][0]
    assert first[0] == first[-1] and len(first) == 5
    west, south = grid.cell_corners(rows[0], cols[0])
    corners = TO_WGS84.transform(
        [west, west + 200, west + 200, west], [south] * 2 + [south + 200] * 2
    )
    assert np.allclose(np.array(first[:4]), np.c_[corners], atol=1e-7)
    assert [[p[0] for p in poly["coordinates"][0]] for poly in polygons] == lon.tolist()


def points_around_the_square(seed, n, cell_m):
    """WGS84 points in and around SQUARE: random, on cell edges (projected back from exact
    multiples of the cell size), far away, not numbers and infinite."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(673_000, 677_000, n)
    y = rng.uniform(6_577_000, 6_581_000, n)
    on_edge = rng.uniform(size=n) < 0.2
    x[on_edge] = np.round(x[on_edge] / cell_m) * cell_m
    y[on_edge[::-1]] = np.round(y[on_edge[::-1]] / cell_m) * cell_m
    lon, lat = TO_WGS84.transform(x, y)
    odd_lon = [np.nan, 18.0, np.inf, -np.inf, 15.0, 18.02, 0.0]
    odd_lat = [59.3, np.nan, 59.3, 59.3, 62.0, np.inf, 0.0]
    return np.concatenate([lon, odd_lon]), np.concatenate([lat, odd_lat])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([25, 100, 200, 333.5, 1000]))
def test_counts_through_the_local_fit_equal_counts_of_projected_points(seed, cell_m):
    from trygg.lib.grid import FIT_MIN_POINTS

    lon, lat = points_around_the_square(seed, FIT_MIN_POINTS + 5_000, cell_m)
    grid = SquareGrid.over(SQUARE, cell_m=cell_m)
    assert grid.local_fit is not None  # the fast path is the one tested
    x, y = TO_SWEREF.transform(lon, lat)
    assert np.array_equal(grid.counts(lon, lat), grid.counts_projected(x, y))


def test_the_local_fit_over_stockholm_is_within_decimetres_and_places_almost_every_point():
    grid = SquareGrid.over(stockholm(), cell_m=200)
    fit = grid.local_fit
    assert fit is not None and fit.bound < 0.5
    rng = np.random.default_rng(8)
    lon = rng.uniform(fit.west, fit.east, 50_000)
    lat = rng.uniform(fit.south, fit.north, 50_000)
    col, row, sure = fit.cell_positions(grid, lon, lat)
    x, y = TO_SWEREF.transform(lon, lat)
    # Where the fit is sure, its cell is PROJ's; it is unsure of very few points.
    assert np.array_equal(col[sure], np.floor((x[sure] - grid.x0) / 200))
    assert np.array_equal(row[sure], np.floor((y[sure] - grid.y0) / 200))
    assert (~sure).sum() < 0.01 * lon.size
    assert np.array_equal(grid.counts(lon, lat), grid.counts_projected(x, y))


def test_no_local_fit_over_a_whole_country_and_counts_stay_exact():
    # 1,500 km of Sweden from north to south: no low-degree polynomial is close enough.
    grid = SquareGrid.over_projected(box(270_000, 6_130_000, 920_000, 7_680_000), cell_m=5_000)
    assert grid.local_fit is None
    rng = np.random.default_rng(2)
    x, y = rng.uniform(270_000, 920_000, 30_000), rng.uniform(6_130_000, 7_680_000, 30_000)
    lon, lat = TO_WGS84.transform(x, y)
    xx, yy = TO_SWEREF.transform(lon, lat)
    assert np.array_equal(grid.counts(lon, lat), grid.counts_projected(xx, yy))


def every_cell_tested(area, grid):
    """The mask by the definition, cell by cell: the square intersects the area and does not
    merely touch it."""
    rows, cols = np.divmod(np.arange(grid.n_rows * grid.n_cols), grid.n_cols)
    west, south = grid.cell_corners(rows, cols)
    boxes = shapely.box(west, south, west + grid.cell_m, south + grid.cell_m)
    overlaps = shapely.intersects(area, boxes) & ~shapely.touches(area, boxes)
    return overlaps.reshape(grid.shape)


@st.composite
def projected_areas(draw):
    """Areas in SWEREF 99 TM: unions of discs and squares (some with edges on grid lines),
    with holes, several parts, thin slivers and long diagonal edges."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shapes = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["disc", "square", "aligned", "triangle", "sliver"]))
        cx, cy = rng.uniform(674_000, 676_000), rng.uniform(6_578_000, 6_580_000)
        size = rng.uniform(50, 900)
        if kind == "disc":
            shapes.append(shapely.Point(cx, cy).buffer(size, quad_segs=int(rng.integers(2, 9))))
        elif kind == "square":
            shapes.append(box(cx, cy, cx + size, cy + size))
        elif kind == "aligned":  # edges exactly on multiples of 100 m (grid lines)
            x, y = np.round(cx, -2), np.round(cy, -2)
            shapes.append(box(x, y, x + np.round(size, -2) + 100, y + 200))
        elif kind == "triangle":
            shapes.append(
                shapely.Polygon([(cx, cy), (cx + 3 * size, cy + size), (cx, cy + 2 * size)])
            )
        else:
            shapes.append(box(cx, cy, cx + 2 * size, cy + 0.5))
    area = shapely.union_all(shapes)
    if draw(st.booleans()) and not area.is_empty:
        hole = shapely.Point(area.centroid).buffer(rng.uniform(20, 300))
        area = area.difference(hole)
    return area


@settings(max_examples=80, deadline=None)
@given(projected_areas(), st.sampled_from([25, 100, 200, 333.5]))
def test_the_mask_is_every_cell_whose_interior_overlaps_the_area(area, cell_m):
    if area.is_empty or not isinstance(area, shapely.Polygon | shapely.MultiPolygon):
        return
    grid = SquareGrid.over_projected(area, cell_m=cell_m)
    assert np.array_equal(grid.mask, every_cell_tested(area, grid))


def test_the_mask_over_stockholm_is_every_overlapping_cell():
    projected = shapely.transform(stockholm(), TO_SWEREF.transform, interleaved=False)
    for cell_m in (100, 200, 1000):
        grid = SquareGrid.over_projected(projected, cell_m=cell_m)
        assert np.array_equal(grid.mask, every_cell_tested(projected, grid))
