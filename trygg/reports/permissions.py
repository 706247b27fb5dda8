"""Who may read, write, comment on and approve a lägesbild.

Members whose roles reach the report's area (or an area below it or above it) read it and,
while it is out for comments, comment on it. Coordinators and analysts of the area write the
draft; only coordinators submit it, approve it and start new versions. The rule is a
``trygg.accounts.rules.AreaRule``.
"""

from __future__ import annotations

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.rules import CHANGE, READERS, VIEW, AreaRule, Grant, is_member
from trygg.accounts.scope import scope_for
from trygg.reports.models import SituationReport

COMMENT = "comment"
APPROVE = "approve"

WRITERS = (Role.SAMORDNARE, Role.ANALYTIKER)
APPROVERS = (Role.SAMORDNARE,)

can_read_reports = is_member


def can_add(user: AnyUser) -> bool:
    return scope_for(user).has_role(*APPROVERS)


REPORTS = AreaRule(
    SituationReport.objects.all(),
    area="area",
    actions={
        VIEW: (READERS,),
        COMMENT: (READERS,),
        CHANGE: (Grant(WRITERS),),
        APPROVE: (Grant(APPROVERS),),
    },
)
visible_reports = REPORTS.visible
can_report = REPORTS.can
check_report = REPORTS.check
