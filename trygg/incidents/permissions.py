"""Who may see and change categories and incidents.

The taxonomy is shared by the whole installation: everyone with a membership reads it,
coordinators edit it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.rules import CHANGE, MANAGERS, VIEW, AreaRule, Grant, is_member
from trygg.accounts.scope import scope_for
from trygg.incidents.models import Category, CategoryQuerySet, ImportJob, Incident


def visible_categories(user: AnyUser) -> CategoryQuerySet:
    if is_member(user):
        return Category.objects.all()
    return Category.objects.none()


def can_category(user: AnyUser, action: str = VIEW) -> bool:
    if action == VIEW:
        return is_member(user)
    return scope_for(user).has_role(*MANAGERS)


def check_category(user: AnyUser, action: str = VIEW) -> None:
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

OWN_REPORTS = Grant([Role.RAPPORTOR], own_organisation="organisation")
INCIDENTS = AreaRule(
    Incident.objects.all(),
    area="area",
    actions={
        VIEW: (Grant(SEE_ALL), OWN_REPORTS),
        CHANGE: (Grant(MANAGERS), OWN_REPORTS),
        REVIEW: (Grant(REVIEWERS),),
    },
)
visible_incidents = INCIDENTS.visible
can_incident = INCIDENTS.can
check_incident = INCIDENTS.check


def can_report(user: AnyUser) -> bool:
    return scope_for(user).has_role(*REPORTERS)


def can_review(user: AnyUser) -> bool:
    return scope_for(user).has_role(*REVIEWERS)


# Import jobs ---------------------------------------------------------------------------

IMPORTERS = (Role.SAMORDNARE, Role.ANALYTIKER)


def can_import(user: AnyUser) -> bool:
    """Coordinators and analysts import files of incidents."""
    return scope_for(user).has_role(*IMPORTERS)


# The job's owner sees it, and so do the coordinators of its organisation's area.
IMPORT_JOBS = AreaRule(
    ImportJob.objects.all(),
    area="organisation__area",
    actions={VIEW: (Grant(roles=None, own_user="user"), Grant(MANAGERS))},
)
visible_import_jobs = IMPORT_JOBS.visible


def can_import_job(user: AnyUser, job: ImportJob) -> bool:
    return IMPORT_JOBS.can(user, job)


def check_import_job(user: AnyUser, job: ImportJob) -> None:
    IMPORT_JOBS.check(user, job)
