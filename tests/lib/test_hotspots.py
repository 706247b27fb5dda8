"""Gi* hotspots: equal to PySAL's esda on the same cells and weights; a planted cluster is found."""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pytest
import shapely
from esda.getisord import G_Local
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.weights import Queen
from scipy import stats as sps

from tests.lib.test_grid import SQUARE, TO_WGS84, stockholm
from trygg.lib.grid import SquareGrid
from trygg.lib.hotspots import (
    ALL_CELLS,
    COLD,
    FLAGGED_CELLS,
    HOT,
    NONZERO_CELLS,
    TooDenseForPermutation,
    find_hotspots,
    getis_ord_gi_star,
    label_cells,
    permutation_p_values,
    two_sided_p_values,
)


def esda_gi_star(counts, mask, cells):
    """esda's Gi* z-scores for the cells of ``mask``: binary queen contiguity between the
    given cell polygons (only cells in the mask exist), the cell itself added by star=True."""
    rows, cols = np.nonzero(mask)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands in irregular masks
        w = Queen.from_iterable(list(cells))
        result = G_Local(
            counts[rows, cols].astype(float), w, transform="B", star=True, permutations=0
        )
    # esda.G_Local works on a copy of w with the diagonal filled in: return that one.
    return result, result.w


def lattice_cells(mask):
    """Unit squares in index space for the cells of ``mask`` (row-major, as np.nonzero)."""
    rows, cols = np.nonzero(mask)
    return shapely.box(cols, rows, cols + 1, rows + 1)


masks = st.integers(0, 2**32 - 1).map(
    lambda seed: np.random.default_rng(seed).uniform(size=(9, 11)) < 0.75
)


@settings(max_examples=60, deadline=None)
@given(masks, st.integers(0, 2**32 - 1), st.sampled_from([0.3, 2.0, 8.0]))
def test_z_scores_equal_esda_on_irregular_masks(mask, seed, mean):
    if mask.sum() < 3:
        return
    counts = np.random.default_rng(seed).poisson(mean, mask.shape)
    inside = counts[mask]
    if inside.min() == inside.max():
        return  # esda divides by a zero variance; ours reports 0 (tested below)
    ours = getis_ord_gi_star(counts, mask)
    reference, w = esda_gi_star(counts, mask, lattice_cells(mask))
    # The self-weight is really there and the weights are binary.
    assert np.all(w.sparse.diagonal() == 1)
    rows, cols = np.nonzero(mask)
    n_cells = w.sparse.sum(axis=1).A.ravel()
    assert n_cells.max() <= 9
    assert np.allclose(ours[rows, cols], reference.Zs, rtol=0, atol=1e-6)
    assert np.all(np.isnan(ours[~mask]))


def test_z_scores_equal_esda_with_a_hole_and_a_detached_cell():
    mask = np.ones((8, 8), dtype=bool)
    mask[3:5, 3:5] = False  # a hole: cells around it are not neighbours across it
    mask[0, 6] = False
    mask[1, 6:] = False
    mask[0, 7] = True  # a detached cell (a corner touches nothing in the mask)
    mask[2, 7] = False
    counts = np.random.default_rng(11).poisson(3, mask.shape)
    counts[0, 7] = 25
    ours = getis_ord_gi_star(counts, mask)
    reference, w = esda_gi_star(counts, mask, lattice_cells(mask))
    rows, cols = np.nonzero(mask)
    assert np.allclose(ours[rows, cols], reference.Zs, rtol=0, atol=1e-6)
    detached = list(zip(rows, cols, strict=True)).index((0, 7))
    assert w.sparse[detached].sum() == 1  # only itself


def test_z_scores_equal_esda_on_the_stockholm_grid_with_cell_geometries():
    # Like with like: the same grid, weights built by libpysal from the cells' own squares
    # in SWEREF 99 TM (the 1 km grid keeps esda's runtime small).
    grid = SquareGrid.over(stockholm(), cell_m=1000)
    rng = np.random.default_rng(2)
    counts = rng.poisson(4, grid.shape)
    rows, cols = np.nonzero(grid.mask)
    west, south = grid.cell_corners(rows, cols)
    squares = shapely.box(west, south, west + grid.cell_m, south + grid.cell_m)
    reference, _ = esda_gi_star(counts, grid.mask, squares)
    ours = getis_ord_gi_star(counts, grid.mask)
    assert np.allclose(ours[rows, cols], reference.Zs, rtol=0, atol=1e-6)
    # esda's one-sided normal p-value doubled is our two-sided one.
    assert np.allclose(two_sided_p_values(ours[rows, cols]), 2 * reference.p_norm, atol=1e-12)


def test_undefined_statistic_is_zero():
    mask = np.ones((4, 4), dtype=bool)
    assert np.array_equal(getis_ord_gi_star(np.full((4, 4), 3), mask), np.zeros((4, 4)))
    single = np.zeros((4, 4), dtype=bool)
    single[1, 1] = True
    z = getis_ord_gi_star(np.arange(16).reshape(4, 4), single)
    assert z[1, 1] == 0 and np.isnan(z[0, 0])
    assert np.all(np.isnan(getis_ord_gi_star(np.ones((3, 3)), np.zeros((3, 3), bool))))


def test_a_planted_cluster_is_found_and_nothing_else():
    rng = np.random.default_rng(20240601)
    mask = np.ones((40, 50), dtype=bool)
    mask[:6, :10] = False  # an irregular outline
    counts = rng.poisson(5, mask.shape)
    cluster = (slice(20, 23), slice(30, 33))
    counts[cluster] += rng.poisson(12, (3, 3))
    z = getis_ord_gi_star(counts, mask)
    labels = label_cells(z, two_sided_p_values(z), mask)
    hot = labels == HOT
    assert hot[21, 31]  # the centre of the cluster
    assert hot[cluster].sum() >= 5
    # Gi* spreads a cluster one cell outwards (neighbours share its cells); beyond that ring
    # nothing is flagged, neither hot nor cold.
    near = np.zeros(mask.shape, dtype=bool)
    near[19:24, 29:34] = True
    assert not hot[~near].any()
    assert not (labels == COLD).any()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_false_hotspots_stay_rare_without_a_cluster(seed):
    counts = np.random.default_rng(seed).poisson(5, (40, 50))
    mask = np.ones(counts.shape, dtype=bool)
    z = getis_ord_gi_star(counts, mask)
    labels = label_cells(z, two_sided_p_values(z), mask)
    # 2,000 cells at a raw 5 % would flag about 100; after BH a null map flags almost none.
    assert (labels != None).sum() <= 10  # noqa: E711 -- element-wise on an object array


def test_share_of_null_maps_with_any_false_hotspot_is_near_q():
    flagged = 0
    raw = []
    for seed in range(100):
        counts = np.random.default_rng(seed).poisson(5, (40, 50))
        mask = np.ones(counts.shape, dtype=bool)
        z = getis_ord_gi_star(counts, mask)
        p = two_sided_p_values(z)
        flagged += (label_cells(z, p, mask) != None).any()  # noqa: E711
        raw.append((p < 0.05).sum())
    # Under the global null BH bounds the chance of any false hotspot by q = 5 %; Gi*'s normal
    # approximation of skewed counts adds a little (about 7–10 % at 5 incidents per cell).
    assert flagged <= 12
    # Without the FDR step about 5 % of the 2,000 cells would light up on every map.
    assert 60 <= np.mean(raw) <= 140


def test_fdr_step_on_known_p_values():
    mask = np.ones((1, 6), dtype=bool)
    z = np.array([[4.0, -4.0, 2.2, 0.1, -0.5, 1.0]])
    p = two_sided_p_values(z)
    assert p[0, 0] == pytest.approx(2 * sps.norm.sf(4))
    labels = label_cells(z, p, mask, q=0.05)
    # p ≈ 6e-5, 6e-5, 0.028, …: thresholds 0.0083, 0.0167, 0.025 — z = 2.2 misses the third.
    assert labels.tolist() == [[HOT, COLD, None, None, None, None]]
    assert label_cells(z, p, mask, q=0.2).tolist() == [[HOT, COLD, HOT, None, None, None]]


def test_cells_outside_the_mask_never_count_in_the_fdr():
    mask = np.array([[True, True, False, False]])
    z = np.array([[3.0, 0.0, 9.0, 9.0]])
    labels = label_cells(z, two_sided_p_values(z), mask)
    assert labels.tolist() == [[HOT, None, None, None]]


def test_find_hotspots_on_a_map():
    # 1.8 km square near Liljeholmen, 200 m cells; a cluster of incidents around one point.
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(674_100, 675_900, 2000), rng.normal(675_100, 60, 300)])
    y = np.concatenate([rng.uniform(6_578_100, 6_579_900, 2000), rng.normal(6_579_100, 60, 300)])
    lon, lat = TO_WGS84.transform(np.append(x, 680_000), np.append(y, 6_590_000))
    result = find_hotspots(SQUARE, lon, lat, cell_m=200, q=0.05)
    assert result.cell_m == 200 and result.q == 0.05
    assert len(result.cells) == 100
    assert result.points == 2301 and result.points_outside == 1
    assert sum(cell.count for cell in result.cells) == 2300
    hot = {(cell.row, cell.col) for cell in result.hot}
    assert (5, 5) in hot  # the cell holding (675_100, 6_579_100)
    assert all(abs(row - 5) <= 2 and abs(col - 5) <= 2 for row, col in hot)
    first = result.cells[0]
    assert (first.row, first.col, first.x_min, first.y_min) == (0, 0, 674_000, 6_578_000)
    collection = result.feature_collection()
    assert collection["type"] == "FeatureCollection"
    feature = collection["features"][55]
    assert feature["geometry"]["type"] == "Polygon"
    assert set(feature["properties"]) == {"row", "col", "count", "gi_z", "p_value", "hotspot"}
    assert feature["properties"]["hotspot"] == HOT
    assert shapely.geometry.shape(feature["geometry"]).contains(
        shapely.Point(*TO_WGS84.transform(675_100, 6_579_100))
    )


def test_find_hotspots_reuses_a_grid_and_handles_no_points():
    grid = SquareGrid.over(SQUARE, cell_m=300)
    result = find_hotspots(grid, [], [])
    assert result.cell_m == 300
    assert result.points == 0 and all(cell.count == 0 for cell in result.cells)
    assert result.hot == [] and result.cold == []


def map_with_a_cluster(seed=4):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(674_100, 675_900, 2000), rng.normal(675_100, 60, 300)])
    y = np.concatenate([rng.uniform(6_578_100, 6_579_900, 2000), rng.normal(6_579_100, 60, 300)])
    lon, lat = TO_WGS84.transform(x, y)
    return find_hotspots(SQUARE, lon, lat, cell_m=200, q=0.05)


def dict_based(result, cells, **members):
    """The former output: the feature collection built as dicts, through json.dumps."""
    return json.loads(json.dumps(result.feature_collection(cells) | members))


@pytest.mark.parametrize("cells", [ALL_CELLS, NONZERO_CELLS, FLAGGED_CELLS])
def test_geojson_text_equals_the_dict_based_feature_collection(cells):
    result = map_with_a_cluster()
    text = result.geojson(cells, cell_m=result.cell_m, q=result.q)
    assert json.loads(text) == dict_based(result, cells, cell_m=200.0, q=0.05)
    features = json.loads(text)["features"]
    complete = result.feature_collection()["features"]
    if cells == ALL_CELLS:
        assert len(features) == 100 and features == json.loads(json.dumps(complete))
    elif cells == NONZERO_CELLS:
        assert features == [f for f in complete if f["properties"]["count"] > 0]
    else:
        assert features == [f for f in complete if f["properties"]["hotspot"]]
        assert {f["properties"]["hotspot"] for f in features} <= {HOT, COLD} and features


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([150, 200, 333.5]), st.integers(0, 400))
def test_geojson_text_equals_the_dict_based_output_on_any_map(seed, cell_m, n):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(673_800, 676_200, n), rng.normal(675_000, 80, n // 3)])
    y = np.concatenate([rng.uniform(6_577_800, 6_580_200, n), rng.normal(6_579_000, 80, n // 3)])
    lon, lat = TO_WGS84.transform(x, y)
    result = find_hotspots(SQUARE, lon, lat, cell_m=cell_m)
    for cells in (ALL_CELLS, NONZERO_CELLS, FLAGGED_CELLS):
        assert json.loads(result.geojson(cells, q=0.05)) == dict_based(result, cells, q=0.05)


def test_cells_from_the_arrays_agree_with_the_arrays():
    result = map_with_a_cluster()
    assert result.n_cells == len(result.cells) == 100
    assert result.hot == [cell for cell in result.cells if cell.hotspot == HOT]
    assert result.cold == [cell for cell in result.cells if cell.hotspot == COLD]
    assert [cell.count for cell in result.cells] == result.counts.tolist()
    assert [cell.z for cell in result.cells] == result.z.tolist()
    assert [(cell.row, cell.col) for cell in result.cells] == list(
        zip(*np.nonzero(result.grid.mask), strict=True)
    )
    with pytest.raises(ValueError, match="cells must be one of"):
        result.geojson("some")


def enumerated_p_values(counts, mask):
    """Conditional randomisation by enumeration: for each cell, every choice of k other cells
    (k = its neighbours in the mask) as its neighbours, the cell's own count kept."""
    rows, cols = np.nonzero(mask)
    y = counts[rows, cols]
    position = {
        (r, c): i for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
    }
    p = np.full(mask.shape, np.nan)
    for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        around = [
            position[(r + dr, c + dc)]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr or dc) and (r + dr, c + dc) in position
        ]
        observed = y[around].sum()
        others = np.delete(y, i)
        sums = np.array([sum(chosen) for chosen in itertools.combinations(others, len(around))])
        p[r, c] = min(1.0, 2 * min((sums >= observed).mean(), (sums <= observed).mean()))
    return p


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([(3, 4), (2, 5), (4, 3)]),
    st.sampled_from([0.3, 1.0, 4.0]),
)
def test_permutation_p_values_equal_an_enumeration_of_every_draw(seed, shape, mean):
    rng = np.random.default_rng(seed)
    mask = rng.uniform(size=shape) < 0.85
    counts = rng.poisson(mean, shape)
    ours = permutation_p_values(counts, mask)
    reference = enumerated_p_values(counts, mask)
    assert np.array_equal(np.isnan(ours), ~mask)
    assert np.allclose(ours[mask], reference[mask], rtol=0, atol=1e-12)


def test_permutation_p_values_agree_with_esdas_sampled_randomisation():
    # esda draws the neighbours' counts (permutations=R); we compute the same distribution.
    # esda compares floats, where ties between counts break by rounding, so its own draws
    # (rGs) are compared as integer sums here. Each p within 4.5 binomial standard errors.
    rng = np.random.default_rng(12)
    mask = np.ones((10, 12), dtype=bool)
    mask[:3, :4] = False
    counts = rng.poisson(0.5, mask.shape)
    counts[5:8, 6:9] += 3
    rows, cols = np.nonzero(mask)
    y = counts[rows, cols].astype(float)
    permutations = 9999
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_iterable(list(lattice_cells(mask)))
        result = G_Local(
            y,
            w,
            transform="B",
            star=True,
            permutations=permutations,
            seed=7,
            n_jobs=1,
            keep_simulations=True,
            alternative="greater",
        )
    drawn = np.rint(result.rGs * y.sum()).astype(np.int64)  # own count + drawn neighbours
    observed = np.rint(result.Gs * y.sum()).astype(np.int64)[:, None]
    sampled = np.minimum(
        1, 2 * np.minimum((drawn >= observed).mean(axis=1), (drawn <= observed).mean(axis=1))
    )
    ours = permutation_p_values(counts, mask)[rows, cols]
    one_sided = np.minimum(ours / 2, 0.5)
    error = 2 * np.sqrt(one_sided * (1 - one_sided) / permutations)
    assert np.all(np.abs(sampled - ours) <= 4.5 * error + 1e-12)
    assert ours.min() < 1e-3  # the planted block is far in the tail


@pytest.mark.parametrize("mean", [0.2, 0.5])
def test_permutation_p_values_keep_sparse_null_maps_clean(mean):
    # Without any cluster, at a fraction of an incident per cell: the normal approximation
    # flags false hotspots on about a third or more of the maps even after BH; exact
    # randomisation p-values keep that near or under q.
    normal = exact = 0
    for seed in range(60):
        counts = np.random.default_rng(seed).poisson(mean, (40, 50))
        mask = np.ones(counts.shape, dtype=bool)
        z = getis_ord_gi_star(counts, mask)
        normal += (label_cells(z, two_sided_p_values(z), mask) != None).any()  # noqa: E711
        exact += (label_cells(z, permutation_p_values(counts, mask), mask) != None).any()  # noqa: E711
    assert normal >= 15
    assert exact <= 6


def test_a_sparse_planted_cluster_is_found_with_permutation_p_values():
    rng = np.random.default_rng(31)
    mask = np.ones((30, 40), dtype=bool)
    counts = rng.poisson(0.4, mask.shape)
    counts[14:17, 20:23] += rng.poisson(3, (3, 3))
    z = getis_ord_gi_star(counts, mask)
    labels = label_cells(z, permutation_p_values(counts, mask), mask)
    hot = labels == HOT
    assert hot[15, 21]
    near = np.zeros(mask.shape, dtype=bool)
    near[13:18, 19:24] = True
    assert not hot[~near].any() and not (labels == COLD).any()


def test_permutation_p_values_on_a_map_and_their_limits():
    result = map_with_a_cluster()
    default = find_hotspots(result.grid, *TO_WGS84.transform([675_100.0], [6_579_100.0]))
    assert default.p_value_method == "normal"
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(674_100, 675_900, 60), rng.normal(675_100, 60, 25)])
    y = np.concatenate([rng.uniform(6_578_100, 6_579_900, 60), rng.normal(6_579_100, 60, 25)])
    lon, lat = TO_WGS84.transform(x, y)
    sparse = find_hotspots(SQUARE, lon, lat, cell_m=200, p_values="permutation")
    assert sparse.p_value_method == "permutation"
    assert np.array_equal(
        sparse.p_values, permutation_p_values(*_grid_counts(sparse))[np.nonzero(sparse.grid.mask)]
    )
    hot = {(cell.row, cell.col) for cell in sparse.hot}
    assert hot and all(abs(row - 5) <= 1 and abs(col - 5) <= 1 for row, col in hot)
    # Islands and a whole-area neighbourhood: nothing random, p = 1.
    lone = np.zeros((3, 3), dtype=bool)
    lone[0, 0] = lone[2, 2] = True
    assert np.array_equal(
        permutation_p_values(np.array([[5, 0, 0], [0, 0, 0], [0, 0, 1]]), lone)[lone], [1, 1]
    )
    with pytest.raises(ValueError, match="non-negative integers"):
        permutation_p_values(np.array([[0.5, 1.0]]), np.ones((1, 2), dtype=bool))
    with pytest.raises(ValueError, match="p_values must be one of"):
        find_hotspots(SQUARE, lon, lat, p_values="bootstrap")
    dense = np.random.default_rng(1).poisson(3000, (60, 60))
    with pytest.raises(TooDenseForPermutation):
        permutation_p_values(dense, np.ones(dense.shape, dtype=bool))


def _grid_counts(result):
    counts = np.zeros(result.grid.shape, dtype=np.int64)
    counts[result.rows, result.cols] = result.counts
    return counts, result.grid.mask


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(30, 3000))
def test_weighted_hotspots_test_the_summed_weights_as_esda_does(seed, points):
    """Crime harm: each cell holds its points' summed weights (also past the polynomial
    fit's threshold of points) and Gi* over them equals esda's on the same values."""
    rng = np.random.default_rng(seed)
    grid = SquareGrid.over(SQUARE, cell_m=200)
    x = rng.uniform(674_000, 676_000, points)
    y = rng.uniform(6_578_000, 6_580_000, points)
    lon, lat = TO_WGS84.transform(x, y)
    weights = rng.choice([0.0, 0.5, 3.0, 120.0], points)
    found = find_hotspots(grid, lon, lat, weights=weights)
    assert found.measure == "harm"
    rows, cols = grid.cells_of(lon, lat)
    inside = rows >= 0
    expected = np.zeros(grid.mask.shape)
    np.add.at(expected, (rows[inside], cols[inside]), weights[inside])
    assert np.allclose(found.counts, expected[found.rows, found.cols], atol=1e-6)
    assert found.points == points
    assert found.points_outside == int((~inside).sum())
    values = expected[grid.mask]
    if values.min() == values.max():
        return
    reference, _w = esda_gi_star(expected, grid.mask, lattice_cells(grid.mask))
    assert np.allclose(found.z, reference.Zs, rtol=0, atol=1e-6)
    # Every weight the same is the count map scaled: the same z-scores.
    counted = find_hotspots(grid, lon, lat)
    scaled = find_hotspots(grid, lon, lat, weights=np.full(points, 7.5))
    assert np.allclose(scaled.counts, counted.counts * 7.5)
    assert np.allclose(scaled.z, counted.z, equal_nan=True)
    with pytest.raises(ValueError):
        find_hotspots(grid, lon, lat, weights=weights, p_values="permutation")


def test_a_harm_map_writes_its_fractional_sums_in_the_geojson():
    grid = SquareGrid.over(SQUARE, cell_m=200)
    lon, lat = TO_WGS84.transform(np.array([675_050.0, 675_060.0]), np.array([6_579_050.0] * 2))
    found = find_hotspots(grid, lon, lat, weights=np.array([0.25, 2.0]))
    body = json.loads(found.geojson(NONZERO_CELLS))
    (feature,) = body["features"]
    assert feature["properties"]["count"] == 2.25
    assert body == json.loads(json.dumps(found.feature_collection(NONZERO_CELLS)))
