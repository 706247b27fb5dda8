"""Possible duplicates: the KD-tree search equals checking every pair."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.lib.duplicates import brute_force_pairs, candidate_pairs


def pairs_of(result):
    return list(zip(result.first.tolist(), result.second.tolist(), strict=True))


def test_one_event_reported_by_two_is_a_pair_and_the_edges_are_inclusive():
    # 0 and 1: 50 m and 2 hours apart exactly, different reporters → a pair.
    # 2: where and when 1 is, by 1's reporter → pairs with 0, not with 1.
    # 3: 50.1 m from 0. 4: another category. 5: where 0 is, 2 h 1 s after it: too late for
    # 0, but 1 s and 50 m from 1 and 2.
    x = [0, 30, 30, -50.1, 0, 0]
    y = [0, 40, 40, 0, 0, 0]
    t = [0, 7200, 7200, 0, 0, 7201]
    category = [1, 1, 1, 1, 2, 1]
    reporter = ["a", "b", "b", "c", "d", "e"]
    result = candidate_pairs(x, y, t, category, reporter, metres=50, seconds=7200)
    assert pairs_of(result) == [(0, 1), (0, 2), (1, 5), (2, 5)]
    assert result.metres.tolist() == [50, 50, 50, 50]
    assert result.seconds.tolist() == [7200, 7200, 1, 1]


def test_nothing_to_pair():
    assert len(candidate_pairs([], [], [], [], [], metres=50, seconds=60)) == 0
    assert len(candidate_pairs([0], [0], [0], [1], ["a"], metres=50, seconds=60)) == 0
    with pytest.raises(ValueError):
        candidate_pairs([0, 1], [0], [0], [1], ["a"], metres=50, seconds=60)


reports = st.lists(
    st.tuples(
        st.integers(0, 300),  # x, metres on a small grid so that edges are hit exactly
        st.integers(0, 300),
        st.integers(0, 6 * 3600),  # seconds
        st.integers(1, 3),  # category
        st.sampled_from("abcd"),  # reporter
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(reports, st.sampled_from([0, 10, 50, 120]), st.sampled_from([0, 600, 7200]))
def test_the_tree_search_equals_checking_every_pair(rows, metres, seconds):
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    x, y, t, category, reporter = (np.array(c) for c in columns)
    result = candidate_pairs(x, y, t, category, reporter, metres=metres, seconds=seconds)
    expected = brute_force_pairs(x, y, t, category, reporter, metres=metres, seconds=seconds)
    assert pairs_of(result) == expected
    assert np.all(result.metres <= metres) and np.all(result.seconds <= seconds)
