import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from trygg.lib.periods import (
    REPEATING,
    STOCKHOLM,
    Period,
    PeriodError,
    PeriodKind,
    local_date,
    parse_period,
    period_of,
    periods_between,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
kinds = st.sampled_from(list(PeriodKind))
repeating = st.sampled_from(REPEATING)
first_months = st.integers(min_value=1, max_value=12)


def test_reporting_year_runs_september_to_august_and_is_labelled_2021_22():
    period = period_of(PeriodKind.REPORTING_YEAR, date(2022, 3, 5))
    assert (period.start, period.end) == (date(2021, 9, 1), date(2022, 8, 31))
    assert period.key == period.label == "2021/22"
    assert period_of("reporting_year", date(2022, 9, 1)).key == "2022/23"
    assert period_of("reporting_year", date(1999, 9, 1)).key == "1999/00"


def test_reporting_year_first_month_is_configurable():
    period = period_of(PeriodKind.REPORTING_YEAR, date(2022, 3, 5), first_month=7)
    assert (period.start, period.end) == (date(2021, 7, 1), date(2022, 6, 30))
    january = period_of(PeriodKind.REPORTING_YEAR, date(2022, 3, 5), first_month=1)
    assert january.key == "2022"
    assert parse_period("2022", PeriodKind.REPORTING_YEAR, first_month=1) == january


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "key"),
    [
        ("year", date(2023, 6, 1), date(2023, 1, 1), date(2023, 12, 31), "2023"),
        ("tertial", date(2023, 4, 30), date(2023, 1, 1), date(2023, 4, 30), "2023-T1"),
        ("tertial", date(2023, 5, 1), date(2023, 5, 1), date(2023, 8, 31), "2023-T2"),
        ("tertial", date(2023, 12, 31), date(2023, 9, 1), date(2023, 12, 31), "2023-T3"),
        ("quarter", date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31), "2024-Q1"),
        ("quarter", date(2023, 11, 2), date(2023, 10, 1), date(2023, 12, 31), "2023-Q4"),
        ("month", date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("month", date(2023, 12, 31), date(2023, 12, 1), date(2023, 12, 31), "2023-12"),
        # ISO week 1 of 2021 starts on Monday 4 January; 1 January 2021 is in week 53 of 2020.
        ("week", date(2021, 1, 1), date(2020, 12, 28), date(2021, 1, 3), "2020-W53"),
        ("week", date(2021, 1, 4), date(2021, 1, 4), date(2021, 1, 10), "2021-W01"),
        ("week", date(2024, 12, 31), date(2024, 12, 30), date(2025, 1, 5), "2025-W01"),
    ],
)
def test_periods_of_each_kind(kind, day, start, end, key):
    period = period_of(kind, day)
    assert (period.start, period.end, period.key) == (start, end, key)
    assert parse_period(key) == period


def test_swedish_labels():
    with translation.override("sv"):
        assert period_of("month", date(2023, 3, 1)).label == "mars 2023"
        assert period_of("week", date(2023, 2, 1)).label == "vecka 5 2023"
        assert period_of("tertial", date(2023, 9, 1)).label == "T3 2023"
        assert period_of("quarter", date(2023, 9, 1)).label == "kv. 3 2023"
        assert (
            Period(date(2023, 1, 1), date(2023, 2, 14)).label == "1 januari 2023 – 14 februari 2023"
        )


def test_bounds_are_stockholm_midnights_across_daylight_saving():
    # Summer time starts 26 March 2023 and ends 29 October 2023.
    march = period_of("month", date(2023, 3, 1))
    start, stop = march.bounds()
    assert start.astimezone(UTC) == datetime(2023, 2, 28, 23, 0, tzinfo=UTC)
    assert stop.astimezone(UTC) == datetime(2023, 3, 31, 22, 0, tzinfo=UTC)
    assert stop.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=31, hours=-1)
    october = period_of("month", date(2023, 10, 1))
    start, stop = october.bounds()
    assert stop.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=31, hours=1)
    week = period_of("week", date(2023, 3, 26))
    assert week.bounds()[1].astimezone(UTC) == datetime(2023, 3, 26, 22, 0, tzinfo=UTC)


def test_local_date_uses_stockholm_not_utc():
    assert local_date(datetime(2023, 3, 31, 22, 30, tzinfo=UTC)) == date(2023, 4, 1)
    assert local_date(datetime(2022, 12, 31, 23, 30, tzinfo=UTC)) == date(2023, 1, 1)
    with pytest.raises(PeriodError):
        local_date(datetime(2023, 1, 1))


def test_previous_periods_and_ranges():
    year = parse_period("2022/23")
    assert [p.key for p in year.previous(3)] == ["2019/20", "2020/21", "2021/22"]
    week = parse_period("2023-W01")
    assert week.shift(-1).key == "2022-W52"
    span = Period(date(2023, 1, 10), date(2023, 1, 19))
    assert span.shift(-1) == Period(date(2022, 12, 31), date(2023, 1, 9))


def test_periods_between_cover_the_range():
    keys = [p.key for p in periods_between("reporting_year", date(2021, 9, 1), date(2023, 8, 31))]
    assert keys == ["2021/22", "2022/23"]
    months = periods_between("month", date(2023, 1, 15), date(2023, 3, 1))
    assert [p.key for p in months] == ["2023-01", "2023-02", "2023-03"]
    assert periods_between("range", date(2023, 1, 15), date(2023, 3, 1)) == [
        Period(date(2023, 1, 15), date(2023, 3, 1))
    ]
    with pytest.raises(PeriodError):
        periods_between("month", date(2023, 3, 1), date(2023, 1, 1))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2019/2020", "2019/20"),
        ("2019/20", "2019/20"),
        ("2019-2020", "2019/20"),
        ("T2 2023", "2023-T2"),
        ("2023 t2", "2023-T2"),
        ("kv1 2023", "2023-Q1"),
        ("KV. 4 2023", "2023-Q4"),
        ("2023 Q3", "2023-Q3"),
        ("v. 5 2023", "2023-W05"),
        ("2023W5", "2023-W05"),
        ("2023-3", "2023-03"),
        ("2023-01-01 – 2023-02-14", "2023-01-01..2023-02-14"),
    ],
)
def test_parse_accepts_how_people_write_periods(text, key):
    assert parse_period(text).key == key


@pytest.mark.parametrize(
    "text",
    ["", "2019/21", "2023-13", "2023-T4", "2023-Q5", "2021-W54", "2023-02-01..2023-01-01", "igår"],
)
def test_parse_refuses_with_a_message(text):
    with pytest.raises(PeriodError, match="period"):
        parse_period(text)


def test_parse_checks_the_kind():
    with translation.override("sv"), pytest.raises(PeriodError, match="2023-Q1"):
        parse_period("2023-03", PeriodKind.QUARTER)


@given(kind=repeating, day=days, first_month=first_months)
def test_period_of_contains_the_day_and_round_trips(kind, day, first_month):
    period = period_of(kind, day, first_month)
    assert period.contains(day)
    assert parse_period(period.key, kind, first_month) == period
    assert period_of(kind, period.start, first_month) == period
    assert period_of(kind, period.end, first_month) == period


@given(kind=repeating, day=days, first_month=first_months, steps=st.integers(-30, 30))
def test_consecutive_periods_tile_time(kind, day, first_month, steps):
    period = period_of(kind, day, first_month)
    following = period.shift(1)
    assert following.start == period.stop
    assert period.shift(steps).shift(-steps) == period


@given(kind=repeating, start=days, length=st.integers(0, 800))
def test_periods_between_tile_without_gaps(kind, start, length):
    end = start + timedelta(days=length)
    periods = periods_between(kind, start, end)
    assert periods[0].contains(start)
    assert periods[-1].contains(end)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.stop


@given(kind=kinds, day=days)
def test_bounds_are_whole_local_days(kind, day):
    period = period_of(kind, day)
    start, stop = period.bounds()
    assert start.tzinfo is STOCKHOLM
    assert local_date(start) == period.start
    assert local_date(stop) == period.stop
    assert local_date(stop - timedelta(microseconds=1)) == period.end


@given(start=days, length=st.integers(0, 800))
def test_whole_months_are_the_months_inside_and_the_edges_hold_none(start, length):
    period = Period(start, start + timedelta(days=length))
    inside = period.whole_months()
    whole = [m for m in period.months() if period_of(PeriodKind.MONTH, m).stop <= period.stop]
    whole = [m for m in whole if m >= period.start]
    if inside is None:
        assert whole == []
        return
    first, stop = inside
    assert first.day == stop.day == 1
    assert period.start <= first < stop <= period.stop
    assert whole[0] == first and period_of(PeriodKind.MONTH, whole[-1]).stop == stop
    # The edges are shorter than a month and do not reach a month's first and last day.
    assert (first - period.start).days < 31 and (period.stop - stop).days < 31
    assert period.start.day != 1 or first == period.start
    assert period.stop.day != 1 or stop == period.stop


def test_whole_months_of_a_reporting_year_clipped_at_both_ends():
    period = Period(date(2021, 9, 17), date(2023, 6, 5))
    assert period.whole_months() == (date(2021, 10, 1), date(2023, 6, 1))
    assert Period(date(2022, 1, 3), date(2022, 2, 27)).whole_months() is None
    assert Period(date(2022, 1, 1), date(2022, 1, 31)).whole_months() == (
        date(2022, 1, 1),
        date(2022, 2, 1),
    )
    assert period_of(PeriodKind.WEEK, date(2023, 5, 1)).whole_months() is None
