"""Every list page answers with as many queries for twenty rows as for one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.query_counts import MANY, grows_by_rows
from trygg.collaboration.models import Forum
from trygg.incidents.views import RECENT_JOBS
from trygg.places.models import Area
from trygg.plans.models import ActionPlan
from trygg.statistics.models import StatisticSeries


def _url(name: str) -> Callable[[], str]:
    return lambda: reverse(name)


def _liljeholmen_page() -> str:
    return reverse("places:detail", args=[Area.objects.get(name="Liljeholmen").pk])


def _series_page() -> str:
    return reverse("statistics:detail", args=[StatisticSeries.objects.get(code="vardeserie").pk])


def _plan_page() -> str:
    return reverse("plans:plan_detail", args=[ActionPlan.objects.get(title="Planen").pk])


def _council_page() -> str:
    return reverse("collaboration:forum_detail", args=[Forum.objects.get(name="Mötesrådet").pk])


# (page, its address, the kind of rows it grows by, the name the rows carry or None)
# The import page lists the user's ten newest jobs.
PAGES = [
    ("incidents", _url("incidents:list"), "incidents", "Händelse"),
    ("incidents on the map", _url("incidents:map"), "incidents", None),
    ("incidents as CSV", _url("incidents:export_csv"), "incidents", "Händelse"),
    ("categories", _url("incidents:category_list"), "categories", "Kategori"),
    ("import jobs", _url("incidents:import"), "import_jobs", "Fil"),
    ("areas", _url("places:list"), "areas", "Plats"),
    ("an area's sub-areas", _liljeholmen_page, "areas", "Plats"),
    ("organisations", _url("accounts:organisation_list"), "organisations", "Förening"),
    ("statistics series", _url("statistics:list"), "series", "Serie"),
    ("a series' values", _series_page, "values", "Värdeområde"),
    ("samverkan", _url("collaboration:index"), "agreements", "Överenskommelse"),
    ("agreements", _url("collaboration:agreement_list"), "agreements", "Överenskommelse"),
    ("promises", _url("collaboration:promise_list"), "promises", "Medborgarlöfte"),
    ("forums", _url("collaboration:forum_list"), "forums", "Forum"),
    ("a forum's meetings", _council_page, "meetings", "Möte"),
    ("the law's checklist", _url("compliance:checklist"), "compliance", None),
    ("plans", _url("plans:plan_list"), "plans", "Åtgärdsplan"),
    ("a plan's measures", _plan_page, "measures", "Åtgärd"),
    ("lägesbilder", _url("reports:list"), "reports", "Lägesbild"),
    ("overview with meetings", _url("front:overview"), "meetings", None),
    ("overview with measures", _url("front:overview"), "measures", None),
]


@pytest.mark.parametrize(("page", "url", "kind", "label"), PAGES, ids=[row[0] for row in PAGES])
def test_a_list_page_does_not_query_per_row(
    client, world, page, url, kind, label, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.alice)
    shown = RECENT_JOBS if kind == "import_jobs" else MANY
    grows_by_rows(world, kind, lambda: client.get(url()), label, shown)
