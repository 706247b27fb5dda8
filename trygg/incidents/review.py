"""Reviewing incidents: a coordinator or analyst marks reports as reviewed or rejected."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from trygg.accounts.models import AnyUser
from trygg.incidents.models import Incident, Status
from trygg.incidents.permissions import REVIEW, can_incident
from trygg.incidents.rollup import months_of, refresh_rollup


def review_incidents(incidents: Iterable[Incident], status: str, user: AnyUser) -> int:
    """Set the review status of incidents the user may review; returns how many changed.

    Raises PermissionDenied if any of them is outside the user's review scope, so a tampered
    form cannot review another district's reports.
    """
    if status not in (Status.GRANSKAD, Status.AVVISAD, Status.NY):
        raise ValueError(f"not a review status: {status!r}")
    now = timezone.now()
    changed: list[Incident] = []
    for incident in incidents:
        if not can_incident(user, incident, REVIEW):
            raise PermissionDenied
        if incident.status == status:
            continue
        incident.status = status
        incident.reviewed_by = user if status != Status.NY else None  # type: ignore[assignment]
        incident.reviewed_at = now if status != Status.NY else None
        incident.updated_at = now
        changed.append(incident)
    with transaction.atomic():
        bulk_update_with_history(
            changed,
            Incident,
            ["status", "reviewed_by", "reviewed_at", "updated_at"],
            default_user=user,
        )
        refresh_rollup(months_of(i.occurred_at for i in changed))
    return len(changed)
