"""The main navigation: one entry per section, each visible when the user may use it.

Domain apps add their section here when they ship pages; a section without pages has no
entry, so the menu never leads to an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    section: str


def items_for(request: HttpRequest) -> list[NavItem]:
    scope = scope_for(request.user)
    items = [NavItem(_("Overview"), "front:overview", "overview")]
    if scope.everything or scope.has_role(Role.SAMORDNARE, Role.ANALYTIKER, Role.RAPPORTOR):
        items.append(NavItem(_("Incidents"), "incidents:list", "incidents"))
    if scope.everything or scope.roots:
        items.append(NavItem(_("Analysis"), "analysis:index", "analysis"))
    if scope.everything or scope.roots:
        items.append(NavItem(_("Collaboration"), "collaboration:index", "collaboration"))
    if scope.everything or scope.roots:
        items.append(NavItem(_("Situation reports"), "reports:list", "reports"))
    if scope.everything or scope.roots:
        items.append(NavItem(_("Action plans"), "plans:plan_list", "plans"))
    if scope.everything or scope.roots:
        items.append(NavItem(_("Areas"), "places:list", "areas"))
    if scope.has_role(Role.SAMORDNARE) or getattr(request.user, "is_staff", False):
        items.append(NavItem(_("Administration"), "front:administration", "administration"))
    return items


def nav_context(request: HttpRequest, current: str | None) -> list[dict[str, object]]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "current": item.section == current}
        for item in items_for(request)
    ]
