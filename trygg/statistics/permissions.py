"""Who may see and import official statistics.

Series (a name, a source, a unit) are shared by the installation; their values belong to
areas. Coordinators and analysts see the values for the areas their roles cover and import
values for those areas (the product brief has analysts import statistics, as they import
incidents). Reporters and council members meet the figures in the lägesbild, not here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trygg.accounts.models import Role
from trygg.accounts.scope import scope_for
from trygg.statistics.models import (
    StatisticSeries,
    StatisticSeriesQuerySet,
    StatisticValue,
    StatisticValueQuerySet,
)

VIEWERS = (Role.SAMORDNARE, Role.ANALYTIKER)
IMPORTERS = (Role.SAMORDNARE, Role.ANALYTIKER)


def can_view_statistics(user: object) -> bool:
    return scope_for(user).has_role(*VIEWERS)


def check_view_statistics(user: object) -> None:
    if not can_view_statistics(user):
        raise PermissionDenied


def visible_series(user: object) -> StatisticSeriesQuerySet:
    """Every series for a viewer (their values are filtered by area); none for others."""
    if not can_view_statistics(user):
        return StatisticSeries.objects.none()
    return StatisticSeries.objects.all()


def visible_area_ids(user: object) -> set[int]:
    return scope_for(user).area_ids(VIEWERS)


def visible_values(user: object) -> StatisticValueQuerySet:
    scope = scope_for(user)
    if scope.everything:
        return StatisticValue.objects.all()
    return StatisticValue.objects.filter(area__in=scope.area_ids(VIEWERS))


def can_import_statistics(user: object) -> bool:
    return scope_for(user).has_role(*IMPORTERS)


def check_import_statistics(user: object) -> None:
    if not can_import_statistics(user):
        raise PermissionDenied


def importable_area_ids(user: object) -> set[int]:
    """The areas the user may import values for: their importing roles' subtrees."""
    return scope_for(user).area_ids(IMPORTERS)
