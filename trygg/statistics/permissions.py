"""Who may see and import official statistics.

Series (a name, a source, a unit) are shared by the installation; their values belong to
areas. Coordinators and analysts see the values for the areas their roles cover and import
values for those areas (the product brief has analysts import statistics, as they import
incidents). Reporters and council members meet the figures in the lägesbild, not here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.rules import VIEW, AreaRule, Grant
from trygg.accounts.scope import scope_for
from trygg.statistics.models import StatisticSeries, StatisticSeriesQuerySet, StatisticValue

VIEWERS = (Role.SAMORDNARE, Role.ANALYTIKER)
IMPORTERS = (Role.SAMORDNARE, Role.ANALYTIKER)


def can_view_statistics(user: AnyUser) -> bool:
    return scope_for(user).has_role(*VIEWERS)


def check_view_statistics(user: AnyUser) -> None:
    if not can_view_statistics(user):
        raise PermissionDenied


def visible_series(user: AnyUser) -> StatisticSeriesQuerySet:
    """Every series for a viewer (their values are filtered by area); none for others."""
    if not can_view_statistics(user):
        return StatisticSeries.objects.none()
    return StatisticSeries.objects.all()


def visible_area_ids(user: AnyUser) -> set[int]:
    return scope_for(user).area_ids(VIEWERS)


VALUES = AreaRule(StatisticValue.objects.all(), area="area", actions={VIEW: (Grant(VIEWERS),)})
visible_values = VALUES.visible


def can_import_statistics(user: AnyUser) -> bool:
    return scope_for(user).has_role(*IMPORTERS)


def check_import_statistics(user: AnyUser) -> None:
    if not can_import_statistics(user):
        raise PermissionDenied


def importable_area_ids(user: AnyUser) -> set[int]:
    """The areas the user may import values for: their importing roles' subtrees."""
    return scope_for(user).area_ids(IMPORTERS)
