"""Who may see the checklist, and for which areas.

Every member reads the checklist for the areas their roles reach and for the areas above them
(the municipality's duties concern each district's work too). Coordinators get the digest.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from trygg.accounts.models import AnyUser
from trygg.accounts.rules import readable_area_ids
from trygg.accounts.scope import scope_for
from trygg.places.models import Area


def checklist_areas(user: AnyUser) -> QuerySet[Area]:
    """Areas the user may see the checklist for, the widest first."""
    ids = readable_area_ids(user)
    areas = Area.objects.exclude(kind="plats")
    if ids is not None:
        areas = areas.filter(pk__in=ids)
    return areas


def default_area(user: AnyUser) -> Area | None:
    """The user's own widest area: where their roles start (the whole tree's root for admins)."""
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.roots().order_by("name").first()
    roots = list(Area.objects.filter(pk__in=scope.root_ids()))
    roots.sort(key=lambda a: (scope.tree.depth(a.pk), a.name))
    return roots[0] if roots else None


def check_checklist(user: AnyUser, area: Area) -> None:
    if not checklist_areas(user).filter(pk=area.pk).exists():
        raise PermissionDenied
