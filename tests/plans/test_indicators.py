"""A measure's measurable target: computed from incident counts or a statistics series, or
entered by hand; shown on the measure page; created and changed by coordinators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from tests.analysis.evaluation_data import END, START, plant
from trygg.incidents.models import Category
from trygg.plans.effects import progress, read_indicator
from trygg.plans.models import Indicator, IndicatorKind
from trygg.statistics.models import StatisticSeries, StatisticValue

TODAY = dt.date(2024, 1, 15)


@pytest.fixture
def category(db):
    return Category.objects.filter(children__isnull=True).order_by("id").first()


@pytest.fixture
def counted(world, measure, category):
    """The measure works in Liljeholmen; 100 incidents in the 61 days before its start, 70 in
    the 61 days after."""
    plant([(world.liljeholmen, 100, 70)], category)
    measure.area = world.liljeholmen
    measure.save(update_fields=["area"])
    measure.categories.set([category])
    return measure


def _indicator(measure, **fields) -> Indicator:
    values = {
        "name": "Anmälda händelser",
        "kind": IndicatorKind.INCIDENTS,
        "window_days": 61,
        "baseline_on": START - dt.timedelta(days=1),
        "target_value": Decimal(50),
        "target_on": dt.date(2024, 12, 31),
    }
    return Indicator.objects.create(measure=measure, **(values | fields))


@pytest.mark.parametrize(
    ("baseline", "current", "target", "expected"),
    [(100, 70, 50, 60.0), (100, 50, 50, 100.0), (100, 120, 50, -40.0), (10, 15, 20, 50.0),
     (100, None, 50, None), (None, 70, 50, None), (50, 70, 50, None)],
)  # fmt: skip
def test_progress_is_the_share_of_the_way_from_baseline_to_target(
    baseline, current, target, expected
):
    assert progress(baseline, current, target) == (
        pytest.approx(expected) if expected is not None else None
    )


def test_incident_counts_over_the_measures_area_and_categories(world, counted):
    reading = read_indicator(world.alice, _indicator(counted), TODAY)
    # The current value stops at the last day with incidents, not at today.
    assert (reading.baseline.value, reading.baseline.on) == (100, START - dt.timedelta(days=1))
    assert (reading.current.value, reading.current.on) == (70, END)
    assert "2023-03-01" in reading.current.source
    assert reading.progress == pytest.approx(60)
    assert reading.problem == ""


def test_a_baseline_entered_by_hand_wins(world, counted):
    reading = read_indicator(world.alice, _indicator(counted, baseline=Decimal(90)), TODAY)
    assert reading.baseline.value == 90 and reading.current.value == 70


def test_the_indicators_own_areas_and_categories(world, counted, category):
    other = Category.objects.filter(children__isnull=True).exclude(pk=category.pk).first()
    indicator = _indicator(counted)
    indicator.categories.set([other])
    reading = read_indicator(world.alice, indicator, TODAY)
    assert reading.current.value == 0
    indicator.categories.set([category])
    indicator.areas.set([world.skarholmen])  # nothing planted there
    assert read_indicator(world.carol, indicator, TODAY).current.value is None


def test_counts_need_areas_the_user_may_analyse(world, counted):
    indicator = _indicator(counted)
    indicator.areas.set([world.skarholmen])
    reading = read_indicator(world.alice, indicator, TODAY)  # alice: Hägersten-Älvsjö only
    assert reading.current.value is None and reading.problem


@pytest.fixture
def series(world):
    series = StatisticSeries.objects.create(name="Otrygghet kvällstid", code="otrygghet")
    for year, value in ((2021, "31.5"), (2022, "28.0"), (2023, "24.5")):
        StatisticValue.objects.create(
            series=series, area=world.liljeholmen, period_kind="year",
            period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
            value=Decimal(value),
        )  # fmt: skip
    return series


def test_a_statistics_series_for_one_area(world, counted, series):
    indicator = _indicator(
        counted, kind=IndicatorKind.STATISTICS, series=series, baseline_on=dt.date(2021, 12, 31),
        target_value=Decimal(20),
    )  # fmt: skip
    reading = read_indicator(world.alice, indicator, TODAY)
    assert (reading.baseline.value, reading.current.value) == (31.5, 24.5)
    assert reading.current.on == dt.date(2023, 12, 31) and "2023" in reading.current.source
    assert reading.progress == pytest.approx((24.5 - 31.5) / (20 - 31.5) * 100)
    # A value whose period has not ended is not the current one.
    assert read_indicator(world.alice, indicator, dt.date(2023, 6, 1)).current.value == 28.0


def test_statistics_stay_hidden_from_those_who_may_not_see_them(world, counted, series):
    indicator = _indicator(counted, kind=IndicatorKind.STATISTICS, series=series)
    reading = read_indicator(world.bob, indicator, TODAY)  # a reporter
    assert reading.current.value is None and reading.problem


def test_a_value_entered_by_hand(world, measure):
    indicator = _indicator(
        measure, kind=IndicatorKind.MANUAL, baseline=Decimal(480), target_value=Decimal(300),
        manual_value=Decimal(390), manual_value_on=dt.date(2023, 8, 31),
    )  # fmt: skip
    reading = read_indicator(world.carol, indicator, TODAY)
    assert (reading.baseline.value, reading.current.value, reading.target) == (480, 390, 300)
    assert reading.progress == pytest.approx(50)


def test_the_measure_page_shows_baseline_current_target_and_progress(client, world, counted):
    _indicator(counted)
    client.force_login(world.carol)
    page = client.get(counted.get_absolute_url()).content.decode()
    assert 'id="indicator-heading"' in page
    assert '<meter id="indicator-progress" min="0" max="100" value="60">' in page
    for value in (">100<", ">70<", ">50<"):
        assert value in page


def test_a_coordinator_creates_changes_and_removes_the_indicator(client, world, counted, series):
    client.force_login(world.alice)
    url = f"/atgardsplan/atgard/{counted.pk}/indikator/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "Otrygghet", "kind": "statistik", "series": series.pk, "window_days": 365,
         "baseline_on": "2021-12-31", "target_value": "20", "target_on": "2025-12-31"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == counted.get_absolute_url()
    indicator = Indicator.objects.get(measure=counted)
    assert indicator.kind == IndicatorKind.STATISTICS and indicator.series == series

    client.post(
        url,
        {"name": "Händelser", "kind": "handelser", "window_days": 61, "areas": [world.liljeholmen.pk],
         "baseline_on": "2023-02-28", "target_value": "50", "target_on": "2025-12-31"},
    )  # fmt: skip
    indicator.refresh_from_db()
    assert indicator.kind == IndicatorKind.INCIDENTS
    assert list(indicator.areas.all()) == [world.liljeholmen]
    assert indicator.history.count() == 2

    confirm = client.get(f"{url}ta-bort/")
    assert confirm.status_code == 200 and Indicator.objects.exists()
    assert confirm.context["back"] == counted and confirm.context["plan"] == counted.plan
    response = client.post(f"{url}ta-bort/")
    assert response.status_code == 302 and response["Location"] == counted.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Indikatorn togs bort."]
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"kind": "statistik"}, "series"),
     ({"kind": "manuell"}, "baseline"),
     ({"kind": "handelser", "baseline_on": ""}, "baseline_on")],
)  # fmt: skip
def test_the_indicator_form_asks_for_what_its_kind_needs(client, world, counted, data, field):
    client.force_login(world.alice)
    base = {"name": "x", "window_days": 365, "baseline_on": "2023-02-28", "target_value": "1",
            "target_on": "2025-12-31"}  # fmt: skip
    response = client.post(f"/atgardsplan/atgard/{counted.pk}/indikator/", base | data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Indicator.objects.exists()


@pytest.mark.parametrize("actor", ["carol", "bob"])
def test_readers_cannot_change_the_indicator(client, world, counted, actor):
    _indicator(counted)
    client.force_login(getattr(world, actor))
    url = f"/atgardsplan/atgard/{counted.pk}/indikator/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Nej"}).status_code == 403
    assert client.post(f"{url}ta-bort/").status_code == 403
    assert Indicator.objects.get().name == "Anmälda händelser"


def test_the_api_gives_the_computed_values(world, counted):
    from rest_framework.test import APIClient

    _indicator(counted)
    client = APIClient()
    client.force_authenticate(world.carol)
    indicator = client.get(f"/api/v1/measures/{counted.pk}/").json()["indicator"]
    assert indicator["baseline_value"]["value"] == 100
    assert indicator["current"] == {"value": 70.0, "on": END.isoformat(),
                                    "source": indicator["current"]["source"]}  # fmt: skip
    assert indicator["progress_percent"] == pytest.approx(60)
