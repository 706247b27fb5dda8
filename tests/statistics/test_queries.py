"""``series_values``: plain rows for analysis, limited to what the user may see."""

import datetime as dt

import pytest

from trygg.incidents.models import Category
from trygg.statistics.queries import StatValue, series_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world, crimes, survey, value):
    value(crimes, world.district, "2019/20", 812, category="narkotikabrott")
    value(crimes, world.district, "2020/21", 905, category="narkotikabrott")
    value(crimes, world.district, "2021/22", 84, category="personran")
    value(crimes, world.skarholmen, "2021/22", 70, category="personran")
    value(survey, world.liljeholmen, "2021", 23.5, note="Urval 400")
    value(survey, world.district, "2021", 19)
    value(survey, world.skarholmen, "2021", 30)


def test_rows_carry_everything_a_table_needs(world, figures, crimes):
    rows = series_values(series_ids=[crimes.pk], area_ids=[world.district.pk])
    assert [(r.category_name, r.period_key, r.value) for r in rows] == [
        ("Narkotikabrott", "2019/20", 812.0),
        ("Narkotikabrott", "2020/21", 905.0),
        ("Personrån", "2021/22", 84.0),
    ]
    first = rows[0]
    assert isinstance(first, StatValue)
    assert (first.series_id, first.series_name, first.unit, first.source) == (
        crimes.pk,
        "Anmälda brott (Polisen)",
        "antal",
        "Polisen, anmälda brott",
    )
    assert (first.area_id, first.area_name, first.is_demo) == (
        world.district.pk,
        "Hägersten-Älvsjö",
        False,
    )
    assert (first.period_kind, first.period_start, first.period_end) == (
        "reporting_year",
        dt.date(2019, 9, 1),
        dt.date(2020, 8, 31),
    )
    assert first.period_label == "2019/20"
    assert first.unit_label == "antal"


def test_ordered_by_series_area_category_and_period(figures):
    rows = series_values()
    keys = [(r.series_name, r.area_name, r.category_name or "", r.period_start) for r in rows]
    assert keys == sorted(keys)
    assert len(rows) == 7


@pytest.mark.parametrize(
    ("actor", "areas"),
    [
        ("alice", {"Hägersten-Älvsjö", "Liljeholmen"}),
        ("carol", {"Hägersten-Älvsjö", "Liljeholmen", "Skärholmen"}),
        ("dave", {"Skärholmen"}),
        ("bob", set()),
        ("erin", set()),
    ],
)
def test_limited_to_the_areas_the_user_may_see(world, figures, actor, areas):
    rows = series_values(user=getattr(world, actor))
    assert {r.area_name for r in rows} == areas


def test_filters_by_category_and_dates(world, figures, crimes):
    personran = Category.objects.get(code="personran")
    rows = series_values(category_ids=[personran.pk])
    assert {(r.area_name, r.value) for r in rows} == {("Hägersten-Älvsjö", 84), ("Skärholmen", 70)}
    rows = series_values(start=dt.date(2020, 9, 1), end=dt.date(2021, 12, 31))
    assert {r.period_key for r in rows} == {"2020/21", "2021"}
    # A period that only partly lies within the dates is left out.
    rows = series_values(start=dt.date(2021, 1, 1), end=dt.date(2021, 6, 30))
    assert rows == []


def test_a_value_without_category_counts_as_the_series_default(world, survey, value):
    otrygg = Category.objects.get(code="otrygg-plats")
    survey.default_category = otrygg
    survey.save()
    value(survey, world.district, "2023", 20)
    rows = series_values(category_ids=[otrygg.pk])
    assert [(r.category_id, r.category_name) for r in rows] == [(otrygg.pk, otrygg.name)]
    assert series_values(category_ids=[Category.objects.get(code="klotter").pk]) == []


def test_demo_figures_are_marked(world, figures, survey):
    rows = series_values(series_ids=[survey.pk])
    assert rows and all(r.is_demo for r in rows)
    assert {r.unit for r in rows} == {"andel"}
