"""Who may see and change action plans, their problems, causes, measures and follow-ups.

A plan belongs to an area. Every member whose roles reach the area reads it, and so do members
of the areas below it (a district's plan is context for each neighbourhood). Coordinators of
the plan's area change the plan and everything in it. Members of a measure's responsible
organisation may also add follow-ups to that measure. The rules are
``trygg.accounts.rules.AreaRule``s.
"""

from __future__ import annotations

from trygg.accounts.models import AnyUser
from trygg.accounts.rules import AREA_RECORD, COORDINATORS, MANAGERS, AreaRule, Grant, is_member
from trygg.accounts.rules import CHANGE as CHANGE  # callers ask can_plan(user, plan, CHANGE)
from trygg.accounts.scope import scope_for
from trygg.plans.models import ActionPlan, FollowUp, Measure

FOLLOW_UP = "follow_up"

# Whether the Åtgärdsplan section is open to the user at all.
can_use_plans = is_member


def can_add_plan(user: AnyUser) -> bool:
    return scope_for(user).has_role(*MANAGERS)


PLANS = AreaRule(ActionPlan.objects.all(), area="area", actions=AREA_RECORD)
visible_plans = PLANS.visible
can_plan = PLANS.can
check_plan = PLANS.check

# A measure follows its plan; members of its responsible organisation who read the plan may
# add follow-ups too.
MEASURES = AreaRule(
    Measure.objects.all(),
    area="plan__area",
    actions={
        **AREA_RECORD,
        FOLLOW_UP: (COORDINATORS, Grant(context=True, own_organisation="responsible_organisation")),
    },
)
visible_measures = MEASURES.visible


def can_follow_up(user: AnyUser, measure: Measure) -> bool:
    """Coordinators of the plan, and members of the responsible organisation who read it."""
    return MEASURES.can(user, measure, FOLLOW_UP)


def check_follow_up(user: AnyUser, measure: Measure) -> None:
    MEASURES.check(user, measure, FOLLOW_UP)


def can_manage_follow_up(user: AnyUser, follow_up: FollowUp) -> bool:
    """Its author (while still allowed to follow the measure up) and the plan's coordinators
    correct or remove a follow-up."""
    measure = follow_up.measure
    if can_plan(user, measure.plan, CHANGE):
        return True
    return (
        follow_up.author_id is not None
        and follow_up.author_id == user.pk
        and (can_follow_up(user, measure))
    )
