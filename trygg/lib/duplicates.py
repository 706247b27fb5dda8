"""Possible duplicates: reports close in place and time that may be one event seen twice.

When a resident, the housing company and the police each report the same broken window, the
lägesbild must count one incident, not three. Two reports are *possible duplicates* when they
have the same category, lie within ``metres`` of each other, happened within ``seconds`` of each
other, and come from different reporters (a reporter's own repeated sending is caught by its
external id instead). A person decides: merge (one counted, the others linked to it) or keep
apart.

The search is a KD-tree over the points (``cKDTree.query_pairs`` within the distance), per
category, then the time and reporter conditions on those pairs: linear in the reports plus
the close pairs, where all pairs would be quadratic. Coordinates are projected metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs as positions into the inputs (``first < second``), with their
    distance in metres and time apart in seconds, ordered by ``first`` then ``second``."""

    first: np.ndarray
    second: np.ndarray
    metres: np.ndarray
    seconds: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def candidate_pairs(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    category: ArrayLike,
    reporter: ArrayLike,
    *,
    metres: float,
    seconds: float,
) -> Pairs:
    """Pairs of the same category, at most ``metres`` apart in space and ``seconds`` in
    time (both inclusive), whose ``reporter`` keys differ. ``t`` in seconds."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ts = np.asarray(t, dtype=float)
    categories, reporters = np.asarray(category), np.asarray(reporter)
    if not (len(xs) == len(ys) == len(ts) == len(categories) == len(reporters)):
        raise ValueError("every input needs one value per report")
    if metres < 0 or seconds < 0:
        raise ValueError("the distance and the time must not be negative")
    found: list[np.ndarray] = []
    for value in np.unique(categories):
        members = np.flatnonzero(categories == value)
        if len(members) < 2:
            continue
        tree = cKDTree(np.column_stack([xs[members], ys[members]]))
        # A hair wider, then the exact distance below: the tree's rounding at the edge
        # must not decide.
        close = tree.query_pairs(metres * (1 + 1e-9) + 1e-9, output_type="ndarray")
        if not len(close):
            continue
        pairs = members[close]
        found.append(pairs)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0), np.zeros(0))
    pairs = np.concatenate(found)
    a, b = pairs.min(axis=1), pairs.max(axis=1)
    apart = np.abs(ts[a] - ts[b])
    distance = np.hypot(xs[a] - xs[b], ys[a] - ys[b])
    keep = (distance <= metres) & (apart <= seconds) & (reporters[a] != reporters[b])
    a, b, apart, distance = a[keep], b[keep], apart[keep], distance[keep]
    order = np.lexsort((b, a))
    return Pairs(a[order], b[order], distance[order], apart[order])


def brute_force_pairs(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    category: ArrayLike,
    reporter: ArrayLike,
    *,
    metres: float,
    seconds: float,
) -> list[tuple[int, int]]:
    """Every pair checked one by one: the reference ``candidate_pairs`` is tested against."""
    xs, ys, ts = (np.asarray(v, dtype=float) for v in (x, y, t))
    categories, reporters = np.asarray(category), np.asarray(reporter)
    found = []
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if categories[i] != categories[j] or reporters[i] == reporters[j]:
                continue
            if np.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= metres and abs(ts[i] - ts[j]) <= seconds:
                found.append((i, j))
    return found
