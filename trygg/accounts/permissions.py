"""Who may see and change areas, organisations and memberships.

One rule per object type (see ``trygg.accounts.rules``), used by views, the admin and the API
alike. ``check_*`` raises PermissionDenied; ``visible_*`` returns the queryset a user may list.
"""

from __future__ import annotations

from trygg.accounts.models import AnyUser, Membership, Organisation
from trygg.accounts.rules import CHANGE, COORDINATORS, MANAGERS, READERS, VIEW, AreaRule, Grant
from trygg.accounts.scope import scope_for
from trygg.places.models import Area

# Areas: every member reads the areas their roles reach; coordinators change them.
AREAS = AreaRule(Area.objects.all(), area="pk", actions={VIEW: (Grant(),), CHANGE: (COORDINATORS,)})
visible_areas = AREAS.visible
can_area = AREAS.can
check_area = AREAS.check


def can_add_area(user: AnyUser, parent: Area | None) -> bool:
    scope = scope_for(user)
    if parent is None:
        return scope.everything
    return scope.covers(parent.pk, MANAGERS)


# Organisations: members see the organisations they belong to and those working in, above or
# below their areas (one without an area works in the whole city). Coordinators of an
# organisation's area change it; one without an area only a superuser.
ORGANISATIONS = AreaRule(
    Organisation.objects.all(),
    area="area",
    actions={
        VIEW: (READERS, Grant(roles=None, own_organisation="pk")),
        CHANGE: (COORDINATORS,),
    },
)
visible_organisations = ORGANISATIONS.visible
can_organisation = ORGANISATIONS.can
check_organisation = ORGANISATIONS.check


def can_add_organisation(user: AnyUser) -> bool:
    return scope_for(user).has_role(*MANAGERS)


# Memberships: listed to the coordinators of their area, and each user sees their own.
MEMBERSHIPS = AreaRule(
    Membership.objects.all(),
    area="area",
    actions={VIEW: (COORDINATORS, Grant(roles=None, own_user="user")), CHANGE: (COORDINATORS,)},
)
visible_memberships = MEMBERSHIPS.visible
can_membership = MEMBERSHIPS.can
check_membership = MEMBERSHIPS.check
