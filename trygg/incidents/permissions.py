"""Who may see and change categories and incidents.

The taxonomy is shared by the whole installation: everyone with a membership reads it,
coordinators edit it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.incidents.models import (
    Category,
    CategoryQuerySet,
    ImportJob,
    Incident,
    IncidentQuerySet,
)

VIEW = "view"
CHANGE = "change"


def visible_categories(user: object) -> CategoryQuerySet:
    scope = scope_for(user)
    if scope.everything or scope.roots:
        return Category.objects.all()
    return Category.objects.none()


def can_category(user: object, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if action == VIEW:
        return scope.everything or bool(scope.roots)
    return scope.has_role(Role.SAMORDNARE)


def check_category(user: object, action: str = VIEW) -> None:
    if not can_category(user, action):
        raise PermissionDenied


# Incidents -----------------------------------------------------------------------------
#
# Coordinators and analysts see every incident in their areas; a reporter sees and corrects
# their own organisation's reports; council members read aggregates, not single reports.

SEE_ALL = (Role.SAMORDNARE, Role.ANALYTIKER)
REPORTERS = (Role.SAMORDNARE, Role.ANALYTIKER, Role.RAPPORTOR)
REVIEWERS = (Role.SAMORDNARE, Role.ANALYTIKER)
REVIEW = "review"


def visible_incidents(user: object) -> IncidentQuerySet:
    scope = scope_for(user)
    if scope.everything:
        return Incident.objects.all()
    return Incident.objects.filter(
        Q(area__in=scope.area_ids(SEE_ALL))
        | Q(area__in=scope.area_ids([Role.RAPPORTOR]), organisation__in=scope.organisation_ids)
    )


def can_report(user: object) -> bool:
    return scope_for(user).has_role(*REPORTERS)


def can_review(user: object) -> bool:
    return scope_for(user).has_role(*REVIEWERS)


def can_incident(user: object, incident: Incident, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if action == REVIEW:
        return scope.covers(incident.area_id, REVIEWERS)
    own = incident.organisation_id in scope.organisation_ids and scope.covers(
        incident.area_id, [Role.RAPPORTOR]
    )
    if action == VIEW:
        return own or scope.covers(incident.area_id, SEE_ALL)
    return own or scope.covers(incident.area_id, [Role.SAMORDNARE])


def check_incident(user: object, incident: Incident, action: str = VIEW) -> None:
    if not can_incident(user, incident, action):
        raise PermissionDenied


# Import jobs ---------------------------------------------------------------------------

IMPORTERS = (Role.SAMORDNARE, Role.ANALYTIKER)


def can_import(user: object) -> bool:
    """Coordinators and analysts import files of incidents."""
    return scope_for(user).has_role(*IMPORTERS)


def can_import_job(user: object, job: ImportJob) -> bool:
    """The job's owner sees it, and so do the coordinators of its organisation's area."""
    if getattr(user, "pk", None) == job.user_id:
        return True
    scope = scope_for(user)
    if scope.everything:
        return True
    area_id = job.organisation.area_id if job.organisation is not None else None
    return area_id is not None and scope.covers(area_id, [Role.SAMORDNARE])


def check_import_job(user: object, job: ImportJob) -> None:
    if not can_import_job(user, job):
        raise PermissionDenied
