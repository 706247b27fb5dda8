"""Who may see and change the category taxonomy.

The taxonomy is shared by the whole installation: everyone with a membership reads it,
coordinators edit it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.incidents.models import Category, CategoryQuerySet

VIEW = "view"
CHANGE = "change"


def visible_categories(user: object) -> CategoryQuerySet:
    scope = scope_for(user)
    if scope.everything or scope.roots:
        return Category.objects.all()
    return Category.objects.none()


def can_category(user: object, action: str = VIEW) -> bool:
    scope = scope_for(user)
    if action == VIEW:
        return scope.everything or bool(scope.roots)
    return scope.has_role(Role.SAMORDNARE)


def check_category(user: object, action: str = VIEW) -> None:
    if not can_category(user, action):
        raise PermissionDenied
