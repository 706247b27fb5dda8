"""The Knox test and the near-repeat classes (trygg.lib.nearrepeat)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.lib.geo import project
from trygg.lib.nearrepeat import (
    ISOLATED,
    NEAR_REPEAT,
    ORIGINATOR,
    REPEAT,
    band_index,
    band_text,
    brute_force_counts,
    classify,
    knox_test,
)


def _loop_counts(x, y, t, dw, nd, tw, nt):
    """Pair counts by the definition, one pair at a time (no numpy)."""
    counts = np.zeros((nd, nt), dtype=int)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            d = ((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2) ** 0.5
            g = abs(t[i] - t[j])
            di = 0 if d <= dw else int(np.ceil(d / dw)) - 1
            ti = 0 if g <= tw else int(np.ceil(g / tw)) - 1
            if di < nd and ti < nt:
                counts[di, ti] += 1
    return counts


events = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 600), min_size=n, max_size=n),
        st.lists(st.integers(0, 600), min_size=n, max_size=n),
        st.lists(st.integers(0, 60), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(
    events,
    st.sampled_from([50.0, 100.0, 75.5]),
    st.integers(1, 6),
    st.sampled_from([7.0, 3.0, 2.5]),
    st.integers(1, 6),
)
def test_every_cell_equals_the_pair_by_pair_count(data, dw, nd, tw, nt):
    x, y, t = (np.array(v, dtype=float) for v in data)
    result = knox_test(
        x,
        y,
        t,
        distance_band_m=dw,
        distance_bands=nd,
        time_band_days=tw,
        time_bands=nt,
        permutations=3,
        seed=1,
    )
    expected = _loop_counts(x, y, t, dw, nd, tw, nt)
    assert result.observed.shape == (nd, nt)
    assert (result.observed == expected).all()
    brute = brute_force_counts(
        x, y, t, distance_band_m=dw, distance_bands=nd, time_band_days=tw, time_bands=nt, chunk=7
    )
    assert (brute == expected).all()
    # Every permutation keeps the pairs, so the expected counts sum to the shuffled totals.
    assert (result.p_value > 0).all() and (result.p_value <= 1).all()


def test_fractional_times_use_the_same_bands():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 800, 60), rng.uniform(0, 800, 60)
    t = rng.uniform(0, 40, 60)
    result = knox_test(x, y, t, distance_bands=5, time_bands=4, permutations=5)
    assert (result.observed == _loop_counts(x, y, t, 100, 5, 7, 4)).all()


def test_band_edges_follow_the_calculator():
    # 0–100 holds 0 and 100; 101–200 starts just above 100.
    assert band_index(np.array([0, 0.5, 100, 100.01, 200, 201]), 100).tolist() == [0, 0, 0, 1, 1, 2]
    assert band_index(np.array([0, 7, 8, 14, 15]), 7).tolist() == [0, 0, 1, 1, 2]
    assert band_text(0, 100, True) == "0–100"
    assert band_text(100, 200, False) == "101–200"


def _random_city(rng, n=400, side=3000.0, days=365):
    return rng.uniform(0, side, n), rng.uniform(0, side, n), rng.integers(0, days, n)


def test_planted_near_repeats_are_found():
    rng = np.random.default_rng(11)
    x, y, t = _random_city(rng)
    # 60 originators, each followed within a week by two burglaries within 100 m.
    ox, oy, ot = x[:60], y[:60], t[:60]
    angle = rng.uniform(0, 2 * np.pi, (60, 2))
    radius = rng.uniform(5, 90, (60, 2))
    nx = (ox[:, None] + radius * np.cos(angle)).ravel()
    ny = (oy[:, None] + radius * np.sin(angle)).ravel()
    nt = (ot[:, None] + rng.integers(0, 7, (60, 2))).ravel()
    result = knox_test(
        np.concatenate([x, nx]), np.concatenate([y, ny]), np.concatenate([t, nt]), seed=3
    )
    assert result.p_value[0, 0] < 0.05
    assert result.ratio[0, 0] > 2
    assert result.significant()[0, 0]
    # Far in space and time there is no excess beyond chance (5 % of cells).
    assert result.significant()[3:, 3:].sum() <= 8


def test_random_data_shows_no_near_repeats():
    rng = np.random.default_rng(12)
    x, y, t = _random_city(rng, n=800)
    result = knox_test(x, y, t, seed=4)
    assert result.p_value[0, 0] >= 0.05
    # Under the null about 5 % of the cells fall below 0.05 by chance; far from all of them.
    assert result.significant().sum() <= 15
    assert np.nanmax(np.abs(result.ratio[result.expected > 20] - 1)) < 0.5


def test_the_seed_makes_it_reproducible():
    rng = np.random.default_rng(13)
    x, y, t = _random_city(rng)
    a = knox_test(x, y, t, seed=9, permutations=19)
    b = knox_test(x, y, t, seed=9, permutations=19)
    assert (a.p_value == b.p_value).all() and (a.expected == b.expected).all()
    assert a.permutations == 19
    assert set(np.unique(a.p_value * 20).round(6)) <= {float(k) for k in range(1, 21)}


def test_few_events():
    empty = knox_test([], [], [], permutations=9)
    assert empty.observed.sum() == 0 and (empty.p_value == 1).all() and empty.n_events == 0
    one = knox_test([0.0], [0.0], [0.0], permutations=9)
    assert one.n_pairs == 0 and np.isnan(one.ratio).all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        knox_test([0.0, 1.0], [0.0], [0.0, 1.0])
    with pytest.raises(ValueError):
        knox_test([0.0, np.nan], [0.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError):
        knox_test([0.0], [0.0], [0.0], distance_band_m=0)


def test_classification_by_hand():
    # a: first at a house; b: the same house 3 days later (repeat); c: 60 m away 5 days after
    # a (near repeat); d: 60 m away but 30 days later, with e (near d, 2 days after it): d
    # starts its own series; f: far away (isolated); g: 500 m from a, the same day (isolated).
    x = [0.0, 0.0, 60.0, 0.0, 40.0, 5000.0, 500.0]
    y = [0.0, 0.5, 0.0, 60.0, 60.0, 5000.0, 0.0]
    t = [10, 13, 15, 40, 42, 12, 10]
    classes = classify(x, y, t, near_m=100, within_days=7, same_place_m=1)
    assert classes.tolist() == [
        ORIGINATOR,
        REPEAT,
        NEAR_REPEAT,
        ORIGINATOR,
        NEAR_REPEAT,
        ISOLATED,
        ISOLATED,
    ]


def test_classification_same_day_goes_by_order():
    classes = classify([0.0, 10.0], [0.0, 0.0], [5, 5])
    assert classes.tolist() == [ORIGINATOR, NEAR_REPEAT]
    classes = classify([0.0, 10.0], [0.0, 0.0], [6, 5])
    assert classes.tolist() == [NEAR_REPEAT, ORIGINATOR]


def test_project_gives_metres():
    # Two points in Stockholm 0.001° of latitude apart: about 111 m.
    x, y = project([18.0, 18.0], [59.3, 59.301])
    assert abs(np.hypot(x[1] - x[0], y[1] - y[0]) - 111.2) < 1


def test_too_many_pairs_are_refused_before_they_are_listed():
    from trygg.lib.nearrepeat import TooManyPairs

    x = np.zeros(50)  # 50 incidents at one place: 1,225 pairs
    with pytest.raises(TooManyPairs) as raised:
        knox_test(x, x, np.arange(50), max_pairs=1000)
    assert raised.value.pairs == 1225
    assert knox_test(x, x, np.arange(50), max_pairs=1225, permutations=9).n_pairs == 1225
