"""Problems and measures as records a meeting's agenda item can link to (Samverkan)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser
from trygg.collaboration.links import register_link_target


def _visible_problems(user: AnyUser) -> QuerySet:
    from trygg.plans.models import Problem
    from trygg.plans.permissions import visible_plans

    return Problem.objects.filter(plan__in=visible_plans(user)).order_by("plan", "priority")


def _visible_measures(user: AnyUser) -> QuerySet:
    from trygg.plans.permissions import visible_measures

    return visible_measures(user).order_by("plan", "title")


register_link_target("plans.problem", _("Problems (action plan)"), _visible_problems)
register_link_target("plans.measure", _("Measures (action plan)"), _visible_measures)
