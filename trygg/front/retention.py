"""Retention of free text: ``trygg purge-text`` blanks text older than the set number of days.

What goes is what people typed: an incident's description and place, a measure's follow-up,
a citizen promise's follow-up note and a lägesbild comment. The rows stay, so counts,
categories, areas, coordinates, dates and statuses are untouched (and the incident rollups,
which count rows, need no refresh). The text is replaced by ``PURGED`` in one bulk ``UPDATE``
per table, in the rows and in their django-simple-history rows (which keep every earlier
version of the text), so the purge leaves no copy behind.

Each kind has its age: incidents, measure follow-ups and comments by when they were written
(``created_at``), promise follow-ups (which have no such field) by their done or due day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from trygg.collaboration.models import PromiseFollowUp
from trygg.incidents.models import Incident
from trygg.plans.models import FollowUp
from trygg.reports.models import Comment

# What a purged text reads (Swedish, as the text it replaces was).
PURGED = "[rensad]"


@dataclass(frozen=True)
class Kind:
    """One kind of text: its model, its text fields, its setting and how its age is read."""

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    setting: str
    older_than: Callable[[dt.datetime], Q]


def _created_before(cutoff: dt.datetime) -> Q:
    return Q(created_at__lt=cutoff)


def _promise_day_before(cutoff: dt.datetime) -> Q:
    return Q(age_day__lt=timezone.localdate(cutoff))


KINDS = (
    Kind(
        "incidents",
        Incident,
        ("description", "place"),
        "TRYGG_INCIDENT_TEXT_RETENTION_DAYS",
        _created_before,
    ),
    Kind(
        "measure-follow-ups",
        FollowUp,
        ("text",),
        "TRYGG_FOLLOW_UP_TEXT_RETENTION_DAYS",
        _created_before,
    ),
    Kind(
        "promise-follow-ups",
        PromiseFollowUp,
        ("note",),
        "TRYGG_FOLLOW_UP_TEXT_RETENTION_DAYS",
        _promise_day_before,
    ),
    Kind("comments", Comment, ("text",), "TRYGG_COMMENT_TEXT_RETENTION_DAYS", _created_before),
)


@dataclass(frozen=True)
class Purged:
    """How many rows of one kind had text purged (or would have, on a dry run)."""

    kind: str
    days: int
    rows: int
    history_rows: int


def _with_text(fields: tuple[str, ...]) -> Q:
    """Rows where any of ``fields`` still holds text (neither empty nor already purged)."""
    condition = Q()
    for field in fields:
        condition |= ~Q(**{field: ""}) & ~Q(**{field: PURGED})
    return condition


def _old(
    queryset: models.QuerySet[models.Model], kind: Kind, cutoff: dt.datetime
) -> models.QuerySet[models.Model]:
    """The rows of ``queryset`` older than ``cutoff`` that still hold text."""
    if kind.model is PromiseFollowUp:
        queryset = queryset.annotate(age_day=Coalesce("done_on", "due_on"))
    return queryset.filter(kind.older_than(cutoff)).filter(_with_text(kind.fields))


def _blanked(kind: Kind) -> dict[str, models.Expression | F]:
    """The UPDATE's assignments: the marker in every field that has text, "" stays ""."""
    return {
        field: models.Case(
            models.When(**{field: ""}, then=models.Value("")),
            default=models.Value(PURGED),
        )
        for field in kind.fields
    }


def purge_kind(kind: Kind, days: int, *, now: dt.datetime, dry_run: bool = False) -> Purged:
    """Purge one kind's text older than ``days`` days before ``now``, rows and history."""
    if days <= 0:
        return Purged(kind.name, days, 0, 0)
    cutoff = now - dt.timedelta(days=days)
    rows = _old(kind.model._default_manager.all(), kind, cutoff)
    history_model: type[models.Model] = kind.model.history.model  # type: ignore[attr-defined]
    # Every history row of a purged row, whatever its own date, and the old history rows of
    # rows deleted since (which the first part cannot find).
    history = history_model._default_manager.filter(
        Q(id__in=rows.values("pk"))
        | Q(pk__in=_old(history_model._default_manager.all(), kind, cutoff).values("pk"))
    ).filter(_with_text(kind.fields))
    if dry_run:
        return Purged(kind.name, days, rows.count(), history.count())
    with transaction.atomic():
        # History first: which history rows go is read from the rows that still have text.
        history_count = history.update(**_blanked(kind))
        assignments = _blanked(kind)
        if kind.model is Incident:
            # The version is the incident's ETag: a client holding the old text must not be
            # able to write it back with a stale If-Match.
            assignments["version"] = F("version") + 1
        row_count = kind.model._default_manager.filter(pk__in=rows.values("pk")).update(
            **assignments
        )
    return Purged(kind.name, days, row_count, history_count)


def purge_text(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[Purged]:
    """Purge every kind by its setting (0: kept); one ``Purged`` per kind."""
    moment = now or timezone.now()
    return [
        purge_kind(kind, getattr(settings, kind.setting), now=moment, dry_run=dry_run)
        for kind in KINDS
    ]
