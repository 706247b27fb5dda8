"""What a user's memberships cover: the union of their roles' area subtrees.

Every scoped query and permission check starts here. A scope is computed once per request
(cached on the user object) from the memberships and the area tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from trygg.accounts.models import AnyUser, Membership, Role
from trygg.places.models import AreaTree

ALL_ROLES: frozenset[str] = frozenset(Role.values)


@dataclass
class Scope:
    tree: AreaTree
    everything: bool = False
    roots: dict[str, set[int]] = field(default_factory=dict)
    organisation_ids: set[int] = field(default_factory=set)
    _cache: dict[frozenset[str], set[int]] = field(default_factory=dict)

    def has_role(self, *roles: str) -> bool:
        return self.everything or any(self.roots.get(role) for role in roles)

    def root_ids(self, roles: Iterable[str] = ALL_ROLES) -> set[int]:
        found: set[int] = set()
        for role in roles:
            found |= self.roots.get(role, set())
        return found

    def area_ids(self, roles: Iterable[str] = ALL_ROLES) -> set[int]:
        """Ids of every area the given roles reach; all areas for a superuser."""
        key = frozenset(roles)
        if key not in self._cache:
            if self.everything:
                self._cache[key] = set(self.tree.parent)
            else:
                self._cache[key] = self.tree.subtrees(self.root_ids(key))
        return self._cache[key]

    def covers(self, area_id: int | None, roles: Iterable[str] = ALL_ROLES) -> bool:
        if self.everything:
            return True
        return area_id is not None and area_id in self.area_ids(roles)

    def context_area_ids(self, roles: Iterable[str] = ALL_ROLES) -> set[int]:
        """Areas above the given roles' own: visible as context (e.g. city-wide partners)."""
        above: set[int] = set()
        for root in self.root_ids(roles):
            above.update(self.tree.ancestors(root))
        return above


class ScopeReader(AnonymousUser):
    """Nobody in particular, reading with a given scope.

    A document computes its figures as its own scope allows, not as its reader's does, so it
    reads the same for everyone the document's rules let read it (see ``reports.figures``).
    It holds no membership and records nothing; it only answers scoped queries.
    """

    is_active = True  # type: ignore[assignment]

    def __init__(self, scope: Scope) -> None:
        self._trygg_scope = scope

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


def scope_for(user: AnyUser) -> Scope:
    """The scope of a user, cached on the user object for the rest of the request."""
    cached: Scope | None = getattr(user, "_trygg_scope", None)
    if cached is not None:
        return cached
    tree = AreaTree.load()
    if not user.is_authenticated or not user.is_active:
        scope = Scope(tree=tree)
    elif user.is_superuser:
        scope = Scope(tree=tree, everything=True)
    else:
        scope = Scope(tree=tree)
        rows = (
            Membership.objects.active()
            .filter(user_id=user.pk)
            .values_list("role", "area_id", "organisation_id")
        )
        for role, area_id, organisation_id in rows:
            scope.roots.setdefault(role, set()).add(area_id)
            scope.organisation_ids.add(organisation_id)
    # Neither user class declares the cache; it lives as long as this user object (one request).
    user._trygg_scope = scope  # type: ignore[union-attr]
    return scope
