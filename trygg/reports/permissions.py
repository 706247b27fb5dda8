"""Who may read, write, comment on and approve a lägesbild.

Members whose roles reach the report's area (or an area below it or above it) read it and,
while it is out for comments, comment on it. Coordinators and analysts of the area write the
draft; only coordinators submit it, approve it and start new versions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.collaboration.permissions import readable_area_ids
from trygg.reports.models import SituationReport

VIEW = "view"
COMMENT = "comment"
CHANGE = "change"
APPROVE = "approve"

WRITERS = (Role.SAMORDNARE, Role.ANALYTIKER)
APPROVERS = (Role.SAMORDNARE,)


def visible_reports(user: object) -> QuerySet[SituationReport]:
    ids = readable_area_ids(user)
    if ids is None:
        return SituationReport.objects.all()
    return SituationReport.objects.filter(area__in=ids)


def can_read_reports(user: object) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roots)


def can_add(user: object) -> bool:
    return scope_for(user).has_role(*APPROVERS)


def can_report(user: object, report: SituationReport, action: str = VIEW) -> bool:
    scope = scope_for(user)
    ids = readable_area_ids(user)
    readable = ids is None or report.area_id in ids
    if action in (VIEW, COMMENT):
        return readable
    if action == CHANGE:
        return scope.covers(report.area_id, WRITERS)
    if action == APPROVE:
        return scope.covers(report.area_id, APPROVERS)
    raise ValueError(action)


def check_report(user: object, report: SituationReport, action: str = VIEW) -> None:
    if not can_report(user, report, action):
        raise PermissionDenied
