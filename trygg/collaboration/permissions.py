"""Who may see and change agreements, citizen promises, forums, meetings and action items.

Everything in Samverkan belongs to an area (a meeting through its forum). Every member whose
roles reach the area reads it, and so do members of the areas below it: a city-wide agreement
or council is context for each district. Coordinators of the area change it. The owner of an
action item may mark it done.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    AgreementQuerySet,
    CitizenPromise,
    Forum,
    Meeting,
    MeetingQuerySet,
)
from trygg.places.models import Area

VIEW = "view"
CHANGE = "change"
MANAGERS = (Role.SAMORDNARE,)


def readable_area_ids(user: object) -> set[int] | None:
    """Areas whose records the user reads: their own subtrees and the areas above; None = all."""
    scope = scope_for(user)
    if scope.everything:
        return None
    if not scope.roots:
        return set()
    return scope.area_ids() | scope.context_area_ids()


def _readable(user: object, area_id: int | None) -> bool:
    ids = readable_area_ids(user)
    return ids is None or (area_id is not None and area_id in ids)


def _manages(user: object, area_id: int | None) -> bool:
    return scope_for(user).covers(area_id, MANAGERS)


def can_collaborate(user: object) -> bool:
    """Whether the Samverkan section is open to the user at all."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roots)


def can_add(user: object) -> bool:
    """Coordinators create agreements, promises and forums (in the areas they coordinate)."""
    return scope_for(user).has_role(*MANAGERS)


def manageable_areas(user: object) -> QuerySet[Area]:
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.area_ids(MANAGERS))


def _deny() -> None:
    raise PermissionDenied


# Agreements ----------------------------------------------------------------------------


def visible_agreements(user: object) -> AgreementQuerySet:
    ids = readable_area_ids(user)
    if ids is None:
        return Agreement.objects.all()
    return Agreement.objects.filter(area__in=ids)


def can_agreement(user: object, agreement: Agreement, action: str = VIEW) -> bool:
    if action == VIEW:
        return _readable(user, agreement.area_id)
    return _manages(user, agreement.area_id)


def check_agreement(user: object, agreement: Agreement, action: str = VIEW) -> None:
    if not can_agreement(user, agreement, action):
        _deny()


# Citizen promises ----------------------------------------------------------------------


def visible_promises(user: object) -> QuerySet[CitizenPromise]:
    ids = readable_area_ids(user)
    if ids is None:
        return CitizenPromise.objects.all()
    return CitizenPromise.objects.filter(area__in=ids)


def can_promise(user: object, promise: CitizenPromise, action: str = VIEW) -> bool:
    if action == VIEW:
        return _readable(user, promise.area_id)
    return _manages(user, promise.area_id)


def check_promise(user: object, promise: CitizenPromise, action: str = VIEW) -> None:
    if not can_promise(user, promise, action):
        _deny()


# Forums and meetings -------------------------------------------------------------------


def visible_forums(user: object) -> QuerySet[Forum]:
    ids = readable_area_ids(user)
    if ids is None:
        return Forum.objects.all()
    return Forum.objects.filter(area__in=ids)


def can_forum(user: object, forum: Forum, action: str = VIEW) -> bool:
    if action == VIEW:
        return _readable(user, forum.area_id)
    return _manages(user, forum.area_id)


def check_forum(user: object, forum: Forum, action: str = VIEW) -> None:
    if not can_forum(user, forum, action):
        _deny()


def visible_meetings(user: object) -> MeetingQuerySet:
    ids = readable_area_ids(user)
    if ids is None:
        return Meeting.objects.all()
    return Meeting.objects.filter(forum__area__in=ids)


def can_meeting(user: object, meeting: Meeting, action: str = VIEW) -> bool:
    return can_forum(user, meeting.forum, action)


def check_meeting(user: object, meeting: Meeting, action: str = VIEW) -> None:
    if not can_meeting(user, meeting, action):
        _deny()


def can_action_item(user: object, item: ActionItem, action: str = VIEW) -> bool:
    if action == VIEW:
        return can_meeting(user, item.meeting, VIEW)
    owner = item.owner_id is not None and item.owner_id == getattr(user, "pk", None)
    return (owner and can_meeting(user, item.meeting, VIEW)) or can_meeting(
        user, item.meeting, CHANGE
    )


def check_action_item(user: object, item: ActionItem, action: str = VIEW) -> None:
    if not can_action_item(user, item, action):
        _deny()
