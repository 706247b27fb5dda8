"""Aoristic weights: an incident known only as a time window, spread over the hours it covers.

Many incidents are reported as "between 22:00 and 06:00": a burglary found in the morning, a
car broken into overnight. Counting such an incident at its start piles the night onto one hour.
Aoristic analysis (Ratcliffe & McCullagh 1998; Ratcliffe 2000, "Aoristic analysis: the spatial
interpretation of unspecific temporal events") gives each hour of the window its share of the
incident instead: here the share of the window's *duration* that falls in the hour, so an
incident from 21:30 to 23:00 gives 21:00 one third and 22:00 two thirds, and each incident's
weights sum to one. An incident whose window is a single instant (no end, or the end equal to
the start) weighs one in its hour.

Hours are wall-clock hours in ``tz`` (Stockholm unless given), weekday Monday = 0. The window's
duration is real elapsed time, so on the night the clocks go forward 01:30–03:30 is one hour,
half in 01:00 and half in 03:00 (there is no 02:00 that night). This holds for any zone whose
offset from UTC is a whole number of hours at the times counted (Stockholm since 1900): each UTC
hour is then one local hour, which is what the vectorised computation relies on (and checks).

Pure numpy and zoneinfo; times in and out as UTC microseconds since the Unix epoch (int64).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from trygg.lib.periods import STOCKHOLM

WEEKDAYS = 7
HOURS = 24
HOUR_US = 3_600_000_000
# Hour segments handled per numpy pass (a month-long window is 744 of them).
_SEGMENTS_PER_PASS = 2_000_000


def weekday_hour_weights(
    starts: np.ndarray, ends: np.ndarray, tz: ZoneInfo = STOCKHOLM
) -> np.ndarray:
    """A 7 × 24 matrix (Monday first, local hours) of the incidents' summed aoristic weights.

    ``starts`` and ``ends`` are UTC microseconds (int64), one pair per incident, each end at
    or after its start. The matrix sums to the number of incidents (up to rounding).
    """
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.shape != ends.shape:
        raise ValueError("one end per start")
    if np.any(ends < starts):
        raise ValueError("an end lies before its start")
    totals = np.zeros(WEEKDAYS * HOURS, dtype=np.float64)
    first_hour = starts // HOUR_US
    # The hours a window touches: [first_hour, last_hour]; an end exactly on the hour does not
    # touch the hour it begins (an instant window touches its own hour only).
    last_hour = np.where(ends > starts, (ends - 1) // HOUR_US, first_hour)
    segments = last_hour - first_hour + 1
    position = 0
    while position < len(starts):
        # As many incidents as fit in one pass (at least one, however long its window).
        budget = np.cumsum(segments[position:])
        stop = position + max(1, int(np.searchsorted(budget, _SEGMENTS_PER_PASS, "right")))
        part = slice(position, stop)
        totals += _pass(starts[part], ends[part], first_hour[part], segments[part], tz)
        position = stop
    return totals.reshape(WEEKDAYS, HOURS)


def _pass(
    starts: np.ndarray,
    ends: np.ndarray,
    first_hour: np.ndarray,
    segments: np.ndarray,
    tz: ZoneInfo,
) -> np.ndarray:
    owner = np.repeat(np.arange(len(starts)), segments)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(segments) - segments, segments)
    hour = first_hour[owner] + offset  # UTC hours since the epoch
    low = np.maximum(starts[owner], hour * HOUR_US)
    high = np.minimum(ends[owner], (hour + 1) * HOUR_US)
    duration = (ends - starts)[owner]
    weight = np.where(duration > 0, (high - low) / np.maximum(duration, 1), 1.0)
    cells = _local_cells(hour, tz)
    return np.bincount(cells, weights=weight, minlength=WEEKDAYS * HOURS)


def _local_cells(utc_hours: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """weekday × 24 + hour in ``tz`` of each UTC hour, one zoneinfo call per distinct hour."""
    distinct, back = np.unique(utc_hours, return_inverse=True)
    cells = np.empty(len(distinct), dtype=np.int64)
    for index, hour in enumerate(distinct.tolist()):
        local = dt.datetime.fromtimestamp(hour * 3600, tz)
        if local.minute or local.second:
            raise ValueError(f"{tz.key} is not a whole number of hours from UTC at {local}")
        cells[index] = local.weekday() * HOURS + local.hour
    return cells[back]


def utc_microseconds(moment: dt.datetime) -> int:
    """An aware datetime as UTC microseconds since the Unix epoch."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant")
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
