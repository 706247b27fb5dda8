"""Every rule an incident must satisfy before it is written, once, over columns.

Each way in turns its input into an ``IncidentBatch`` (one array per field, one entry per
row) and calls ``check_batch``: the report form, the API and Open311 with one row, the police
feed with thousands, a CSV/XLSX file with millions (a chunk at a time), and a correction with
the incident as it would be after the change. So the rules — category, time, point and area,
the reporter's areas and organisations, text lengths, the personnummer guard, external ids —
are written here and nowhere else, and hold the same for every path.

Checking runs no query: what the messages need (category and area names) travels with the
batch, and the area boundaries' index is passed in, because a file import checks its next chunk
while PostgreSQL is still taking the previous one by COPY on the same connection.

Problems name the model's fields (``category``, ``occurred_at``, ``latitude``, …); file imports
translate them to their column names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.scope import scope_for
from trygg.incidents.models import DESCRIPTION_MAX_LENGTH, PLACE_MAX_LENGTH
from trygg.lib.dates import event_window
from trygg.lib.geo import AreaIndex
from trygg.lib.imports import Problem, identity_number_message
from trygg.lib.personnummer import holds_identity_number
from trygg.places.lookup import locate_coordinates

REPORTING_ROLES = (Role.SAMORDNARE, Role.ANALYTIKER, Role.RAPPORTOR)
# Clocks differ a little between phones and the server; a report a few minutes "in the
# future" is a clock difference, not a mistake.
FUTURE_TOLERANCE = dt.timedelta(minutes=15)
NO_TIME = np.datetime64("NaT", "us")
NO_LINE = -1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CategoryInfo:
    """What the rules need to know of a category: its name (for messages), whether in use."""

    name: str
    is_active: bool


@dataclass
class IncidentBatch:
    """Incidents to check: one array per field, one entry per row.

    Ids are 0 where there is none; times are UTC as ``datetime64[us]`` (NaT where none);
    coordinates are NaN where none; texts are pyarrow string arrays without nulls; ``lines``
    holds each row's line in its file (``NO_LINE`` where it has none). ``categories`` and
    ``area_names`` describe the ids the batch uses, for the rules and their messages.
    """

    lines: np.ndarray
    category_id: np.ndarray
    occurred_at: np.ndarray
    occurred_until: np.ndarray
    time_unknown: np.ndarray
    area_id: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    place: pa.Array
    description: pa.Array
    organisation_id: np.ndarray
    external_id: pa.Array
    categories: Mapping[int, CategoryInfo] = field(default_factory=dict)
    area_names: Mapping[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, row: int) -> int | None:
        value = int(self.lines[row])
        return None if value == NO_LINE else value

    def take(self, rows: np.ndarray) -> IncidentBatch:
        """The batch's rows at these positions (or where a boolean mask is true)."""
        indices = np.flatnonzero(rows) if rows.dtype == bool else rows
        taken = pa.array(indices, type=pa.int64())
        columns: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                columns[f.name] = value[indices]
            elif isinstance(value, pa.Array):
                columns[f.name] = value.take(taken)
        return replace(self, **columns)

    @classmethod
    def from_drafts(cls, drafts: Sequence[Any]) -> IncidentBatch:
        """A batch of ``IncidentDraft``s (model instances for category, area, organisation)."""
        categories = {
            d.category.pk: CategoryInfo(d.category.name, d.category.is_active)
            for d in drafts
            if d.category is not None
        }
        area_names = {d.area.pk: d.area.name for d in drafts if d.area is not None}

        def ids(name: str) -> np.ndarray:
            return np.array(
                [getattr(getattr(d, name), "pk", None) or 0 for d in drafts], dtype=np.int64
            )

        def times(name: str) -> np.ndarray:
            return np.array([_utc64(getattr(d, name)) for d in drafts], dtype="datetime64[us]")

        def floats(name: str) -> np.ndarray:
            values = [getattr(d, name) for d in drafts]
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        def texts(name: str) -> pa.Array:
            return pa.array([getattr(d, name) or "" for d in drafts], type=pa.string())

        return cls(
            lines=np.array([NO_LINE if d.line is None else d.line for d in drafts], dtype=np.int64),
            category_id=ids("category"),
            occurred_at=times("occurred_at"),
            occurred_until=times("occurred_until"),
            time_unknown=np.array([bool(d.time_unknown) for d in drafts], dtype=bool),
            area_id=ids("area"),
            latitude=floats("latitude"),
            longitude=floats("longitude"),
            place=texts("place"),
            description=texts("description"),
            organisation_id=ids("organisation"),
            external_id=texts("external_id"),
            categories=categories,
            area_names=area_names,
        )


def _utc64(moment: dt.datetime | None) -> np.datetime64:
    if moment is None:
        return NO_TIME
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("incident times must be timezone-aware")
    return np.datetime64((moment - _EPOCH) // dt.timedelta(microseconds=1), "us")


def as_datetime(value: np.datetime64) -> dt.datetime | None:
    """A batch's time as an aware UTC datetime (None for NaT)."""
    if np.isnat(value):
        return None
    return _EPOCH + dt.timedelta(microseconds=int(value.astype("datetime64[us]").astype(np.int64)))


@dataclass(frozen=True)
class ReportingScope:
    """Where and for whom someone may report: area ids, organisation ids (None: no limit, for
    a trusted system import or a superuser), and their own organisations (for the default)."""

    areas: frozenset[int] | None = None
    organisations: frozenset[int] | None = None
    own: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user: AnyUser | None) -> ReportingScope:
        if user is None:
            return cls()
        scope = scope_for(user)
        if scope.everything:
            return cls()
        own = frozenset(scope.organisation_ids)
        allowed = set(own)
        if scope.has_role(Role.SAMORDNARE, Role.ANALYTIKER):
            # Coordinators and analysts import partners' lists on their behalf.
            allowed |= set(visible_organisations(user).values_list("pk", flat=True))
        return cls(frozenset(scope.area_ids(REPORTING_ROLES)), frozenset(allowed), own)


@dataclass
class CheckedBatch:
    """A checked batch: its problems, the rows they make bad, and the area and organisation
    each row is written with (the area from the point, the reporter's one organisation)."""

    problems: list[Problem]
    bad: np.ndarray
    area_id: np.ndarray
    organisation_id: np.ndarray

    def written_area(self, row: int) -> int | None:
        return int(self.area_id[row]) or None

    def written_organisation(self, row: int) -> int | None:
        return int(self.organisation_id[row]) or None


class _Found:
    """Problems as rules find them, put in row order and, within a row, in the rules' order."""

    def __init__(self, batch: IncidentBatch) -> None:
        self.batch = batch
        self.found: list[tuple[int, int, Problem]] = []
        self.rule = 0

    def add(self, mask: np.ndarray, field_name: str, message: Any) -> None:
        """Rows where ``mask`` holds break a rule; ``message`` is a text or row → text."""
        self.rule += 1
        for row in np.flatnonzero(mask).tolist():
            text = message(row) if callable(message) else message
            self.found.append((row, self.rule, Problem(self.batch.line(row), field_name, text)))

    def result(self) -> tuple[list[Problem], np.ndarray]:
        self.found.sort(key=lambda item: (item[0], item[1]))
        bad = np.zeros(len(self.batch), dtype=bool)
        bad[[row for row, _rule, _p in self.found]] = True
        return [p for _row, _rule, p in self.found], bad


def check_batch(
    batch: IncidentBatch,
    scope: ReportingScope,
    *,
    now: dt.datetime,
    index: AreaIndex | None = None,
    repeated_ids: np.ndarray | None = None,
) -> CheckedBatch:
    """Check every row of the batch against every rule.

    ``index`` is the area boundaries' index to use (read before a COPY opens);
    ``repeated_ids`` marks rows whose external id an earlier row of the same file already
    gave, when the batch is one chunk of a larger file (otherwise found within the batch).
    """
    found = _Found(batch)
    n = len(batch)

    category = batch.category_id
    found.add(category == 0, "category", _("a category is required"))
    retired = [pk for pk, info in batch.categories.items() if not info.is_active]
    found.add(
        np.isin(category, np.array(retired, dtype=np.int64)),
        "category",
        lambda row: (
            _("the category “%(name)s” is no longer in use")
            % {"name": batch.categories[int(category[row])].name}
        ),
    )

    occurred, until = batch.occurred_at, batch.occurred_until
    found.add(np.isnat(occurred), "occurred_at", _("the time is required"))
    latest = _utc64(now + FUTURE_TOLERANCE)
    # A year such as 0059 is a typing or parsing mistake: refused, like the future.
    window = event_window(timezone.localdate(now))
    earliest = _utc64(window.first_moment())
    too_early = _("the time lies before %(earliest)s") % {"earliest": window.earliest.isoformat()}
    found.add(occurred < earliest, "occurred_at", too_early)
    found.add(occurred > latest, "occurred_at", _("the time lies in the future"))
    found.add(until < earliest, "occurred_until", too_early)
    found.add(until > latest, "occurred_until", _("the end time lies in the future"))
    found.add(until < occurred, "occurred_until", _("the end time is before the start time"))

    lat, lon = batch.latitude, batch.longitude
    has_lat, has_lon = ~np.isnan(lat), ~np.isnan(lon)
    found.add(has_lat != has_lon, "latitude", _("give both latitude and longitude, or neither"))
    with np.errstate(invalid="ignore"):
        in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    point = has_lat & has_lon
    found.add(point & ~in_range, "latitude", _("the coordinates are not WGS84 latitude/longitude"))

    found.add(
        _lengths(batch.description) > DESCRIPTION_MAX_LENGTH,
        "description",
        _("the description is longer than %(max)s characters") % {"max": DESCRIPTION_MAX_LENGTH},
    )
    found.add(
        _lengths(batch.place) > PLACE_MAX_LENGTH,
        "place",
        _("the place is longer than 200 characters"),
    )
    for name in ("description", "place"):
        found.add(holds_identity_number(getattr(batch, name)), name, identity_number_message())

    # The point decides the area; a point outside the reporter's areas keeps a named area.
    area = batch.area_id.copy()
    located = np.flatnonzero(point & in_range)
    if len(located):
        allowed = set(scope.areas) if scope.areas is not None else None
        at = locate_coordinates(lat[located], lon[located], allowed=allowed, index=index)
        area[located] = np.where(at > 0, at, area[located])
        outside = np.zeros(n, dtype=bool)
        outside[located[(at == 0) & (batch.area_id[located] == 0)]] = True
        found.add(outside, "latitude", _("the point lies outside your areas"))
    found.add((area == 0) & ~has_lat, "area", _("give an area or a point on the map"))
    if scope.areas is not None:
        allowed_areas = np.fromiter(scope.areas, dtype=np.int64, count=len(scope.areas))
        found.add(
            (area != 0) & ~np.isin(area, allowed_areas),
            "area",
            lambda row: (
                _("you cannot report in “%(area)s”")
                % {"area": batch.area_names.get(int(area[row]), str(area[row]))}
            ),
        )

    organisation = batch.organisation_id.copy()
    if scope.organisations is not None:
        if len(scope.own) == 1:
            organisation[organisation == 0] = next(iter(scope.own))
        allowed_orgs = np.fromiter(
            scope.organisations, dtype=np.int64, count=len(scope.organisations)
        )
        found.add(
            ~np.isin(organisation, allowed_orgs),
            "organisation",
            _("you can only report for an organisation you are a member of"),
        )

    external = batch.external_id
    repeated = repeated_external_ids(external) if repeated_ids is None else repeated_ids
    found.add(
        repeated,
        "external_id",
        lambda row: (
            _("the external id “%(id)s” appears twice in the file") % {"id": external[row].as_py()}
        ),
    )

    problems, bad = found.result()
    return CheckedBatch(problems, bad, area, organisation)


def _lengths(column: pa.Array) -> np.ndarray:
    return pc.utf8_length(column).to_numpy(zero_copy_only=False)


def repeated_external_ids(external_id: pa.Array) -> np.ndarray:
    """Rows whose (non-empty) external id an earlier row already gave."""
    n = len(external_id)
    repeated = np.zeros(n, dtype=bool)
    if not n:
        return repeated
    codes = pc.dictionary_encode(external_id)
    indices = codes.indices.to_numpy(zero_copy_only=False)
    _values, first = np.unique(indices, return_index=True)
    repeated[:] = True
    repeated[first] = False
    empty = pc.equal(pc.binary_length(external_id), 0).to_numpy(zero_copy_only=False)
    repeated &= ~empty
    return repeated
