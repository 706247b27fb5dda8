"""What the database holds true about statistics values, whatever writes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from trygg.incidents.models import Category
from trygg.lib.periods import PeriodKind
from trygg.statistics.models import StatisticValue

pytestmark = pytest.mark.django_db


def test_one_value_per_series_area_category_and_period(world, crimes, value):
    value(crimes, world.district, "2021/22", 10, category="narkotikabrott")
    with pytest.raises(IntegrityError), transaction.atomic():
        value(crimes, world.district, "2021/22", 11, category="narkotikabrott")


def test_one_value_without_category_per_series_area_and_period(world, crimes, value):
    value(crimes, world.district, "2021/22", 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        value(crimes, world.district, "2021/22", 11)


def test_values_differ_by_category_area_and_period(world, crimes, value):
    value(crimes, world.district, "2021/22", 10)
    value(crimes, world.district, "2021/22", 10, category="narkotikabrott")
    value(crimes, world.district, "2021/22", 10, category="personran")
    value(crimes, world.liljeholmen, "2021/22", 10)
    value(crimes, world.district, "2020/21", 10)
    value(crimes, world.district, "2021", 10)
    assert StatisticValue.objects.count() == 6


def test_a_period_cannot_end_before_it_starts(world, crimes):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatisticValue.objects.create(
            series=crimes,
            area=world.district,
            period_kind=PeriodKind.RANGE,
            period_start=dt.date(2023, 2, 1),
            period_end=dt.date(2023, 1, 31),
            value=Decimal(1),
        )


def test_a_value_cannot_be_negative(world, crimes, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        value(crimes, world.district, "2023", -1)


def test_a_value_knows_its_period(world, crimes, value):
    stored = value(crimes, world.district, "2021/22", Decimal("812.5"))
    stored.refresh_from_db()
    assert stored.period.key == "2021/22"
    assert stored.period.end == dt.date(2022, 8, 31)
    assert stored.value == Decimal("812.5")
    assert "Hägersten-Älvsjö" in str(stored)


def test_deleting_a_series_deletes_its_values_but_areas_and_categories_are_protected(
    world, crimes, value
):
    value(crimes, world.liljeholmen, "2023", 3, category="klotter")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(code="klotter").delete()
    crimes.delete()
    assert not StatisticValue.objects.exists()
