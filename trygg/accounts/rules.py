"""The permission base every app's ``permissions`` module builds on: rules by area.

Trygg decides who may see and do what to a record by the area the record belongs to. Each
object type declares one ``AreaRule``: where its area is (a lookup path such as
``"forum__area"``) and, for each action, the grants that allow it. From that one declaration
the rule derives the queryset a user may list (``visible``), the answer for one object
(``can``) and the check that raises PermissionDenied (``check``), so a list and a detail page
cannot disagree. A superuser may do everything, an anonymous or inactive user nothing.

Each app's ``permissions`` module declares its rules and binds them to the names its callers
use (``visible_agreements = AGREEMENTS.visible``, ``can_plan = PLANS.can``, ...).
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.module_loading import module_has_submodule

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.scope import ALL_ROLES, Scope, scope_for
from trygg.places.models import Area, AreaQuerySet

VIEW = "view"
CHANGE = "change"
MANAGERS: tuple[str, ...] = (Role.SAMORDNARE,)


@dataclass(frozen=True)
class Grant:
    """One way to be allowed an action on an object; every condition given must hold.

    ``roles``: the user holds one of these roles in the object's area or an area above it
    (None: wherever the object is). ``context``: members of the areas below the object's area
    qualify too, as a city-wide agreement is context for each district; an object without an
    area belongs to the whole installation and so is context for every member.
    ``own_organisation``: the lookup path to an organisation that must be one of the user's.
    ``own_user``: the lookup path to a user who must be the one asking.
    """

    roles: Collection[str] | None = ALL_ROLES
    context: bool = False
    own_organisation: str | None = None
    own_user: str | None = None

    def __post_init__(self) -> None:
        if self.roles is None and self.own_organisation is None and self.own_user is None:
            raise ValueError("A grant without roles must name the user's own objects.")

    @property
    def _roles(self) -> Collection[str]:
        return ALL_ROLES if self.roles is None else self.roles

    def area_ids(self, scope: Scope) -> set[int]:
        """The areas whose objects this grant reaches (for a grant with roles)."""
        ids = scope.area_ids(self._roles)
        return (ids | scope.context_area_ids(self._roles)) if self.context else ids

    def _reaches_no_area(self, scope: Scope, nullable: bool) -> bool:
        return self.context and nullable and scope.has_role(*self._roles)

    def _reaches(self, scope: Scope, area_id: int | None, nullable: bool) -> bool:
        if area_id is None:
            return self._reaches_no_area(scope, nullable)
        return area_id in scope.area_ids(self._roles) or (
            self.context and area_id in scope.context_area_ids(self._roles)
        )

    def query(self, scope: Scope, user: AnyUser, area: str, nullable: bool) -> Q | None:
        """The objects this grant allows, as a filter; None when it allows the user nothing."""
        found = Q()
        if self.roles is not None:
            reach = Q(**{f"{area}__in": self.area_ids(scope)})
            if self._reaches_no_area(scope, nullable):
                reach |= Q(**{f"{area}__isnull": True})
            found &= reach
        if self.own_organisation is not None:
            found &= Q(**{f"{self.own_organisation}__in": scope.organisation_ids})
        if self.own_user is not None:
            if user.pk is None:  # `owner=None` would match the objects nobody owns
                return None
            found &= Q(**{self.own_user: user.pk})
        return found

    def allows(self, scope: Scope, user: AnyUser, obj: Model, area: str, nullable: bool) -> bool:
        """Whether this grant allows the user the object: ``query`` for one instance."""
        if self.roles is not None and not self._reaches(scope, _id_at(obj, area), nullable):
            return False
        if self.own_organisation is not None and (
            _id_at(obj, self.own_organisation) not in scope.organisation_ids
        ):
            return False
        return self.own_user is None or (
            user.pk is not None and _id_at(obj, self.own_user) == user.pk
        )


# Every member whose roles reach the area reads, and so do the members of the areas below it.
READERS = Grant(context=True)
COORDINATORS = Grant(MANAGERS)
# The usual record of an area (an agreement, a forum, a plan): readers read, coordinators change.
AREA_RECORD: Mapping[str, Sequence[Grant]] = {VIEW: (READERS,), CHANGE: (COORDINATORS,)}

_RULES: list[AreaRule[Any]] = []


class AreaRule[QS: QuerySet[Any]]:
    """Who may do what to one object type, decided by the area each object belongs to.

    ``objects`` is the queryset the visible objects are taken from (``Agreement.objects.all()``),
    ``area`` the lookup path from an object to its area (``"pk"`` for an area itself), and
    ``actions`` maps each action to the grants that allow it; any one grant is enough.
    """

    def __init__(self, objects: QS, *, area: str, actions: Mapping[str, Sequence[Grant]]) -> None:
        self.objects = objects
        self.model: type[Model] = objects.model
        self.area = area
        self.actions = actions
        _RULES.append(self)

    def __repr__(self) -> str:
        return f"AreaRule({self.model._meta.label})"

    @cached_property
    def _nullable(self) -> bool:
        """Whether an object can be without an area (a nullable link on the way to it)."""
        if self.area == "pk":
            return False
        model: Any = self.model
        for name in self.area.split("__"):
            field = model._meta.get_field(name)
            if field.null:
                return True
            model = field.related_model
        return False

    def _grants(self, action: str) -> Sequence[Grant]:
        try:
            return self.actions[action]
        except KeyError:
            raise ValueError(f"{self.model._meta.label} has no action {action!r}") from None

    def visible(self, user: AnyUser, action: str = VIEW) -> QS:
        """The objects the user may do ``action`` to (by default: see)."""
        grants = self._grants(action)
        scope = scope_for(user)
        objects = self.objects.all()
        if scope.everything:
            return objects
        queries = [
            query
            for grant in grants
            if (query := grant.query(scope, user, self.area, self._nullable)) is not None
        ]
        if not queries:
            return objects.none()
        return objects.filter(reduce(operator.or_, queries))

    def can(self, user: AnyUser, obj: Model, action: str = VIEW) -> bool:
        """Whether the user may do ``action`` to the object (by default: see it)."""
        if not isinstance(obj, self.model):
            raise TypeError(f"{self!r} asked about {type(obj).__name__}")
        grants = self._grants(action)
        scope = scope_for(user)
        return scope.everything or any(
            grant.allows(scope, user, obj, self.area, self._nullable) for grant in grants
        )

    def check(self, user: AnyUser, obj: Model, action: str = VIEW) -> None:
        """Raise PermissionDenied unless the user may do ``action`` to the object."""
        if not self.can(user, obj, action):
            raise PermissionDenied


def _id_at(obj: Model, path: str) -> Any:
    """The id a lookup path ends in, read from an instance: ``forum__area`` is
    ``obj.forum.area_id`` (one query if the forum is not loaded yet); None past an empty link."""
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop)
        if target is None:
            return None
    if last == "pk":
        return target.pk
    return getattr(target, target._meta.get_field(last).attname)


def registered_rules() -> list[AreaRule[Any]]:
    """Every object type's rule, once each Trygg app's ``permissions`` module is imported."""
    for config in apps.get_app_configs():
        if config.name.startswith("trygg.") and module_has_submodule(config.module, "permissions"):
            import_module(f"{config.name}.permissions")
    return list(_RULES)


# Helpers shared by the apps' permissions modules ------------------------------------------


def is_member(user: AnyUser) -> bool:
    """Whether the user holds any active membership (or is a superuser): the sections open to
    every member (Samverkan, Åtgärdsplan, Lägesbild, Analys) ask this."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roots)


def readable_area_ids(user: AnyUser) -> set[int] | None:
    """Areas whose records the user reads: their own subtrees and the areas above; None = all."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return READERS.area_ids(scope)


def manageable_areas(user: AnyUser) -> AreaQuerySet:
    """The areas the user coordinates, where they may create records."""
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.area_ids(MANAGERS))
