"""Översikt (the start page) and Administration (the coordinator's entry to settings)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import json_script
from django.utils.translation import get_language

from trygg.accounts.models import Role, User
from trygg.accounts.permissions import visible_memberships, visible_organisations
from trygg.accounts.scope import scope_for
from trygg.incidents.permissions import visible_categories
from trygg.lib.web import page
from trygg.places.maps import feature_collection, map_areas_for_roots
from trygg.places.models import Area


@page("overview")
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # @page lets only signed-in users through
    scope = scope_for(user)
    memberships = (
        user.memberships.active()
        .select_related("organisation", "area")
        .order_by("area__name", "role")
    )
    if scope.everything:
        roots = list(Area.objects.roots())
    else:
        roots = list(Area.objects.filter(pk__in=scope.root_ids()).order_by("name"))
    categories = visible_categories(user)
    return render(
        request,
        "front/overview.html",
        {
            "memberships": memberships,
            "roots": roots,
            "map_script": _map_script(roots, scope.tree, "overview-map"),
            "organisations": visible_organisations(user).active().select_related("area"),
            "category_roots": categories.active()
            .roots()
            .prefetch_related("children")
            .order_by("sort_order"),
            "category_count": categories.active().count(),
        },
    )


# How long a rendered map of areas may be served from the cache; its key holds a version of
# the area table, so this bounds only changes made around Django (SQL by hand).
MAP_SECONDS = 600


def _map_script(roots: list[Area], tree: Any, element_id: str) -> str:
    """The roots' map (each root and three levels below) as a ``json_script`` element.

    Cached per roots, language and a version of the area table (count and latest change):
    building and serialising a hundred boundaries is a large share of Översikt's time, and
    areas seldom change.
    """
    version = Area.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    parts = [sorted(root.pk for root in roots), get_language(), element_id, sorted(version.items())]
    key = "trygg:area-map:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    script = cache.get(key)
    if script is None:
        script = json_script(feature_collection(map_areas_for_roots(roots, tree)), element_id)
        cache.set(key, script, MAP_SECONDS)
    return script


@page("administration")
def administration(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.has_role(Role.SAMORDNARE) or request.user.is_staff):
        raise PermissionDenied
    return render(
        request,
        "front/administration.html",
        {
            "membership_count": visible_memberships(request.user).count(),
            "can_admin": request.user.is_staff,
        },
    )
