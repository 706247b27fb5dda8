"""The one way incidents are written: check a batch of drafts, then insert them in bulk.

Every entry point (the report form, file imports, the police feed, the REST API, Open311)
turns its input into ``IncidentDraft`` objects and calls ``record_incidents``. The checks —
category, time, area from the point, the reporter's scope and organisation, and the guard
against personal identity numbers in free text — therefore hold the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, Organisation, Role
from trygg.accounts.permissions import visible_organisations
from trygg.accounts.scope import scope_for
from trygg.incidents.models import (
    DESCRIPTION_MAX_LENGTH,
    Category,
    Incident,
    Source,
    Status,
)
from trygg.incidents.permissions import CHANGE, REVIEW, can_incident, check_incident
from trygg.incidents.review import review_incidents
from trygg.incidents.rollup import month_of, months_of, refresh_rollup
from trygg.lib.personnummer import contains_identity_number
from trygg.places.lookup import locate_many
from trygg.places.models import Area

REPORTING_ROLES = (Role.SAMORDNARE, Role.ANALYTIKER, Role.RAPPORTOR)
BATCH_SIZE = 2000
COPY_BATCH_SIZE = 20000
# Clocks differ a little between phones and the server; a report a few minutes "in the
# future" is a clock difference, not a mistake.
FUTURE_TOLERANCE = dt.timedelta(minutes=15)


@dataclass
class IncidentDraft:
    """One incident as it arrives from any source, before it is checked."""

    category: Category | None = None
    occurred_at: dt.datetime | None = None
    occurred_until: dt.datetime | None = None
    time_unknown: bool = False
    area: Area | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    description: str = ""
    organisation: Organisation | None = None
    external_id: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Problem:
    """Why a draft was refused: the line it came from (if any), the field and the reason."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line is not None else ""
        label = f"{where}, {self.field}" if where else self.field
        return f"{label}: {self.message}"


@dataclass
class RecordResult:
    created: list[Incident] = field(default_factory=list)
    already_recorded: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    # Column-wise imports write rows without model instances and only count them.
    created_total: int | None = None

    @property
    def created_count(self) -> int:
        return self.created_total if self.created_total is not None else len(self.created)


class IncidentsRefused(Exception):
    """A batch had problems and nothing was written; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


def check_text(value: str, field_name: str, line: int | None) -> list[Problem]:
    if value and contains_identity_number(value):
        return [
            Problem(
                line,
                field_name,
                _(
                    "the text contains a personal identity number (personnummer or "
                    "samordningsnummer); remove it – Trygg must not store them"
                ),
            )
        ]
    return []


def _check_one(draft: IncidentDraft, now: dt.datetime) -> list[Problem]:
    line = draft.line
    problems: list[Problem] = []
    if draft.category is None:
        problems.append(Problem(line, "category", _("a category is required")))
    elif not draft.category.is_active:
        problems.append(
            Problem(
                line,
                "category",
                _("the category “%(name)s” is no longer in use") % {"name": draft.category.name},
            )
        )
    if draft.occurred_at is None:
        problems.append(Problem(line, "occurred_at", _("the time is required")))
    else:
        if timezone.is_naive(draft.occurred_at):
            raise ValueError("IncidentDraft.occurred_at must be timezone-aware")
        if draft.occurred_at > now + FUTURE_TOLERANCE:
            problems.append(Problem(line, "occurred_at", _("the time lies in the future")))
        if draft.occurred_until is not None and draft.occurred_until < draft.occurred_at:
            problems.append(
                Problem(line, "occurred_until", _("the end time is before the start time"))
            )
    if (draft.latitude is None) != (draft.longitude is None):
        problems.append(
            Problem(line, "latitude", _("give both latitude and longitude, or neither"))
        )
    elif (
        draft.latitude is not None
        and draft.longitude is not None
        and not (-90 <= draft.latitude <= 90 and -180 <= draft.longitude <= 180)
    ):
        problems.append(
            Problem(line, "latitude", _("the coordinates are not WGS84 latitude/longitude"))
        )
    if len(draft.description) > DESCRIPTION_MAX_LENGTH:
        problems.append(
            Problem(
                line,
                "description",
                _("the description is longer than %(max)s characters")
                % {"max": DESCRIPTION_MAX_LENGTH},
            )
        )
    if len(draft.place) > 200:
        problems.append(Problem(line, "place", _("the place is longer than 200 characters")))
    problems += check_text(draft.description, "description", line)
    problems += check_text(draft.place, "place", line)
    return problems


def reporting_scope(user: AnyUser | None) -> tuple[set[int] | None, set[int] | None, set[int]]:
    """Where and for whom ``user`` may report: (area ids, organisation ids, own organisation ids).

    None for the first two means no limit (a trusted system import, or a superuser).
    """
    if user is None:
        return None, None, set()
    scope = scope_for(user)
    if scope.everything:
        return None, None, set()
    own_orgs = set(scope.organisation_ids)
    allowed_orgs = set(own_orgs)
    if scope.has_role(Role.SAMORDNARE, Role.ANALYTIKER):
        # Coordinators and analysts import partners' lists on their behalf.
        allowed_orgs |= set(visible_organisations(user).values_list("pk", flat=True))
    return scope.area_ids(REPORTING_ROLES), allowed_orgs, own_orgs


def check_drafts(
    drafts: Sequence[IncidentDraft], *, user: AnyUser | None, source: str
) -> list[Problem]:
    """Check every draft, and set ``area`` from the point where there is one.

    ``user`` is the reporter (None for trusted system imports such as the police feed run
    from the command line); their memberships decide which areas and organisations they may
    report for.
    """
    now = timezone.now()
    problems: list[Problem] = []
    allowed_areas, allowed_orgs, own_orgs = reporting_scope(user)

    for draft in drafts:
        problems += _check_one(draft, now)

    with_point = [
        d
        for d in drafts
        if d.latitude is not None
        and d.longitude is not None
        and -90 <= d.latitude <= 90
        and -180 <= d.longitude <= 180
    ]
    located = locate_many(
        [(d.latitude, d.longitude) for d in with_point],  # type: ignore[misc]
        allowed=allowed_areas,
    )
    found = Area.objects.only("id", "name", "kind").in_bulk({a for a in located if a})
    for draft, area_id in zip(with_point, located, strict=True):
        if area_id is not None:
            draft.area = found[area_id]
        elif draft.area is None:
            problems.append(Problem(draft.line, "latitude", _("the point lies outside your areas")))

    seen_ids: dict[str, int | None] = {}
    for draft in drafts:
        if draft.area is None:
            if draft.latitude is None:
                problems.append(
                    Problem(draft.line, "area", _("give an area or a point on the map"))
                )
        elif allowed_areas is not None and draft.area.pk not in allowed_areas:
            problems.append(
                Problem(
                    draft.line,
                    "area",
                    _("you cannot report in “%(area)s”") % {"area": draft.area.name},
                )
            )
        if allowed_orgs is not None:
            if draft.organisation is None and len(own_orgs) == 1:
                draft.organisation = Organisation(pk=next(iter(own_orgs)))
            if draft.organisation is None or draft.organisation.pk not in allowed_orgs:
                problems.append(
                    Problem(
                        draft.line,
                        "organisation",
                        _("you can only report for an organisation you are a member of"),
                    )
                )
        if draft.external_id:
            if draft.external_id in seen_ids:
                problems.append(
                    Problem(
                        draft.line,
                        "external_id",
                        _("the external id “%(id)s” appears twice in the file")
                        % {"id": draft.external_id},
                    )
                )
            seen_ids[draft.external_id] = draft.line
    return problems


def _existing_external_ids(source: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found.update(
            Incident.objects.filter(source=source, external_id__in=chunk).values_list(
                "external_id", flat=True
            )
        )
    return found


def _bulk_insert(incidents: list[Incident]) -> None:
    Incident.objects.bulk_create(incidents, batch_size=BATCH_SIZE)


def _copy_insert(incidents: list[Incident]) -> None:
    """Insert through PostgreSQL's COPY, an order of magnitude faster than INSERTs.

    Primary keys are drawn from the table's sequence first, so the instances end up with
    their ids just as with ``bulk_create``.
    """
    now = timezone.now()
    meta = Incident._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [meta.db_table, len(incidents)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [meta.pk, *fields])
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for incident, pk in zip(incidents, ids, strict=True):
                incident.pk = pk
                incident.created_at = incident.updated_at = now
                copy.write_row([pk, *(getattr(incident, f.attname) for f in fields)])


def record_incidents(
    drafts: Sequence[IncidentDraft],
    *,
    source: str,
    user: AnyUser | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RecordResult:
    """Check and write a batch of incidents: all or nothing unless ``skip_invalid``.

    Drafts whose external id was already recorded for the source are skipped and counted in
    ``already_recorded``, so importing the same file twice adds nothing.
    Raises IncidentsRefused when any draft has a problem and ``skip_invalid`` is off.
    """
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    problems = check_drafts(drafts, user=user, source=source)
    result = RecordResult(problems=problems)
    if problems and not skip_invalid:
        raise IncidentsRefused(problems)
    bad_lines = {p.line for p in problems}
    bad_drafts = {id(d) for d in drafts if d.line in bad_lines} if problems else set()
    if problems and None in bad_lines:
        # Problems without a line number cannot be tied to a row; refuse the batch.
        raise IncidentsRefused(problems)
    good = [d for d in drafts if id(d) not in bad_drafts]
    result.refused = len(drafts) - len(good)

    existing = _existing_external_ids(source, [d.external_id for d in good if d.external_id])
    fresh = [d for d in good if not d.external_id or d.external_id not in existing]
    result.already_recorded = len(good) - len(fresh)
    reporter = user if getattr(user, "is_authenticated", False) else None

    incidents = [
        Incident(
            category=d.category,
            occurred_at=d.occurred_at,
            occurred_until=d.occurred_until,
            time_unknown=d.time_unknown,
            area=d.area,
            latitude=d.latitude,
            longitude=d.longitude,
            place=d.place.strip(),
            description=d.description.strip(),
            organisation=d.organisation,
            reported_by=reporter,
            source=source,
            external_id=d.external_id,
            status=Status.NY,
        )
        for d in fresh
    ]
    if dry_run:
        result.created = incidents
        return result
    with transaction.atomic():
        if len(incidents) == 1:
            # A single report (form, API) is saved normally so that its history starts
            # with who created it; bulk imports skip per-row history for speed.
            incidents[0].save()
        else:
            insert = _copy_insert if connection.vendor == "postgresql" else _bulk_insert
            for start in range(0, len(incidents), COPY_BATCH_SIZE):
                insert(incidents[start : start + COPY_BATCH_SIZE])
                if progress is not None:
                    progress(min(start + COPY_BATCH_SIZE, len(incidents)), len(incidents))
        refresh_rollup(months_of(i.occurred_at for i in incidents))
    result.created = incidents
    result.written = True
    return result


# Corrections ---------------------------------------------------------------------------

EDITABLE_FIELDS = frozenset(
    {
        "category",
        "occurred_at",
        "occurred_until",
        "time_unknown",
        "area",
        "latitude",
        "longitude",
        "place",
        "description",
        "organisation",
        "external_id",
        "status",
    }
)
_RELATED_FIELDS = ("category", "area", "organisation")
# What the monthly rollup groups by; the status is refreshed by review_incidents.
ROLLUP_FIELDS = frozenset({"occurred_at", "area", "category", "organisation"})
# A problem named for one field of a group concerns the whole group: the point decides the
# area, and the end time is checked against the start.
_LINKED_FIELDS = (
    frozenset({"latitude", "longitude", "area"}),
    frozenset({"occurred_at", "occurred_until", "time_unknown"}),
)


def _stored(incident: Incident, name: str) -> object:
    if name in _RELATED_FIELDS:
        return getattr(incident, f"{name}_id")
    return getattr(incident, name)


def _comparable(name: str, value: object) -> object:
    if name in _RELATED_FIELDS:
        return getattr(value, "pk", None)
    return value


def _changes_from_draft(draft: IncidentDraft) -> dict[str, object]:
    """What a correction form's draft changes; an empty end time or external id keeps the old."""
    changes: dict[str, object] = {
        "category": draft.category,
        "occurred_at": draft.occurred_at,
        "time_unknown": draft.time_unknown,
        "area": draft.area,
        "latitude": draft.latitude,
        "longitude": draft.longitude,
        "place": draft.place,
        "description": draft.description,
        "organisation": draft.organisation,
    }
    if draft.area is None:
        # A form that gives a point leaves the area to follow from it.
        del changes["area"]
    if draft.occurred_until is not None:
        changes["occurred_until"] = draft.occurred_until
    if draft.external_id:
        changes["external_id"] = draft.external_id
    return changes


def _concerns_changes(problem: Problem, changed: set[str]) -> bool:
    if problem.field in changed:
        return True
    return any(problem.field in group and group & changed for group in _LINKED_FIELDS)


def update_incident(
    incident: Incident,
    changes: dict[str, object] | IncidentDraft,
    user: AnyUser,
) -> Incident:
    """Correct or review one incident, with the same checks as when it was reported.

    ``changes`` maps field names to new values (model instances for category, area and
    organisation), or is a draft from the correction form. Only values that differ from the
    stored ones count: changing content needs the CHANGE permission and must leave the
    incident within what the user may change; changing the status needs REVIEW and records
    the reviewer (see ``review_incidents``). A problem with a value that did not change (say,
    a category retired since) does not block correcting another.
    Raises PermissionDenied or IncidentsRefused, and then writes nothing.
    """
    if isinstance(changes, IncidentDraft):
        changes = _changes_from_draft(changes)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    changed: dict[str, object] = {}
    for name, value in changes.items():
        if name in ("place", "description", "external_id") and isinstance(value, str):
            value = value.strip()
        if _comparable(name, value) != _stored(incident, name):
            changed[name] = value
    status = changed.pop("status", None)
    if status is not None and status not in Status.values:
        raise ValueError(f"not a status: {status!r}")
    if changed:
        check_incident(user, incident, CHANGE)
    if status is not None:
        check_incident(user, incident, REVIEW)

    problems: list[Problem] = []
    if changed:
        merged = {name: changed.get(name, getattr(incident, name)) for name in EDITABLE_FIELDS}
        draft = IncidentDraft(
            category=merged["category"],  # type: ignore[arg-type]
            occurred_at=merged["occurred_at"],  # type: ignore[arg-type]
            occurred_until=merged["occurred_until"],  # type: ignore[arg-type]
            time_unknown=bool(merged["time_unknown"]),
            area=merged["area"],  # type: ignore[arg-type]
            latitude=merged["latitude"],  # type: ignore[arg-type]
            longitude=merged["longitude"],  # type: ignore[arg-type]
            place=merged["place"],  # type: ignore[arg-type]
            description=merged["description"],  # type: ignore[arg-type]
            organisation=merged["organisation"],  # type: ignore[arg-type]
            external_id=merged["external_id"],  # type: ignore[arg-type]
        )
        # Scope is checked below against what the user may change, not what they may
        # report, so that a coordinator can correct a partner's report.
        keys = set(changed)
        problems += [
            p
            for p in check_drafts([draft], user=None, source=incident.source)
            if _concerns_changes(p, keys)
        ]
        placed = keys & {"area", "latitude", "longitude"}
        if placed and draft.area is not None and draft.area.pk != incident.area_id:
            changed["area"] = draft.area
        moved = set(changed) & {"area", "latitude", "longitude", "organisation"}
        after = Incident(
            area_id=getattr(draft.area, "pk", None),
            organisation_id=getattr(draft.organisation, "pk", None),
        )
        if moved and draft.area is not None and not can_incident(user, after, CHANGE):
            if "organisation" in moved and not moved & {"area", "latitude", "longitude"}:
                problems.append(
                    Problem(
                        None,
                        "organisation",
                        _("you can only report for an organisation you are a member of"),
                    )
                )
            elif moved & {"latitude", "longitude"}:
                problems.append(Problem(None, "latitude", _("the point lies outside your areas")))
            else:
                problems.append(
                    Problem(
                        None,
                        "area",
                        _("you cannot report in “%(area)s”") % {"area": draft.area.name},
                    )
                )
        external_id = changed.get("external_id")
        if (
            external_id
            and Incident.objects.filter(source=incident.source, external_id=external_id)
            .exclude(pk=incident.pk)
            .exists()
        ):
            problems.append(
                Problem(
                    None,
                    "external_id",
                    _("the external id “%(id)s” is already used") % {"id": external_id},
                )
            )
    if problems:
        raise IncidentsRefused(problems)

    with transaction.atomic():
        if changed:
            month_before = month_of(incident.occurred_at)
            for name, value in changed.items():
                setattr(incident, name, value)
            if getattr(user, "is_authenticated", False):
                incident._history_user = user  # type: ignore[attr-defined]
            incident.save(update_fields=[*changed, "updated_at"])
            if set(changed) & ROLLUP_FIELDS:
                refresh_rollup({month_before, month_of(incident.occurred_at)})
        if status is not None:
            review_incidents([incident], str(status), user)
    return incident
