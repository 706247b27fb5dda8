"""Template context shared by every page: the navigation for the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from trygg.front.navigation import nav_context


def navigation(request: HttpRequest) -> dict[str, object]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    if getattr(request, "two_factor_pending", False):
        # Signed in with the password only (accounts.two_factor): no page to go to yet.
        return {"nav_items": []}
    section = getattr(request, "nav_section", None)
    return {"nav_items": nav_context(request, section)}


def map_settings(request: HttpRequest) -> dict[str, object]:
    from django.conf import settings

    return {
        "map_tiles_url": settings.TRYGG_MAP_TILES_URL or "",
        "map_tiles_attribution": settings.TRYGG_MAP_TILES_ATTRIBUTION or "",
    }
