from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from statsmodels.stats import rates

from trygg.analysis.changes import MEAN, compare_periods, default_week, weekly_view
from trygg.analysis.patterns import monthly_profile, weekday_hour
from trygg.analysis.selection import build_selection
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, Status
from trygg.lib.periods import PeriodKind, local_date, parse_period


def record(world, category, when_list, area=None, time_unknown=False):
    drafts = [
        IncidentDraft(
            category=category,
            occurred_at=when,
            area=area or world.liljeholmen,
            time_unknown=time_unknown,
        )
        for when in when_list
    ]
    record_incidents(drafts, source="import")


@pytest.fixture
def burglary(db):
    return Category.objects.filter(children__isnull=True).order_by("id").first()


def test_change_between_reporting_years_matches_statsmodels(world, burglary):
    # 10 in 2021/22, 30 in 2022/23: a supported increase.
    record(
        world,
        burglary,
        [datetime(2021, 10, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(10)],
    )
    record(
        world,
        burglary,
        [datetime(2022, 10, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(30)],
    )
    selection = build_selection(
        world.alice,
        area_ids=[world.liljeholmen.pk],
        category_ids=[burglary.pk],
        start=date(2021, 9, 1),
        end=date(2023, 8, 31),
    )
    result = compare_periods(selection)
    assert result.current.period.key == "2022/23"
    assert [w.period.key for w in result.baseline] == ["2021/22"]
    (row,) = result.rows
    assert (row.current, row.baseline) == (30, 10)
    reference = rates.test_poisson_2indep(30, 365, 10, 365, method="exact-cond")
    assert row.p_value == pytest.approx(reference.pvalue, abs=1e-12)
    assert row.change_percent == pytest.approx(200)
    assert row.significant and row.direction == "up"
    with translation.override("sv"):
        assert row.verdict == "ökning, statistiskt säkerställd"


def test_small_wobbles_are_not_called_changes(world, burglary):
    record(
        world,
        burglary,
        [datetime(2021, 10, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(10)],
    )
    record(
        world,
        burglary,
        [datetime(2022, 10, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(13)],
    )
    selection = build_selection(
        world.alice,
        area_ids=[world.liljeholmen.pk],
        category_ids=[burglary.pk],
        end=date(2023, 8, 31),
    )
    (row,) = compare_periods(selection).rows
    assert row.change_percent == pytest.approx(30)
    assert not row.significant
    with translation.override("sv"):
        assert row.verdict == "ingen säkerställd förändring"


def test_partial_current_period_compares_the_same_part_of_earlier_ones(world, burglary):
    record(
        world,
        burglary,
        [datetime(2021, 9, 5, 12, tzinfo=UTC), datetime(2021, 11, 5, 12, tzinfo=UTC)],
    )
    record(world, burglary, [datetime(2022, 9, 5, 12, tzinfo=UTC)])
    selection = build_selection(
        world.alice,
        area_ids=[world.liljeholmen.pk],
        category_ids=[burglary.pk],
        end=date(2022, 9, 30),
    )
    result = compare_periods(selection)
    assert result.current.partial
    assert result.baseline[0].end == date(2021, 9, 30)
    (row,) = result.rows
    assert (row.current, row.baseline) == (1, 1)


def test_against_the_mean_of_previous_periods(world, burglary):
    for year, n in [(2019, 10), (2020, 14), (2021, 12), (2022, 40)]:
        record(
            world,
            burglary,
            [datetime(year, 10, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(n)],
        )
    selection = build_selection(
        world.alice,
        area_ids=[world.liljeholmen.pk],
        category_ids=[burglary.pk],
        end=date(2023, 8, 31),
    )
    result = compare_periods(selection, comparison=MEAN, n_previous=3)
    (row,) = result.rows
    assert row.baseline_counts == (10, 14, 12)
    assert row.baseline == pytest.approx(12)
    days = [w.days for w in result.baseline]
    reference = rates.test_poisson_2indep(
        40, result.current.days, 36, sum(days), method="exact-cond"
    )
    assert row.p_value == pytest.approx(reference.pvalue, abs=1e-12)
    assert row.significant


def test_weekly_view_flags_an_improbable_week(world, burglary):
    week = parse_period("2023-W20")
    # One a week for eight weeks, then nine in week 20.
    quiet = [
        datetime.combine(w.start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        for w in week.previous(8)
    ]
    record(world, burglary, quiet)
    record(world, burglary, [datetime(2023, 5, 16, 12, tzinfo=UTC)] * 9)
    selection = build_selection(
        world.alice, area_ids=[world.liljeholmen.pk], category_ids=[burglary.pk]
    )
    result = weekly_view(selection, week)
    (row,) = result.rows
    assert row.count == 9 and row.previous == (1,) * 8
    assert row.stands_out and result.standing_out == [row]
    # The default week falls back to the last complete week of data when nothing happened
    # lately (week 20's data stops on Tuesday, so week 19).
    assert default_week(selection, today=date(2026, 11, 27)) == week.shift(-1)
    assert default_week(selection, today=date(2023, 5, 24)) == week


def test_weekday_hour_matrix_in_stockholm_time(world, burglary):
    # Friday 2023-06-02 23:30 UTC is Saturday 01:30 in Stockholm (summer time).
    record(world, burglary, [datetime(2023, 6, 2, 23, 30, tzinfo=UTC)])
    record(world, burglary, [datetime(2023, 6, 5, 0, 0, tzinfo=UTC)], time_unknown=True)
    selection = build_selection(world.alice, area_ids=[world.district.pk])
    pattern = weekday_hour(selection)
    assert pattern.matrix[5][1] == 1
    assert pattern.total == 1 and pattern.unknown_time == 1
    profile = monthly_profile(selection)
    assert profile.counts[5] == 2 and profile.total == 2


def test_a_time_window_is_spread_over_its_hours(world, burglary, client):
    # Friday 2023-06-02 22:00 – Saturday 02:00 Stockholm (CEST, UTC+2): four hours, a quarter
    # each; counted once, in the period of its start.
    start = datetime(2023, 6, 2, 20, 0, tzinfo=UTC)
    record_incidents(
        [
            IncidentDraft(
                category=burglary,
                occurred_at=start,
                occurred_until=start + timedelta(hours=4),
                area=world.liljeholmen,
            ),
            IncidentDraft(category=burglary, occurred_at=start, area=world.liljeholmen),
        ],
        source="import",
    )
    selection = build_selection(world.alice, area_ids=[world.district.pk])
    pattern = weekday_hour(selection)
    assert pattern.matrix[4][22] == 1.25  # the window's quarter and the instant at 22:00
    assert pattern.matrix[4][23] == pattern.matrix[5][0] == pattern.matrix[5][1] == 0.25
    assert pattern.total == 2 and pattern.windowed == 1
    assert monthly_profile(selection).counts[5] == 2
    client.force_login(world.alice)
    body = client.get("/api/v1/analysis/time-pattern/", {"area": world.district.pk}).json()
    assert body["matrix"][4][22] == 1.25 and body["windowed"] == 1 and body["total"] == 2


def test_patterns_equal_plain_counts(world, incidents):
    selection = build_selection(world.carol, start=date(2021, 9, 1), end=date(2023, 8, 31))
    counted = [
        i
        for i in Incident.objects.exclude(status=Status.AVVISAD)
        if date(2021, 9, 1) <= local_date(i.occurred_at) <= date(2023, 8, 31)
    ]
    pattern = weekday_hour(selection)
    for incident in counted[:50]:
        local = incident.occurred_at.astimezone(local_date.__globals__["STOCKHOLM"])
        assert pattern.matrix[local.weekday()][local.hour] >= 1
    assert pattern.total + pattern.unknown_time == len(counted)
    profile = monthly_profile(selection)
    assert profile.total == len(counted)
    assert profile.occurrences == (2,) * 12
    ranged = build_selection(
        world.carol, start=date(2021, 9, 3), end=date(2023, 8, 31), period_kind=PeriodKind.RANGE
    )
    assert monthly_profile(ranged).total == len(
        [i for i in counted if local_date(i.occurred_at) >= date(2021, 9, 3)]
    )


def test_monthly_profile_of_a_range_with_odd_edges_equals_a_plain_count(world, incidents):
    """The first and last months only partly in the range count just their days in it."""
    start, end = date(2021, 9, 3), date(2023, 6, 17)
    ranged = build_selection(world.carol, start=start, end=end, period_kind=PeriodKind.RANGE)
    expected = [0] * 12
    for incident in Incident.objects.exclude(status=Status.AVVISAD):
        day = local_date(incident.occurred_at)
        if start <= day <= end:
            expected[day.month - 1] += 1
    profile = monthly_profile(ranged)
    assert list(profile.counts) == expected
    assert profile.occurrences == (2, 2, 2, 2, 2, 2, 1, 1, 2, 2, 2, 2)
