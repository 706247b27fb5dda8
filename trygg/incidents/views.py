"""The category taxonomy page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trygg.front.decorators import page
from trygg.incidents.permissions import can_category, check_category, visible_categories


@page("administration")
def category_list(request: HttpRequest) -> HttpResponse:
    check_category(request.user)
    categories = list(visible_categories(request.user).order_by("sort_order", "name"))
    children: dict[int | None, list] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    rows = []

    def visit(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            rows.append((category, depth))
            visit(category.pk, depth + 1)

    visit(None, 0)
    return render(
        request,
        "incidents/category_list.html",
        {"rows": rows, "can_change": can_category(request.user, "change")},
    )
