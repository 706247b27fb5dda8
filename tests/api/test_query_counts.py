"""Every list of the API answers with as many queries for twenty rows as for one."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.query_counts import grows_by_rows

# (list, the kind of rows it grows by, the name the rows carry in the answer or None)
API_LISTS = [
    ("/api/v1/areas/", "areas", "Plats"),
    ("/api/v1/organisations/", "organisations", "Förening"),
    ("/api/v1/categories/", "categories", "Kategori"),
    ("/api/v1/incidents/", "incidents", "Händelse"),
    ("/api/v1/statistics/", "series", "Serie"),
    ("/api/v1/statistics/values/", "values", "Värdeområde"),
    ("/api/v1/agreements/", "agreements", "Överenskommelse"),
    ("/api/v1/forums/", "forums", "Forum"),
    ("/api/v1/meetings/", "meetings", "Möte"),
    ("/api/v1/action-plans/", "plans", "Åtgärdsplan"),
    ("/api/v1/problems/", "problems", "Problem"),
    ("/api/v1/measures/", "measures", "Åtgärd"),
    ("/api/v1/situation-reports/", "reports", "Lägesbild"),
    ("/api/v1/compliance/", "compliance", None),
    ("/open311/v2/requests.json", "incidents", "Händelse"),
    ("/open311/v2/services.json", "categories", "Kategori"),
]


@pytest.mark.parametrize(("url", "kind", "label"), API_LISTS, ids=[row[0] for row in API_LISTS])
def test_a_list_does_not_query_per_row(api, world, url, kind, label, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = api("alice")
    params = {}
    if url.startswith("/open311/"):
        params["api_key"] = Token.objects.get(user=world.alice).key
    grows_by_rows(world, kind, lambda: client.get(url, params), label)
