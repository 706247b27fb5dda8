"""Pages for areas: the tree with a map, one area's page, and the boundary import.

They live here, beside the organisation pages, rather than in ``places``: what a user may see
and change of the area tree follows from their memberships, and ``places`` knows nothing of
users (it sits below ``accounts``; see tests/test_architecture.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from trygg.accounts.permissions import can_area, check_area, visible_areas
from trygg.accounts.rules import CHANGE
from trygg.accounts.scope import scope_for
from trygg.lib.web import page
from trygg.places.forms import AreaImportForm
from trygg.places.importers import AreaImportError, import_areas
from trygg.places.maps import feature_collection, map_areas_for_roots, top_areas
from trygg.places.models import Area


def _tree_rows(
    areas: list[Area], tree_children: dict[int | None, list[int]]
) -> list[tuple[Area, int]]:
    """Areas in tree order with their depth, starting from those whose parent is not listed."""
    by_id = {a.pk: a for a in areas}
    rows: list[tuple[Area, int]] = []

    def visit(area: Area, depth: int) -> None:
        rows.append((area, depth))
        kids = [by_id[c] for c in tree_children.get(area.pk, []) if c in by_id]
        for child in sorted(kids, key=lambda a: (a.kind != "stadsdel", a.name)):
            visit(child, depth + 1)

    for area in sorted(areas, key=lambda a: a.name):
        if area.parent_id not in by_id:
            visit(area, 0)
    return rows


@page("areas")
def area_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    areas = list(visible_areas(request.user))
    roots = top_areas(areas)
    return render(
        request,
        "places/area_list.html",
        {
            "rows": _tree_rows(areas, scope.tree.children),
            "map_data": feature_collection(map_areas_for_roots(roots, scope.tree)),
            "can_import": scope.has_role("samordnare"),
        },
    )


@page("areas")
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area.objects.select_related("parent"), pk=pk)
    check_area(request.user, area)
    scope = scope_for(request.user)
    ancestors = Area.objects.in_bulk(scope.tree.ancestors(area.pk))
    breadcrumbs = [(ancestors[a], scope.covers(a)) for a in reversed(scope.tree.ancestors(area.pk))]
    children = list(area.children.order_by("kind", "name"))
    return render(
        request,
        "places/area_detail.html",
        {
            "area": area,
            "breadcrumbs": breadcrumbs,
            "children": children,
            "map_data": feature_collection(map_areas_for_roots([area], scope.tree, levels=2)),
            "organisations": area.organisations.active().order_by("name"),
            "can_change": can_area(request.user, area, CHANGE),
        },
    )


@page("administration")
def area_import(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.has_role("samordnare"):
        raise PermissionDenied
    parents = visible_areas(request.user).filter(pk__in=scope.area_ids(["samordnare"]))
    own_roots = sorted(scope.root_ids(["samordnare"]))
    form = AreaImportForm(
        request.POST or None,
        request.FILES or None,
        parents=parents,
        initial={"parent": own_roots[0] if own_roots else None},
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.geojson"
            with path.open("wb") as out:
                for chunk in data["file"].chunks():
                    out.write(chunk)
            try:
                result = import_areas(
                    path,
                    kind=data["kind"],
                    parent=data["parent"],
                    name_property=data["name_property"],
                    only=[n for n in data["only"].split(",") if n.strip()] or None,
                    dry_run=data["dry_run"],
                )
            except AreaImportError as error:
                problems = error.problems
            else:
                summary = _(
                    "%(created)s areas created, %(updated)s updated, %(skipped)s skipped."
                ) % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "skipped": result.skipped,
                }
                if data["dry_run"]:
                    messages.info(request, _("The file is fine. If imported: ") + summary)
                    return render(request, "places/area_import.html", {"form": form})
                messages.success(request, summary)
                for name in result.repaired:
                    messages.warning(
                        request, _("Repaired an invalid boundary: %(name)s") % {"name": name}
                    )
                return redirect("places:detail", pk=data["parent"].pk)
    return render(request, "places/area_import.html", {"form": form, "problems": problems})
