"""Who may see and change action plans, their problems, causes, measures and follow-ups.

A plan belongs to an area. Every member whose roles reach the area reads it, and so do members
of the areas below it (a district's plan is context for each neighbourhood). Coordinators of
the plan's area change the plan and everything in it. Members of a measure's responsible
organisation may also add follow-ups to that measure.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.places.models import Area
from trygg.plans.models import ActionPlan, ActionPlanQuerySet, Measure, MeasureQuerySet

VIEW = "view"
CHANGE = "change"
MANAGERS = (Role.SAMORDNARE,)


def readable_area_ids(user: object) -> set[int] | None:
    """Areas whose plans the user reads: their own subtrees and the areas above; None = all."""
    scope = scope_for(user)
    if scope.everything:
        return None
    if not scope.roots:
        return set()
    return scope.area_ids() | scope.context_area_ids()


def can_use_plans(user: object) -> bool:
    """Whether the Åtgärdsplan section is open to the user at all."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roots)


def can_add_plan(user: object) -> bool:
    return scope_for(user).has_role(*MANAGERS)


def manageable_areas(user: object) -> QuerySet[Area]:
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.area_ids(MANAGERS))


def visible_plans(user: object) -> ActionPlanQuerySet:
    ids = readable_area_ids(user)
    if ids is None:
        return ActionPlan.objects.all()
    return ActionPlan.objects.filter(area__in=ids)


def visible_measures(user: object) -> MeasureQuerySet:
    ids = readable_area_ids(user)
    if ids is None:
        return Measure.objects.all()
    return Measure.objects.filter(plan__area__in=ids)


def can_plan(user: object, plan: ActionPlan, action: str = VIEW) -> bool:
    if action == VIEW:
        ids = readable_area_ids(user)
        return ids is None or plan.area_id in ids
    return scope_for(user).covers(plan.area_id, MANAGERS)


def check_plan(user: object, plan: ActionPlan, action: str = VIEW) -> None:
    if not can_plan(user, plan, action):
        raise PermissionDenied


def can_follow_up(user: object, measure: Measure) -> bool:
    """Coordinators of the plan, and members of the responsible organisation who read it."""
    if can_plan(user, measure.plan, CHANGE):
        return True
    scope = scope_for(user)
    return measure.responsible_organisation_id in scope.organisation_ids and can_plan(
        user, measure.plan
    )


def check_follow_up(user: object, measure: Measure) -> None:
    if not can_follow_up(user, measure):
        raise PermissionDenied
