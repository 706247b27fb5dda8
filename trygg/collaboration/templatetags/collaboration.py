"""``{% upcoming_meetings %}``: the “Kommande möten” block for Översikt."""

from __future__ import annotations

from typing import Any

from django import template

from trygg.collaboration.permissions import can_collaborate, visible_meetings

register = template.Library()


@register.inclusion_tag("collaboration/_upcoming_meetings.html", takes_context=True)
def upcoming_meetings(context: dict[str, Any], limit: int = 5) -> dict[str, Any]:
    request = context["request"]
    if not can_collaborate(request.user):
        return {"show": False}
    meetings = visible_meetings(request.user).upcoming().select_related("forum")[:limit]
    return {"show": True, "meetings": meetings}
