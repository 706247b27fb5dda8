"""Writes with rules: recording a follow-up, deciding a plan."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from trygg.accounts.models import AnyUser, User
from trygg.plans.models import ActionPlan, FollowUp, Measure, PlanStatus


@transaction.atomic
def record_follow_up(
    measure: Measure,
    *,
    on: dt.date,
    status: str,
    text: str,
    author: AnyUser | None,
    next_follow_up_on: dt.date | None,
) -> FollowUp:
    """A follow-up sets the measure's traffic light and when it is next followed up."""
    follow_up = FollowUp.objects.create(
        measure=measure,
        on=on,
        status=status,
        text=text,
        author=author if isinstance(author, User) else None,
    )
    measure.status = status
    measure.status_reason = text
    measure.next_follow_up_on = next_follow_up_on
    measure.save(update_fields=["status", "status_reason", "next_follow_up_on", "updated_at"])
    return follow_up


def _latest_sets_the_light(measure: Measure) -> None:
    """After a follow-up is corrected or removed, the newest one left gives the measure's
    traffic light and its reason again (with none left, the measure keeps what it has)."""
    latest = measure.follow_ups.order_by("-on", "-pk").first()
    if latest is None:
        return
    measure.status = latest.status
    measure.status_reason = latest.text
    measure.save(update_fields=["status", "status_reason", "updated_at"])


@transaction.atomic
def edit_follow_up(follow_up: FollowUp, *, on: dt.date, status: str, text: str) -> FollowUp:
    """Correct a follow-up (its history keeps what it said before)."""
    follow_up.on, follow_up.status, follow_up.text = on, status, text
    follow_up.save(update_fields=["on", "status", "text"])
    _latest_sets_the_light(follow_up.measure)
    return follow_up


@transaction.atomic
def delete_follow_up(follow_up: FollowUp) -> None:
    """Remove a follow-up; its history row keeps what it said."""
    measure = follow_up.measure
    follow_up.delete()
    _latest_sets_the_light(measure)


class PlanCannotBeDecided(Exception):
    """A superseded plan is not decided again: that would supersede the plan in force."""


@transaction.atomic
def decide_plan(plan: ActionPlan, *, decided_by: str, decided_at: dt.date) -> ActionPlan:
    """Mark a plan decided by ``decided_by`` on ``decided_at``; an earlier decided plan for the
    same area is superseded by it. Deciding a decided plan again corrects its decision."""
    if plan.is_superseded:
        raise PlanCannotBeDecided
    for earlier in ActionPlan.objects.superseded_by(plan):
        earlier.status = PlanStatus.ERSATT  # saved one by one, so that its history says so
        earlier.save(update_fields=["status", "updated_at"])
    plan.status = PlanStatus.BESLUTAD
    plan.decided_by = decided_by
    plan.decided_at = decided_at
    plan.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return plan
