"""Who may see and change agreements, citizen promises, forums, meetings and action items.

Everything in Samverkan belongs to an area (a meeting through its forum). Every member whose
roles reach the area reads it, and so do members of the areas below it: a city-wide agreement
or council is context for each district. Coordinators of the area change it. The owner of an
action item may mark it done. The rules are ``trygg.accounts.rules.AreaRule``s.
"""

from __future__ import annotations

from trygg.accounts.models import AnyUser
from trygg.accounts.rules import (
    AREA_RECORD,
    CHANGE,
    COORDINATORS,
    MANAGERS,
    READERS,
    VIEW,
    AreaRule,
    Grant,
    is_member,
)
from trygg.accounts.scope import scope_for
from trygg.collaboration.models import ActionItem, Agreement, CitizenPromise, Forum, Meeting

# Whether the Samverkan section is open to the user at all.
can_collaborate = is_member


def can_add(user: AnyUser) -> bool:
    """Coordinators create agreements, promises and forums (in the areas they coordinate)."""
    return scope_for(user).has_role(*MANAGERS)


AGREEMENTS = AreaRule(Agreement.objects.all(), area="area", actions=AREA_RECORD)
visible_agreements = AGREEMENTS.visible
can_agreement = AGREEMENTS.can
check_agreement = AGREEMENTS.check

PROMISES = AreaRule(CitizenPromise.objects.all(), area="area", actions=AREA_RECORD)
visible_promises = PROMISES.visible
can_promise = PROMISES.can
check_promise = PROMISES.check

FORUMS = AreaRule(Forum.objects.all(), area="area", actions=AREA_RECORD)
visible_forums = FORUMS.visible
can_forum = FORUMS.can
check_forum = FORUMS.check

MEETINGS = AreaRule(Meeting.objects.all(), area="forum__area", actions=AREA_RECORD)
visible_meetings = MEETINGS.visible
can_meeting = MEETINGS.can
check_meeting = MEETINGS.check

# The owner marks their action item done as long as they still read the meeting.
ACTION_ITEMS = AreaRule(
    ActionItem.objects.all(),
    area="meeting__forum__area",
    actions={VIEW: (READERS,), CHANGE: (COORDINATORS, Grant(context=True, own_user="owner"))},
)
visible_action_items = ACTION_ITEMS.visible
can_action_item = ACTION_ITEMS.can
check_action_item = ACTION_ITEMS.check
