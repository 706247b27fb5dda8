"""``{% overdue_measures %}``: the measures whose follow-up is overdue, for Översikt."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from trygg.plans.permissions import can_use_plans, visible_measures

register = template.Library()


@register.inclusion_tag("plans/_overdue_measures.html", takes_context=True)
def overdue_measures(context: dict[str, Any], limit: int = 8) -> dict[str, Any]:
    request = context["request"]
    if not can_use_plans(request.user):
        return {"show": False}
    overdue = (
        visible_measures(request.user)
        .follow_up_overdue(timezone.localdate())
        .select_related("plan", "responsible_organisation")
        .order_by("next_follow_up_on")
    )
    return {"show": True, "measures": overdue[:limit]}
