"""Analys without a chosen start covers the latest reporting years, not all data: one
incident dated long ago neither widens the period shown nor what the page counts."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Source


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.carol)
    return client


def _page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("analysis:index"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_default_period_is_the_latest_reporting_years(world, incidents, signed_in):
    response, _queries = _page(signed_in)
    selection = response.context["selection"]
    # The data runs from August 2021 to September 2023: the reporting year 2023/24 and the
    # three before it.
    assert date(2021, 8, 1) <= selection.start < date(2021, 8, 3)  # the first data
    assert selection.end.year == 2023 and selection.end.month == 9
    periods = response.context["by_category"].periods
    assert len(periods) == 4
    assert "de senaste uppgifterna och de 3 åren före" in response.content.decode()
    assert periods[-1].start == date(2023, 9, 1)  # 2023/24, up to the latest data


def test_one_outlier_does_not_change_the_default_period_or_what_is_counted(
    world, incidents, signed_in
):
    before, queries_before = _page(signed_in)
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=datetime(1990, 1, 2, 12, tzinfo=UTC),
                area=world.liljeholmen,
            )
        ],
        source=Source.IMPORT,
    )
    after, queries_after = _page(signed_in)

    assert after.context["selection"].start == date(2020, 9, 1)
    assert after.context["selection"].end == before.context["selection"].end
    # 2020/21 (from the bound, not from 1990) to 2023/24 as far as the data goes, as before.
    labels = [p.label for p in after.context["by_category"].periods]
    assert labels[:3] == ["2020/21", "2021/22", "2022/23"] and len(labels) == 4
    assert after.context["by_category"].periods[1:] == before.context["by_category"].periods[1:]
    assert after.context["by_category"].total == before.context["by_category"].total
    assert queries_after == queries_before


def test_a_chosen_start_is_kept(world, incidents, signed_in):
    response = signed_in.get(reverse("analysis:index"), {"fran": "2019-01-01"})
    assert response.status_code == 200
    assert response.context["selection"].start == date(2019, 1, 1)


def test_the_default_reaches_back_as_far_as_the_setting_says(world, incidents, signed_in, settings):
    settings.TRYGG_ANALYSIS_DEFAULT_YEARS = 1
    response, _queries = _page(signed_in)
    assert response.context["selection"].start == date(2022, 9, 1)


def test_a_range_from_antiquity_is_refused_not_a_server_error(client, world):
    # schemathesis: ?period=range&start=0191-08-30&end=0905-01-15 overflowed stepping back (500).
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=world.alice).key
    response = client.get(
        "/api/v1/analysis/changes/?period=range&start=0191-08-30&end=0905-01-15",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Datumet måste ligga mellan 1990-01-01")
