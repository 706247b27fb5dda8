"""What an analysis looks at: areas, categories, a period kind and range, organisations, sources.

Pages, the API and documents all describe their question as a :class:`Selection`, built by
:func:`build_selection` from what the user asked for and limited to what the user may see.
Areas and categories are *groups*: each chosen area counts itself and everything below it, and
each chosen category its sub-categories.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser
from trygg.accounts.rules import is_member
from trygg.accounts.scope import Scope, scope_for
from trygg.incidents.models import Category
from trygg.lib.dates import date_errors
from trygg.lib.periods import DEFAULT_FIRST_MONTH, PeriodKind
from trygg.lib.tree import Tree
from trygg.places.models import Area


class SelectionError(ValueError):
    """A selection that cannot be made (e.g. an area the user may not see)."""


@dataclass(frozen=True)
class Group:
    """An area or a category as a group: its own id plus everything below it."""

    id: int
    name: str
    members: frozenset[int]
    sort_key: tuple = ()
    population: int | None = None


@dataclass(frozen=True)
class Selection:
    areas: tuple[Group, ...]
    categories: tuple[Group, ...]
    start: date | None = None
    end: date | None = None
    period_kind: PeriodKind = PeriodKind.REPORTING_YEAR
    first_month: int = DEFAULT_FIRST_MONTH
    organisation_ids: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    # Categories were chosen by the user (else: every top-level category, for grouping).
    categories_chosen: bool = False
    area_tree: Tree | None = field(default=None, compare=False, repr=False)

    @property
    def area_ids(self) -> set[int]:
        """Every area the selection covers (the chosen areas and all below them)."""
        return set().union(*(group.members for group in self.areas)) if self.areas else set()

    @property
    def category_ids(self) -> set[int] | None:
        """Every category the selection covers, or None for all."""
        if not self.categories_chosen:
            return None
        return set().union(*(group.members for group in self.categories))


def analysable_area_ids(user: AnyUser) -> set[int]:
    """Areas whose aggregates the user may see: every area any of their memberships reaches.

    Council members and reporters read aggregates for their areas; single reports stay under
    the incident permissions.
    """
    return scope_for(user).area_ids()


def can_analyse(user: AnyUser) -> bool:
    return is_member(user)


def default_area_ids(scope: Scope) -> list[int]:
    """The areas an analysis starts from: the user's top areas."""
    if scope.everything:
        return [node for node, parent in scope.tree.parent.items() if parent is None]
    roots = scope.root_ids()
    # A root below another root is already inside it.
    return [r for r in roots if not any(a in roots for a in scope.tree.ancestors(r))]


def build_selection(
    user: AnyUser,
    *,
    area_ids: Sequence[int] = (),
    category_ids: Sequence[int] = (),
    start: date | None = None,
    end: date | None = None,
    period_kind: PeriodKind | str = PeriodKind.REPORTING_YEAR,
    first_month: int = DEFAULT_FIRST_MONTH,
    organisation_ids: Iterable[int] = (),
    sources: Iterable[str] = (),
) -> Selection:
    """A selection limited to what ``user`` may see; raises PermissionDenied otherwise."""
    if not can_analyse(user):
        raise PermissionDenied
    scope = scope_for(user)
    allowed = analysable_area_ids(user)
    chosen = list(dict.fromkeys(area_ids)) or default_area_ids(scope)
    if any(area_id not in allowed for area_id in chosen):
        raise PermissionDenied
    if start and end and end < start:
        raise SelectionError(_("The start date is after the end date."))
    # A period from the earliest date Trygg takes to the planning horizon: nothing older can be
    # data, and a far date would overflow when the comparison periods are stepped back from it.
    outside = date_errors(planned={"start": start, "end": end})
    if outside:
        raise SelectionError(capfirst(next(iter(outside.values()))))
    return Selection(
        areas=_area_groups(chosen, scope, allowed),
        categories=_category_groups(list(dict.fromkeys(category_ids))),
        start=start,
        end=end,
        period_kind=PeriodKind(period_kind),
        first_month=first_month,
        organisation_ids=tuple(sorted(set(organisation_ids))),
        sources=tuple(sorted(set(sources))),
        categories_chosen=bool(category_ids),
        area_tree=scope.tree,
    )


def with_areas(selection: Selection, user: AnyUser, area_ids: Sequence[int]) -> Selection:
    """The same selection over other areas (e.g. the sub-areas of the chosen one)."""
    allowed = analysable_area_ids(user)
    if any(area_id not in allowed for area_id in area_ids):
        raise PermissionDenied
    return replace(selection, areas=_area_groups(list(area_ids), scope_for(user), allowed))


def _area_groups(chosen: list[int], scope: Scope, allowed: set[int]) -> tuple[Group, ...]:
    tree = scope.tree
    rows = {
        row["id"]: row
        for row in Area.objects.filter(pk__in=chosen).values("id", "name", "population")
    }
    missing = [a for a in chosen if a not in rows]
    if missing:
        raise SelectionError(_("There is no area with id %(id)s.") % {"id": missing[0]})
    known = {
        pk: population
        for pk, population in Area.objects.filter(population__isnull=False).values_list(
            "id", "population"
        )
        if population is not None  # excluded by the query; this tells the types
    }
    groups = []
    for area_id in chosen:
        members = frozenset(tree.descendants(area_id) & allowed)
        groups.append(
            Group(
                id=area_id,
                name=rows[area_id]["name"],
                members=members,
                sort_key=(rows[area_id]["name"].casefold(),),
                population=_population(area_id, tree, known),
            )
        )
    return tuple(groups)


def _population(area_id: int, tree: Tree, known: dict[int, int]) -> int | None:
    """The area's population, or the sum of its children's when every child has one."""

    def of(node: int) -> int | None:
        if node in known:
            return known[node]
        children = tree.children.get(node, [])
        if not children:
            return None
        total = 0
        for child in children:
            part = of(child)
            if part is None:
                return None
            total += part
        return total

    return of(area_id)


def _category_groups(chosen: list[int]) -> tuple[Group, ...]:
    rows = {
        row["id"]: row for row in Category.objects.values("id", "name", "parent_id", "sort_order")
    }
    tree = Tree((pk, row["parent_id"]) for pk, row in rows.items())
    missing = [c for c in chosen if c not in rows]
    if missing:
        raise SelectionError(_("There is no category with id %(id)s.") % {"id": missing[0]})
    ids = chosen or [pk for pk, row in rows.items() if row["parent_id"] is None]
    groups = [
        Group(
            id=pk,
            name=rows[pk]["name"],
            members=frozenset(tree.descendants(pk)),
            sort_key=(rows[pk]["sort_order"], rows[pk]["name"].casefold()),
        )
        for pk in ids
    ]
    if not chosen:
        groups.sort(key=lambda g: g.sort_key)
    return tuple(groups)
