"""Near repeats for a selection: the Knox test over its incidents with a position, and classes.

The incidents are those the other analyses count (rejected reports excluded) that have a
position; their times are their days in Stockholm (whole days, as the Near Repeat Calculator
uses). The statistics are ``trygg.lib.nearrepeat``: pairs per distance band × time band against
Monte Carlo permutations of the times, and each incident's class (originator, repeat, near
repeat, isolated) over the first band's distance and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.analysis.charts import swedish_number
from trygg.analysis.counts import filtered_incidents, selection_periods, within
from trygg.analysis.selection import Selection
from trygg.lib.geo import project
from trygg.lib.nearrepeat import (
    CLASSES,
    DEFAULT_DISTANCE_BAND_M,
    DEFAULT_DISTANCE_BANDS,
    DEFAULT_SEED,
    DEFAULT_TIME_BAND_DAYS,
    DEFAULT_TIME_BANDS,
    ISOLATED,
    NEAR_REPEAT,
    ORIGINATOR,
    REPEAT,
    KnoxResult,
    TooManyPairs,
    band_text,
    classify,
    knox_test,
)
from trygg.lib.periods import Period, PeriodKind

# More incidents than this make too many pairs to answer a request in good time.
MAX_EVENTS = 60_000
# Pairs within the largest distance the test takes in one request: about 2 s with 99
# permutations (the work is about 5–7 ns per pair and permutation).
MAX_PAIRS = 3_000_000
# Fewer than this give too few pairs for the test to say anything.
MIN_EVENTS = 20
ALPHA = 0.05
# A closest cell with fewer than this many times the expected pairs is a weak pattern, however
# small its p-value (a city's thousands of incidents make tiny excesses significant).
STRONG_RATIO = 1.5


class TooManyEvents(ValueError):
    """The selection holds more incidents with a position than the test takes in one request."""


@dataclass(frozen=True)
class NearRepeats:
    knox: KnoxResult
    classes: dict[str, int]
    without_position: int

    @property
    def enough(self) -> bool:
        return self.knox.n_events >= MIN_EVENTS and self.knox.n_pairs > 0


def selection_events(selection: Selection) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Longitudes, latitudes and Stockholm day numbers of the counted incidents with a
    position, and how many counted incidents have none."""
    queryset = filtered_incidents(selection)
    periods = selection_periods(selection) if (selection.start or selection.end) else []
    if periods:
        span = Period(periods[0].start, periods[-1].end, PeriodKind.RANGE)
        queryset = queryset.filter(within("occurred_at", [span.bounds()]))
    located = queryset.filter(latitude__isnull=False)
    total = located.count()
    if total > MAX_EVENTS:
        raise TooManyEvents(
            _(
                "The selection holds %(n)s incidents with a position; the near-repeat test "
                "takes at most %(max)s. Choose a smaller area, fewer categories or a shorter "
                "period."
            )
            % {"n": swedish_number(total), "max": swedish_number(MAX_EVENTS)}
        )
    without = queryset.filter(latitude__isnull=True).count()
    rows = located.values_list("longitude", "latitude", "occurred_at").order_by("occurred_at", "pk")
    lon = np.zeros(total)
    lat = np.zeros(total)
    day = np.zeros(total)
    count = 0
    for index, (x, y, when) in enumerate(rows.iterator(chunk_size=10_000)):
        if index >= total:  # rows added since the count wait for the next question
            break
        lon[index], lat[index] = x, y
        day[index] = timezone.localtime(when).date().toordinal()
        count = index + 1
    return lon[:count], lat[:count], day[:count], without


def near_repeats(
    selection: Selection,
    *,
    distance_band_m: float = DEFAULT_DISTANCE_BAND_M,
    distance_bands: int = DEFAULT_DISTANCE_BANDS,
    time_band_days: float = DEFAULT_TIME_BAND_DAYS,
    time_bands: int = DEFAULT_TIME_BANDS,
    permutations: int | None = None,
    seed: int = DEFAULT_SEED,
) -> NearRepeats:
    lon, lat, day, without = selection_events(selection)
    x, y = project(lon, lat)
    runs = permutations or settings.TRYGG_NEAR_REPEAT_PERMUTATIONS
    try:
        knox = knox_test(
            x,
            y,
            day,
            distance_band_m=distance_band_m,
            distance_bands=distance_bands,
            time_band_days=time_band_days,
            time_bands=time_bands,
            permutations=runs,
            seed=seed,
            max_pairs=MAX_PAIRS * 99 // max(runs, 1),
        )
    except TooManyPairs as error:
        raise TooManyEvents(
            _(
                "%(pairs)s pairs of incidents lie within %(m)s m of each other; the near-repeat "
                "test takes at most %(max)s. Choose a smaller area, fewer categories, a shorter "
                "period or fewer or narrower distance bands."
            )
            % {
                "pairs": swedish_number(error.pairs),
                "m": swedish_number(distance_band_m * distance_bands),
                "max": swedish_number(error.limit),
            }
        ) from error
    classes = classify(x, y, day, near_m=distance_band_m, within_days=time_band_days)
    found = {name: int((classes == name).sum()) for name in CLASSES}
    return NearRepeats(knox=knox, classes=found, without_position=without)


def class_labels() -> dict[str, str]:
    return {
        ORIGINATOR: _("Originator (followed by a repeat or near repeat)"),
        REPEAT: _("Repeat (the same place)"),
        NEAR_REPEAT: _("Near repeat (close by)"),
        ISOLATED: _("Isolated"),
    }


def distance_label(knox: KnoxResult, index: int) -> str:
    low, high = knox.distance_bands[index]
    return _("%(band)s m") % {"band": band_text(low, high, index == 0)}


def time_label(knox: KnoxResult, index: int) -> str:
    low, high = knox.time_bands[index]
    return _("%(band)s days") % {"band": band_text(low, high, index == 0)}


def _decimal(value: float, decimals: int) -> float | None:
    return None if not np.isfinite(value) else round(float(value), decimals)


def ratio_table(knox: KnoxResult) -> tuple[list[str], list[list[Any]]]:
    """The Calculator's main table: observed / expected per distance band (rows) and time
    band (columns); a cell with p < 0.05 and more pairs than expected is marked with *."""
    headers = [_("Distance"), *(time_label(knox, j) for j in range(knox.observed.shape[1]))]
    significant = knox.significant(ALPHA)
    rows: list[list[Any]] = []
    for i in range(knox.observed.shape[0]):
        row: list[Any] = [distance_label(knox, i)]
        for j in range(knox.observed.shape[1]):
            ratio = knox.ratio[i, j]
            if not np.isfinite(ratio):
                row.append(None)
                continue
            text = swedish_number(float(ratio), 2)
            row.append(f"{text} *" if significant[i, j] else text)
        rows.append(row)
    return headers, rows


def p_value_table(knox: KnoxResult) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Distance"), *(time_label(knox, j) for j in range(knox.observed.shape[1]))]
    rows = [
        [distance_label(knox, i), *(swedish_number(float(p), 3) for p in knox.p_value[i])]
        for i in range(knox.observed.shape[0])
    ]
    return headers, rows


def cell_dicts(knox: KnoxResult) -> list[dict[str, Any]]:
    """One dict per cell, distance band first (the API's ``cells``)."""
    significant = knox.significant(ALPHA)
    cells = []
    for i, (d_low, d_high) in enumerate(knox.distance_bands):
        for j, (t_low, t_high) in enumerate(knox.time_bands):
            cells.append(
                {
                    "distance_band": i + 1,
                    "time_band": j + 1,
                    "distance_from_m": d_low,
                    "distance_to_m": d_high,
                    "days_from": t_low,
                    "days_to": t_high,
                    "observed": int(knox.observed[i, j]),
                    "expected": round(float(knox.expected[i, j]), 3),
                    "ratio": _decimal(knox.ratio[i, j], 3),
                    "p_value": round(float(knox.p_value[i, j]), 4),
                    "significant": bool(significant[i, j]),
                }
            )
    return cells


def verdict(found: NearRepeats) -> str:
    """A plain Swedish statement of what the test shows, and what it cannot."""
    knox = found.knox
    if not found.enough:
        return _(
            "Too few incidents with a position close to each other to test for near repeats "
            "(%(n)s incidents)."
        ) % {"n": swedish_number(knox.n_events)}
    significant = knox.significant(ALPHA)
    cells = significant.size
    chance = swedish_number(cells * ALPHA)
    d_high = swedish_number(knox.distance_band_m)
    t_high = swedish_number(knox.time_band_days)
    if significant[0, 0] and knox.ratio[0, 0] < STRONG_RATIO:
        return _(
            "Weak near repeats: slightly more incidents happen within %(m)s m and %(days)s days "
            "of another than chance explains (%(ratio)s times as many pairs as expected, "
            "p = %(p)s). With many incidents even a small excess is significant; it is too small "
            "to guide patrols on its own."
        ) % {
            "m": d_high,
            "days": t_high,
            "ratio": swedish_number(float(knox.ratio[0, 0]), 1),
            "p": swedish_number(float(knox.p_value[0, 0]), 2),
        }
    if significant[0, 0]:
        return _(
            "Near repeats: more incidents happen within %(m)s m and %(days)s days of another "
            "than chance explains (%(ratio)s times as many pairs as expected, p = %(p)s). "
            "After an incident, the place and its surroundings run a raised risk for a while."
        ) % {
            "m": d_high,
            "days": t_high,
            "ratio": swedish_number(float(knox.ratio[0, 0]), 1),
            "p": swedish_number(float(knox.p_value[0, 0]), 2),
        }
    if significant.any():
        return _(
            "No clear near-repeat pattern: the closest cell (%(m)s m, %(days)s days) has no more "
            "pairs than chance explains. %(found)s of the %(cells)s cells show more pairs than "
            "expected; about %(chance)s would by chance alone."
        ) % {
            "m": d_high,
            "days": t_high,
            "found": swedish_number(int(significant.sum())),
            "cells": swedish_number(cells),
            "chance": chance,
        }
    return _(
        "No near-repeat pattern: incidents close to each other in space are not closer in time "
        "than chance explains."
    )
