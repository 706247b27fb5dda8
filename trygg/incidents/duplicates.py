"""Possible duplicates among stored incidents: the groups a reviewer merges or keeps apart.

``lib.duplicates`` finds the close pairs; here they come from the database (counted reports
with a point, of the reviewer's scope and period), pairs a reviewer kept apart are dropped, and
the rest are joined into groups: three reports of one event are one group of three, not three
pairs. A report of a different reporter is what makes a pair (``reporter_key``): the same
user, or for reports without a user (imports, the police feed) the same organisation and
source, does not duplicate itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trygg.incidents.models import COUNTED_STATUSES, Incident, IncidentQuerySet, KeptApart, Status
from trygg.lib.duplicates import candidate_pairs
from trygg.lib.geo import project


@dataclass(frozen=True)
class Closeness:
    """How close two reports of a group are (``first`` the one reported first)."""

    first: Incident
    second: Incident
    metres: float
    minutes: float


@dataclass
class DuplicateGroup:
    """Reports that may be one event, oldest report first, with the one suggested to keep."""

    incidents: list[Incident]
    pairs: list[Closeness] = field(default_factory=list)

    @property
    def suggested(self) -> Incident:
        """A reviewed report if there is one, else the first one reported."""
        reviewed = [i for i in self.incidents if i.status == Status.GRANSKAD]
        return min(reviewed or self.incidents, key=lambda incident: incident.pk)

    @property
    def latest(self) -> dt.datetime:
        return max(incident.occurred_at for incident in self.incidents)

    @property
    def ids(self) -> str:
        return ",".join(str(incident.pk) for incident in self.incidents)


def reporter_key(reported_by_id: int | None, organisation_id: int | None, source: str) -> str:
    if reported_by_id is not None:
        return f"user:{reported_by_id}"
    return f"{source}:{organisation_id}"


def possible_duplicates(
    incidents: IncidentQuerySet,
    *,
    metres: float | None = None,
    minutes: float | None = None,
) -> list[DuplicateGroup]:
    """The groups of possible duplicates among ``incidents``, newest group first.

    Only counted reports with a point take part; by default within the installation's
    ``TRYGG_DUPLICATE_METRES`` and ``TRYGG_DUPLICATE_MINUTES``.
    """
    metres = settings.TRYGG_DUPLICATE_METRES if metres is None else metres
    minutes = settings.TRYGG_DUPLICATE_MINUTES if minutes is None else minutes
    rows = list(
        incidents.filter(status__in=COUNTED_STATUSES, latitude__isnull=False)
        .exclude(longitude__isnull=True)
        .order_by()
        .values_list(
            "pk",
            "latitude",
            "longitude",
            "occurred_at",
            "category_id",
            "reported_by_id",
            "organisation_id",
            "source",
        )
    )
    if len(rows) < 2:
        return []
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    x, y = project(
        np.array([row[2] for row in rows], dtype=float),
        np.array([row[1] for row in rows], dtype=float),
    )
    seconds = np.array([row[3].timestamp() for row in rows])
    categories = np.array([row[4] for row in rows], dtype=np.int64)
    reporters = np.array([reporter_key(row[5], row[6], row[7]) for row in rows])
    found = candidate_pairs(
        x, y, seconds, categories, reporters, metres=metres, seconds=minutes * 60
    )
    if not len(found):
        return []
    first, second = ids[found.first], ids[found.second]
    low, high = np.minimum(first, second), np.maximum(first, second)
    apart = set(
        KeptApart.objects.filter(first_id__in=low.tolist(), second_id__in=high.tolist())
        .values_list("first_id", "second_id")
        .iterator()
    )
    keep = np.array([(int(a), int(b)) not in apart for a, b in zip(low, high, strict=True)])
    if not keep.any():
        return []
    a, b = found.first[keep], found.second[keep]
    distances, times = found.metres[keep], found.seconds[keep]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(rows), len(rows)))
    _, labels = connected_components(graph, directed=False)
    members = sorted({int(i) for i in np.concatenate([a, b])})
    stored = Incident.objects.for_list().in_bulk([int(ids[i]) for i in members])
    groups: dict[int, DuplicateGroup] = {}
    for position in members:
        group = groups.setdefault(int(labels[position]), DuplicateGroup([]))
        group.incidents.append(stored[int(ids[position])])
    for i, j, distance, time in zip(a, b, distances, times, strict=True):
        one, other = sorted((int(ids[i]), int(ids[j])))
        groups[int(labels[i])].pairs.append(
            Closeness(stored[one], stored[other], float(distance), time / 60)
        )
    for group in groups.values():
        group.incidents.sort(key=lambda incident: (incident.occurred_at, incident.pk))
        group.pairs.sort(key=lambda pair: (pair.first.pk, pair.second.pk))
    return sorted(groups.values(), key=lambda group: group.latest, reverse=True)
