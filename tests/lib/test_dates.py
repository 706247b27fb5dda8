"""The windows of plausible dates (trygg.lib.dates) and the setting that reads their start."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from trygg.lib.dates import (
    check_dates,
    date_errors,
    event_window,
    planning_window,
    validate_event_date,
    validate_planned_date,
)
from trygg.lib.env import ConfigError, env_date

TODAY = dt.date(2026, 12, 2)
STOCKHOLM = dt.timezone(dt.timedelta(hours=1))


def test_the_event_window_runs_from_1990_to_tomorrow():
    window = event_window(TODAY)
    assert (window.earliest, window.latest) == (dt.date(1990, 1, 1), dt.date(2026, 12, 3))
    assert dt.date(1990, 1, 1) in window and dt.date(2026, 12, 3) in window
    assert dt.date(1989, 12, 31) not in window and dt.date(2026, 12, 4) not in window


def test_the_planning_window_reaches_years_ahead():
    assert planning_window(TODAY).latest == dt.date(2036, 12, 2)
    with override_settings(TRYGG_PLANNING_YEARS=2):
        assert planning_window(dt.date(2024, 2, 29)).latest == dt.date(2026, 2, 28)


def test_times_count_by_their_stockholm_day():
    window = event_window(TODAY)
    assert dt.datetime(1990, 1, 1, 0, 0, tzinfo=STOCKHOLM) in window
    # 23:30 UTC on New Year's Eve 1989 is already 1 January 1990 in Stockholm.
    assert dt.datetime(1989, 12, 31, 23, 30, tzinfo=dt.UTC) in window
    assert dt.datetime(1989, 12, 31, 22, 30, tzinfo=dt.UTC) not in window
    assert dt.datetime(59, 7, 8, 6, 39, 13, tzinfo=dt.UTC) not in window


def test_extreme_values_are_outside_without_overflowing():
    window = event_window(TODAY)
    assert dt.datetime.min.replace(tzinfo=dt.UTC) not in window
    assert dt.datetime.max.replace(tzinfo=dt.UTC) not in window
    assert dt.date.max not in window


def test_errors_name_each_field_outside_its_window_in_swedish():
    errors = date_errors(
        events={"done_on": dt.date(1985, 5, 1), "signed_on": None},
        planned={"due_on": dt.date(2200, 1, 1), "starts_on": dt.date(2030, 1, 1)},
    )
    assert set(errors) == {"done_on", "due_on"}
    assert errors["done_on"].startswith("datumet måste ligga mellan 1990-01-01 och ")
    with pytest.raises(ValidationError) as refused:
        check_dates(events={"on": dt.date(1900, 1, 1)})
    assert set(refused.value.message_dict) == {"on"}


def test_form_validators():
    validate_event_date(None)
    validate_planned_date(dt.date(2030, 6, 1))
    with pytest.raises(ValidationError):
        validate_event_date(dt.date(2030, 6, 1))
    with pytest.raises(ValidationError):
        validate_planned_date(dt.date(1989, 6, 1))


@override_settings(TRYGG_EARLIEST_DATE=dt.date(2010, 1, 1))
def test_the_earliest_date_is_a_setting():
    assert dt.date(2005, 1, 1) not in event_window(TODAY)
    assert dt.date(2005, 1, 1) not in planning_window(TODAY)


def test_env_date_reads_iso_dates_and_refuses_others():
    default = dt.date(1990, 1, 1)
    assert env_date("TRYGG_EARLIEST_DATE", default, environ={}) == default
    assert env_date("D", default, environ={"D": " 2000-02-29 "}) == dt.date(2000, 2, 29)
    with pytest.raises(ConfigError, match="D='1990'"):
        env_date("D", default, environ={"D": "1990"})
