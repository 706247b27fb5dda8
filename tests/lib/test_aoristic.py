"""Aoristic weights against hand-computed cases and a minute-by-minute count."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.lib.aoristic import HOURS, utc_microseconds, weekday_hour_weights
from trygg.lib.periods import STOCKHOLM

FRIDAY, SATURDAY, SUNDAY = 4, 5, 6


def local(*parts: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=STOCKHOLM).replace(fold=fold)


def weights(*windows: tuple[dt.datetime, dt.datetime]) -> np.ndarray:
    starts = np.array([utc_microseconds(a) for a, _b in windows], dtype=np.int64)
    ends = np.array([utc_microseconds(b) for _a, b in windows], dtype=np.int64)
    return weekday_hour_weights(starts, ends)


def test_a_night_window_gives_each_of_its_hours_an_equal_share():
    # Friday 22:00 – Saturday 06:00: eight whole hours, an eighth each.
    matrix = weights((local(2023, 9, 15, 22), local(2023, 9, 16, 6)))
    expected = np.zeros((7, HOURS))
    expected[FRIDAY, 22:24] = 1 / 8
    expected[SATURDAY, 0:6] = 1 / 8
    np.testing.assert_allclose(matrix, expected)


def test_partial_hours_get_their_share_of_the_duration():
    # 21:30 – 23:00: 30 of 90 minutes in 21:00, 60 in 22:00.
    matrix = weights((local(2023, 9, 15, 21, 30), local(2023, 9, 15, 23)))
    assert matrix[FRIDAY, 21] == pytest.approx(1 / 3)
    assert matrix[FRIDAY, 22] == pytest.approx(2 / 3)
    assert matrix.sum() == pytest.approx(1)


def test_an_instant_weighs_one_in_its_hour():
    moment = local(2023, 9, 17, 14, 59)
    matrix = weights((moment, moment), (local(2023, 9, 17, 15), local(2023, 9, 17, 15)))
    assert matrix[SUNDAY, 14] == 1 and matrix[SUNDAY, 15] == 1
    assert matrix.sum() == 2


def test_the_night_the_clocks_go_forward_has_no_two_oclock():
    # 26 March 2023, 01:30 CET – 03:30 CEST is one hour of real time: half in 01, half in 03.
    matrix = weights((local(2023, 3, 26, 1, 30), local(2023, 3, 26, 3, 30)))
    assert matrix[SUNDAY, 1] == pytest.approx(0.5)
    assert matrix[SUNDAY, 2] == 0
    assert matrix[SUNDAY, 3] == pytest.approx(0.5)


def test_the_night_the_clocks_go_back_has_two_two_oclocks():
    # 29 October 2023, 01:30 CEST – 03:30 CET is three hours: 02:00 happens twice.
    matrix = weights((local(2023, 10, 29, 1, 30), local(2023, 10, 29, 3, 30)))
    assert matrix[SUNDAY, 1] == pytest.approx(0.5 / 3)
    assert matrix[SUNDAY, 2] == pytest.approx(2 / 3)
    assert matrix[SUNDAY, 3] == pytest.approx(0.5 / 3)


def test_an_end_before_its_start_is_refused():
    with pytest.raises(ValueError):
        weights((local(2023, 9, 15, 22), local(2023, 9, 15, 21)))


def test_long_windows_are_split_over_passes_and_still_sum_to_one(monkeypatch):
    import trygg.lib.aoristic as aoristic

    monkeypatch.setattr(aoristic, "_SEGMENTS_PER_PASS", 50)
    windows = [
        (local(2023, 1, 1, 0), local(2023, 2, 1, 0)),  # 744 hours, alone in a pass
        (local(2023, 5, 1, 10), local(2023, 5, 1, 12)),
        (local(2023, 5, 2, 10), local(2023, 5, 2, 10)),
    ]
    matrix = weights(*windows)
    assert matrix.sum() == pytest.approx(3)
    # January 2023 began on a Sunday: 31 days, every hour of the week 4 or 5 times.
    january = weights(windows[0])
    assert january[SUNDAY, 0] == pytest.approx(5 / 744)
    assert january[FRIDAY, 0] == pytest.approx(4 / 744)


def brute_force(start: dt.datetime, end: dt.datetime) -> np.ndarray:
    """Minute by minute: each minute of the window is 1/minutes in its local weekday × hour."""
    matrix = np.zeros((7, HOURS))
    minutes = int((end - start).total_seconds() // 60)
    if minutes == 0:
        at = start.astimezone(STOCKHOLM)
        matrix[at.weekday(), at.hour] = 1
        return matrix
    for k in range(minutes):
        at = (start + dt.timedelta(minutes=k)).astimezone(STOCKHOLM)
        matrix[at.weekday(), at.hour] += 1 / minutes
    return matrix


moments = st.datetimes(min_value=dt.datetime(2022, 3, 20), max_value=dt.datetime(2023, 11, 5)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(moments, st.integers(0, 3 * 24 * 60)), min_size=1, max_size=5))
def test_weights_sum_to_one_per_incident_and_equal_a_minute_by_minute_count(windows):
    pairs = [(start, start + dt.timedelta(minutes=length)) for start, length in windows]
    matrix = weights(*pairs)
    assert matrix.sum() == pytest.approx(len(pairs))
    for start, end in pairs:
        assert weights((start, end)).sum() == pytest.approx(1)
    expected = sum(brute_force(start, end) for start, end in pairs)
    np.testing.assert_allclose(matrix, expected, atol=1e-9)
