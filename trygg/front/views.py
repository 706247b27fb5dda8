"""Översikt (the start page) and Administration (the coordinator's entry to settings)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trygg.accounts.models import Role
from trygg.accounts.permissions import visible_memberships, visible_organisations
from trygg.accounts.scope import scope_for
from trygg.front.decorators import page
from trygg.incidents.permissions import visible_categories
from trygg.places.maps import feature_collection, map_areas_for_roots
from trygg.places.models import Area


@page("overview")
def overview(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    memberships = (
        request.user.memberships.active()  # type: ignore[union-attr]
        .select_related("organisation", "area")
        .order_by("area__name", "role")
    )
    if scope.everything:
        roots = list(Area.objects.roots())
    else:
        roots = list(Area.objects.filter(pk__in=scope.root_ids()).order_by("name"))
    categories = visible_categories(request.user)
    return render(
        request,
        "front/overview.html",
        {
            "memberships": memberships,
            "roots": roots,
            "map_data": feature_collection(map_areas_for_roots(roots, scope.tree)),
            "organisations": visible_organisations(request.user).active().select_related("area"),
            "category_roots": categories.active()
            .roots()
            .prefetch_related("children")
            .order_by("sort_order"),
            "category_count": categories.active().count(),
        },
    )


@page("administration")
def administration(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.has_role(Role.SAMORDNARE) or request.user.is_staff):  # type: ignore[union-attr]
        raise PermissionDenied
    return render(
        request,
        "front/administration.html",
        {
            "membership_count": visible_memberships(request.user).count(),
            "can_admin": request.user.is_staff,  # type: ignore[union-attr]
        },
    )
