"""Who may see and change areas, organisations and memberships.

One helper per object type, used by views, the admin and (later) the API alike. ``check_*``
raises PermissionDenied; ``visible_*`` returns the queryset a user may list.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from trygg.accounts.models import Membership, Organisation, Role
from trygg.accounts.scope import scope_for
from trygg.places.models import Area, AreaQuerySet

VIEW = "view"
CHANGE = "change"
MANAGERS = (Role.SAMORDNARE,)


def _deny() -> None:
    raise PermissionDenied


# Areas ---------------------------------------------------------------------------------


def visible_areas(user: object) -> AreaQuerySet:
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.area_ids())


def can_area(user: object, area: Area, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if action == VIEW:
        return scope.covers(area.pk)
    return scope.covers(area.pk, MANAGERS)


def can_add_area(user: object, parent: Area | None) -> bool:
    scope = scope_for(user)
    if parent is None:
        return scope.everything
    return scope.covers(parent.pk, MANAGERS)


def check_area(user: object, area: Area, action: str = VIEW) -> None:
    if not can_area(user, area, action):
        _deny()


# Organisations -------------------------------------------------------------------------


def visible_organisations(user: object):  # -> QuerySet[Organisation]
    """Organisations the user belongs to or that work in, above or below the user's areas."""
    scope = scope_for(user)
    if scope.everything:
        return Organisation.objects.all()
    if not scope.roots:
        return Organisation.objects.none()
    area_ids = scope.area_ids() | scope.context_area_ids()
    return Organisation.objects.filter(
        Q(pk__in=scope.organisation_ids) | Q(area__in=area_ids) | Q(area__isnull=True)
    )


def can_organisation(user: object, organisation: Organisation, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if action == VIEW:
        return visible_organisations(user).filter(pk=organisation.pk).exists()
    if organisation.area_id is None:
        return scope.everything
    return scope.covers(organisation.area_id, MANAGERS)


def can_add_organisation(user: object) -> bool:
    return scope_for(user).has_role(*MANAGERS)


def check_organisation(user: object, organisation: Organisation, action: str = VIEW) -> None:
    if not can_organisation(user, organisation, action):
        _deny()


# Memberships ---------------------------------------------------------------------------


def visible_memberships(user: object):  # -> QuerySet[Membership]
    """Members are listed to coordinators of their area, and each user sees their own."""
    scope = scope_for(user)
    if scope.everything:
        return Membership.objects.all()
    return Membership.objects.filter(
        Q(area__in=scope.area_ids(MANAGERS)) | Q(user=user)  # type: ignore[misc]
    )


def can_membership(user: object, membership: Membership, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if action == VIEW and membership.user_id == getattr(user, "pk", None):
        return True
    return scope.covers(membership.area_id, MANAGERS)


def check_membership(user: object, membership: Membership, action: str = VIEW) -> None:
    if not can_membership(user, membership, action):
        _deny()
