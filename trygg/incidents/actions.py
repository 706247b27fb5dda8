"""The named writes of incidents: record a batch, correct one, review some.

Every entry point that creates incidents from drafts (the report form, the REST API, Open311,
the police feed, the demo) turns its input into ``IncidentDraft`` objects and calls
``record_incidents``; CSV/XLSX files go column-wise through ``trygg.incidents.imports``.
Both check with ``trygg.incidents.rules.check_batch``, and every write here and there ends by
calling ``rollup.incidents_written`` in its transaction. A correction (``update_incident``) and
a review (``review_incidents``) lock the rows they change first and compare against what the
database holds then, so two people editing one incident at once cannot leave counts or history
that neither of them wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from trygg.accounts.models import AnyUser, Organisation, User
from trygg.incidents.models import (
    COUNTED_STATUSES,
    Category,
    Incident,
    KeptApart,
    Source,
    Status,
)
from trygg.incidents.permissions import CHANGE, REVIEW, can_incident, check_incident
from trygg.incidents.rollup import incidents_written
from trygg.incidents.rules import (
    FUTURE_TOLERANCE,
    REPORTING_ROLES,
    IncidentBatch,
    ReportingScope,
    check_batch,
)
from trygg.lib.imports import Problem, RowsRefused
from trygg.lib.periods import month_of, months_of
from trygg.lib.versioning import check_version
from trygg.places.models import Area

__all__ = [
    "FUTURE_TOLERANCE",
    "REPORTING_ROLES",
    "IncidentDraft",
    "IncidentsRefused",
    "Problem",
    "RecordResult",
    "changes_since",
    "keep_apart",
    "merge_incidents",
    "record_incidents",
    "review_incidents",
    "update_incident",
]

BATCH_SIZE = 2000
COPY_BATCH_SIZE = 20000


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


@dataclass
class RecordResult:
    created: list[Incident] = field(default_factory=list)
    already_recorded: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    # File imports write rows without model instances and only count them.
    created_total: int | None = None

    @property
    def created_count(self) -> int:
        return self.created_total if self.created_total is not None else len(self.created)


class IncidentsRefused(RowsRefused):
    """A batch had problems and nothing was written; ``problems`` lists them all."""


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
        # Concrete fields have a column; the condition says so to the type checker.
        columns = ", ".join(
            connection.ops.quote_name(f.column) for f in [meta.pk, *fields] if f.column
        )
        # COPY runs on the driver's cursor: its errors are made Django's, as for any query.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for incident, pk in zip(incidents, ids, strict=True):
                incident.pk = pk
                incident.created_at = incident.updated_at = now
                copy.write_row([pk, *(getattr(incident, f.attname) for f in fields)])


def _insert_unless_recorded(incident: Incident) -> bool:
    """Save a new incident; False if its external id was recorded meanwhile for its source.

    The insert runs in a savepoint, so losing the race on the unique (source, external id)
    constraint rolls back only the insert: the caller's transaction goes on, and on
    PostgreSQL the winner's row, committed before the constraint let us fail, can be read.
    """
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        incident.pk = None
        if incident.external_id and _existing_external_ids(incident.source, [incident.external_id]):
            return False
        raise
    return True


# A batch that loses a race on external ids is written again without the ids recorded
# meanwhile; this many times before the conflict is left to the caller.
_BATCH_ATTEMPTS = 3


def _insert_batch_unless_recorded(
    incidents: list[Incident], progress: Callable[[int, int], None] | None
) -> list[Incident]:
    """Insert a batch (COPY on PostgreSQL); returns the incidents written.

    As ``_insert_unless_recorded`` for batches: if a concurrent writer recorded some of the
    external ids after they were looked up, the savepoint is rolled back and the batch is
    written again without them.
    """
    insert = _copy_insert if connection.vendor == "postgresql" else _bulk_insert
    for attempt in range(_BATCH_ATTEMPTS):
        try:
            with transaction.atomic():
                for start in range(0, len(incidents), COPY_BATCH_SIZE):
                    insert(incidents[start : start + COPY_BATCH_SIZE])
                    if progress is not None:
                        progress(min(start + COPY_BATCH_SIZE, len(incidents)), len(incidents))
            return incidents
        except IntegrityError:
            for incident in incidents:
                incident.pk = None
            by_source: dict[str, list[str]] = {}
            for incident in incidents:
                if incident.external_id:
                    by_source.setdefault(incident.source, []).append(incident.external_id)
            taken = {
                (source, external_id)
                for source, ids in by_source.items()
                for external_id in _existing_external_ids(source, ids)
            }
            if not taken or attempt == _BATCH_ATTEMPTS - 1:
                raise
            incidents = [i for i in incidents if (i.source, i.external_id) not in taken]
    return incidents


def _reporter(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


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

    ``user`` is the reporter (None for trusted system imports such as the police feed run
    from the command line); their memberships decide which areas and organisations they may
    report for. Drafts whose external id was already recorded for the source are skipped and
    counted in ``already_recorded``, so importing the same feed twice adds nothing.
    Raises IncidentsRefused when any draft has a problem and ``skip_invalid`` is off.
    """
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    batch = IncidentBatch.from_drafts(drafts)
    checked = check_batch(batch, ReportingScope.of(user), now=timezone.now())
    result = RecordResult(problems=checked.problems)
    if checked.problems and not skip_invalid:
        raise IncidentsRefused(checked.problems)
    good = [row for row in range(len(drafts)) if not checked.bad[row]]
    result.refused = len(drafts) - len(good)

    existing = _existing_external_ids(
        source, [drafts[row].external_id for row in good if drafts[row].external_id]
    )
    fresh = [row for row in good if drafts[row].external_id not in existing]
    result.already_recorded = len(good) - len(fresh)
    reporter = _reporter(user)
    incidents = [
        _incident(
            drafts[row],
            checked.written_area(row),
            checked.written_organisation(row),
            reporter,
            source,
        )
        for row in fresh
    ]
    if dry_run:
        result.created = incidents
        return result
    with transaction.atomic():
        if len(incidents) == 1:
            # A single report (form, API) is saved normally so that its history starts
            # with who created it; batches skip per-row history for speed.
            if not _insert_unless_recorded(incidents[0]):
                # A concurrent request recorded the same external id first: the same
                # answer as if it had been there when we looked.
                result.already_recorded += 1
                incidents = []
        else:
            before = len(incidents)
            incidents = _insert_batch_unless_recorded(incidents, progress)
            result.already_recorded += before - len(incidents)
        incidents_written(months_of(i.occurred_at for i in incidents))
    result.created = incidents
    result.written = True
    return result


def _incident(
    draft: IncidentDraft,
    area_id: int | None,
    organisation_id: int | None,
    reporter: User | None,
    source: str,
) -> Incident:
    # check_batch refuses a draft without a time or an area: every good row has both.
    assert draft.occurred_at is not None and area_id is not None
    incident = Incident(
        category=draft.category,
        occurred_at=draft.occurred_at,
        occurred_until=draft.occurred_until,
        time_unknown=draft.time_unknown,
        area_id=area_id,
        latitude=draft.latitude,
        longitude=draft.longitude,
        place=draft.place.strip(),
        description=draft.description.strip(),
        organisation_id=organisation_id,
        reported_by=reporter,
        source=source,
        external_id=draft.external_id,
        status=Status.NY,
    )
    # The instances the draft carried, where the checks kept them (saves a query per use).
    if draft.area is not None and draft.area.pk == area_id:
        incident.area = draft.area
    if draft.organisation is not None and draft.organisation.pk == organisation_id:
        incident.organisation = draft.organisation
    return incident


# Corrections ---------------------------------------------------------------------------

EDITABLE_FIELDS = (
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
)
_RELATED_FIELDS = ("category", "area", "organisation")
# What the monthly rollups group by; the status is refreshed by review_incidents.
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


def _changed_fields(incident: Incident, changes: dict[str, object]) -> dict[str, object]:
    """The changes whose values differ from the stored ones."""
    changed: dict[str, object] = {}
    for name, value in changes.items():
        if name in ("place", "description", "external_id") and isinstance(value, str):
            value = value.strip()
        if _comparable(name, value) != _stored(incident, name):
            changed[name] = value
    return changed


def _cleared_problems(
    incident: Incident, changed: dict[str, object], found: list[Problem]
) -> list[Problem]:
    """What a correction may not empty: the area (unless a new point places the incident)
    and the reporting organisation once the incident has one (pages, counts by organisation
    and the reporters' scope rely on it). Fields with a problem already are left alone."""
    named = {problem.field for problem in found}
    point = ("latitude", "longitude")
    new_point = bool(set(point) & set(changed)) and all(
        changed.get(name, getattr(incident, name)) is not None for name in point
    )
    problems = []
    if "area" in changed and changed["area"] is None and not new_point and "area" not in named:
        message = _("the area cannot be emptied; choose another area or move the point")
        problems.append(Problem(None, "area", message))
    if (
        "organisation" in changed
        and changed["organisation"] is None
        and incident.organisation_id is not None
        and "organisation" not in named
    ):
        message = _("the reporting organisation cannot be emptied")
        problems.append(Problem(None, "organisation", message))
    return problems


def _correction_problems(
    incident: Incident, changed: dict[str, object], user: AnyUser
) -> tuple[list[Problem], int | None]:
    """What is wrong with the incident as the changes would leave it, limited to what they
    touch, and the area it would then lie in."""
    merged: dict[str, Any] = {
        name: changed[name] if name in changed else getattr(incident, name)
        for name in EDITABLE_FIELDS
        if name != "status"
    }
    draft = IncidentDraft(**merged)
    # Scope is checked below against what the user may change, not what they may report,
    # so that a coordinator can correct a partner's report.
    checked = check_batch(IncidentBatch.from_drafts([draft]), ReportingScope(), now=timezone.now())
    keys = set(changed)
    problems = [p for p in checked.problems if _concerns_changes(p, keys)]
    problems += _cleared_problems(incident, changed, problems)
    area_id = checked.written_area(0)
    moved = keys & {"area", "latitude", "longitude", "organisation"}
    if (
        moved
        and area_id is not None
        and not can_incident(
            user,
            Incident(area_id=area_id, organisation_id=checked.written_organisation(0)),
            CHANGE,
        )
    ):
        if "organisation" in moved and not moved & {"area", "latitude", "longitude"}:
            message = _("you can only report for an organisation you are a member of")
            problems.append(Problem(None, "organisation", message))
        elif moved & {"latitude", "longitude"}:
            problems.append(Problem(None, "latitude", _("the point lies outside your areas")))
        else:
            name = Area.objects.filter(pk=area_id).values_list("name", flat=True).first()
            problems.append(
                Problem(None, "area", _("you cannot report in “%(area)s”") % {"area": name})
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
    return problems, area_id


def update_incident(
    incident: Incident,
    changes: dict[str, object] | IncidentDraft,
    user: AnyUser,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Correct or review one incident, with the same checks as when it was reported.

    ``changes`` maps field names to new values (model instances for category, area and
    organisation), or is a draft from the correction form. The incident's row is locked first
    and only values that differ from what it then holds count: changing content needs the
    CHANGE permission and must leave the incident within what the user may change; changing
    the status needs REVIEW and records the reviewer (see ``review_incidents``). A problem with
    a value that did not change (say, a category retired since) does not block correcting
    another. With ``expected_version`` (the version the editor read), a row that has another
    version by the time it is locked raises StaleVersion. Raises PermissionDenied,
    IncidentsRefused or StaleVersion, and then writes nothing. Every write raises the version
    by one. Returns the incident as stored (``incident`` itself, refreshed).
    """
    if isinstance(changes, IncidentDraft):
        changes = _changes_from_draft(changes)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    status = changes.get("status")
    if status is not None and status not in Status.values:
        raise ValueError(f"not a status: {status!r}")
    with transaction.atomic():
        stored = (
            Incident.objects.select_related("category", "area", "organisation")
            .select_for_update(of=("self",))
            .get(pk=incident.pk)
        )
        check_version(stored.version, expected_version)
        changed = _changed_fields(stored, changes)
        status = changed.pop("status", None)
        if changed:
            check_incident(user, stored, CHANGE)
        if status is not None:
            check_incident(user, stored, REVIEW)
        if changed:
            problems, area_id = _correction_problems(stored, changed, user)
            if problems:
                raise IncidentsRefused(problems)
            placed = bool({"area", "latitude", "longitude"} & set(changed))
            changed.pop("area", None)  # the area is the one the checks placed it in
            month_before = month_of(stored.occurred_at)
            for name, value in changed.items():
                setattr(stored, name, value)
            written = set(changed)
            if placed and area_id is not None and area_id != stored.area_id:
                stored.area_id = area_id
                written.add("area")
            if getattr(user, "is_authenticated", False):
                # simple_history reads this attribute, which no model declares.
                stored._history_user = user  # type: ignore[attr-defined]
            stored.version += 1
            stored.save(update_fields=[*sorted(written), "updated_at", "version"])
            if written & ROLLUP_FIELDS:
                incidents_written({month_before, month_of(stored.occurred_at)})
        if status is not None:
            review_incidents([stored], str(status), user)
        # Read back before committing, so the caller answers with what this write stored and
        # not with a concurrent writer's row that committed right after it.
        incident.refresh_from_db()
    return incident


def _shown(incident: object, name: str) -> str:
    value = getattr(incident, name)
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    display = getattr(incident, f"get_{name}_display", None)
    return str(display() if display is not None else value)


# What a reader of a conflict is shown, in the order of the form.
_SHOWN_FIELDS = (*EDITABLE_FIELDS, "reviewed_by")


def changes_since(incident: Incident, version: int) -> list[tuple[str, str, str]]:
    """What changed in the incident since ``version``: (field, then, now) as shown to people.

    The history row saved at that version holds what the editor saw; an incident imported
    without history has no such row, and then every field is listed with its value now and
    “unknown” before.
    """
    then = incident.history.filter(version=version).order_by("-history_date").first()
    changes = []
    for name in _SHOWN_FIELDS:
        field = Incident._meta.get_field(name)
        label = str(getattr(field, "verbose_name", name))
        now = _shown(incident, name)
        before = _shown(then, name) if then is not None else _("unknown")
        if before != now:
            changes.append((label, before, now))
    return changes


# Review --------------------------------------------------------------------------------

REVIEW_STATUSES = (Status.GRANSKAD, Status.AVVISAD, Status.NY)


def review_incidents(incidents: Iterable[Incident], status: str, user: AnyUser) -> int:
    """Set the review status of incidents the user may review; returns how many changed.

    The rows are locked and compared as stored, so a concurrent review or correction is not
    overwritten with a stale copy. Raises PermissionDenied if any of them is outside the
    user's review scope, so a tampered form cannot review another district's reports.
    """
    if status not in REVIEW_STATUSES:
        raise ValueError(f"not a review status: {status!r}")
    ids = sorted({incident.pk for incident in incidents})
    now = timezone.now()
    with transaction.atomic():
        stored = list(Incident.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        changed: list[Incident] = []
        for incident in stored:
            if not can_incident(user, incident, REVIEW):
                raise PermissionDenied
            if incident.status == status:
                continue
            # Reviewed again, a merged report is on its own again (un-merged).
            _set_status(incident, status, user, now, duplicate_of=None)
            changed.append(incident)
        _save_statuses(changed, user)
    return len(changed)


def _set_status(
    incident: Incident,
    status: str,
    user: AnyUser,
    now: dt.datetime,
    *,
    duplicate_of: Incident | None,
) -> None:
    """A review's fields on a locked row: who reviewed (none when back to new), when, and a
    new version."""
    incident.status = status
    incident.duplicate_of = duplicate_of
    # can_incident lets no anonymous user review.
    reviewed = status != Status.NY
    incident.reviewed_by = user if reviewed and isinstance(user, User) else None
    incident.reviewed_at = now if reviewed else None
    incident.updated_at = now
    incident.version += 1


def _save_statuses(changed: list[Incident], user: AnyUser) -> None:
    """Write reviewed rows with their history, and the rollups of their months."""
    bulk_update_with_history(
        changed,
        Incident,
        ["status", "duplicate_of", "reviewed_by", "reviewed_at", "updated_at", "version"],
        default_user=user,
    )
    incidents_written(months_of(i.occurred_at for i in changed))


# Duplicates ----------------------------------------------------------------------------


def merge_incidents(kept: Incident, duplicates: Iterable[Incident], user: AnyUser) -> int:
    """Merge other reports of one event into the report that is kept; returns how many.

    The duplicates get the status “merged” and a link to ``kept`` (``duplicate_of``), so the
    event counts once; reports merged into a duplicate before follow it to ``kept``. The kept
    report must be counted (new or reviewed), the duplicates counted or merged. All rows are
    locked first; raises PermissionDenied unless the user may review every one of them, and
    IncidentsRefused (writing nothing) for a report that cannot take part.
    """
    others = sorted({incident.pk for incident in duplicates} - {kept.pk})
    if not others:
        raise ValueError("nothing to merge")
    now = timezone.now()
    with transaction.atomic():
        rows = Incident.objects.select_for_update().filter(pk__in=[kept.pk, *others])
        stored = {incident.pk: incident for incident in rows.order_by("pk")}
        followers = list(
            Incident.objects.select_for_update()
            .filter(duplicate_of__in=others)
            .exclude(pk__in=stored)
            .order_by("pk")
        )
        if len(stored) != len(others) + 1:
            raise Incident.DoesNotExist("an incident to merge is gone")
        for incident in [*stored.values(), *followers]:
            if not can_incident(user, incident, REVIEW):
                raise PermissionDenied
        keep = stored[kept.pk]
        problems = []
        if keep.status not in COUNTED_STATUSES:
            problems.append(
                Problem(
                    None,
                    "status",
                    _("%(ref)s is rejected or merged and cannot be the report that is kept")
                    % {"ref": keep.reference},
                )
            )
        for pk in others:
            if stored[pk].status == Status.AVVISAD:
                problems.append(
                    Problem(
                        None,
                        "status",
                        _("%(ref)s is rejected; a rejected report is not merged")
                        % {"ref": stored[pk].reference},
                    )
                )
        if problems:
            raise IncidentsRefused(problems)
        changed = []
        for incident in [*(stored[pk] for pk in others), *followers]:
            _set_status(incident, Status.SAMMANSLAGEN, user, now, duplicate_of=keep)
            changed.append(incident)
        _save_statuses(changed, user)
    return len(changed)


def keep_apart(incidents: Iterable[Incident], user: AnyUser) -> int:
    """Record that these reports are different events, so no pair of them is offered as a
    possible duplicate again; returns how many pairs were new. Raises PermissionDenied
    unless the user may review every one of them."""
    stored = list(Incident.objects.filter(pk__in={incident.pk for incident in incidents}))
    for incident in stored:
        if not can_incident(user, incident, REVIEW):
            raise PermissionDenied
    ids = sorted(incident.pk for incident in stored)
    pairs = [(a, b) for index, a in enumerate(ids) for b in ids[index + 1 :]]
    decided_by = user if isinstance(user, User) else None
    with transaction.atomic():
        known = set(
            KeptApart.objects.filter(first_id__in=ids, second_id__in=ids).values_list(
                "first_id", "second_id"
            )
        )
        new = [
            KeptApart(first_id=a, second_id=b, decided_by=decided_by)
            for a, b in pairs
            if (a, b) not in known
        ]
        KeptApart.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
