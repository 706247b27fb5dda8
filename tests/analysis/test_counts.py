import json
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from trygg.analysis.counts import CountError, count_incidents, data_range, split_periods
from trygg.analysis.selection import build_selection
from trygg.analysis.tables import count_dicts, count_json
from trygg.incidents.actions import IncidentDraft, record_incidents, review_incidents
from trygg.incidents.models import COUNTED_STATUSES, Category, Incident, Source, Status
from trygg.lib.periods import STOCKHOLM, Period, PeriodKind, local_date, period_of


def reference_counts(incidents, selection, periods, group_by, weight=None):
    """A plain-Python count straight from the incident rows, to hold the engine to; with
    ``weight`` (category id → harm weight), the summed harm instead."""
    counts = Counter()
    for incident in incidents:
        if incident.status not in COUNTED_STATUSES:
            continue
        if (
            selection.organisation_ids
            and incident.organisation_id not in selection.organisation_ids
        ):
            continue
        if selection.sources and incident.source not in selection.sources:
            continue
        day = local_date(incident.occurred_at)
        for index, period in enumerate(periods):
            if not period.contains(day):
                continue
            for area in selection.areas if "area" in group_by else [None]:
                if area is not None and incident.area_id not in area.members:
                    continue
                if area is None and incident.area_id not in selection.area_ids:
                    continue
                for category in selection.categories if "category" in group_by else [None]:
                    if category is not None and incident.category_id not in category.members:
                        continue
                    wanted = selection.category_ids
                    if (
                        category is None
                        and wanted is not None
                        and incident.category_id not in wanted
                    ):
                        continue
                    key = (
                        area.id if area else None,
                        category.id if category else None,
                        index if "period" in group_by else None,
                        incident.organisation_id if "organisation" in group_by else None,
                        incident.source if "source" in group_by else None,
                    )
                    counts[key] += 1 if weight is None else weight.get(incident.category_id, 0)
    return counts


def engine_counts(result):
    found = Counter()
    for row in result.rows:
        key = (
            row.area.id if row.area else None,
            row.category.id if row.category else None,
            result.periods.index(row.period) if row.period else None,
            row.organisation_id if "organisation" in result.group_by else None,
            row.source,
        )
        found[key] += row.count
    return +found  # drop zeros


def test_counts_by_area_category_and_reporting_year(world, incidents):
    selection = build_selection(
        world.carol,
        area_ids=[world.district.pk, world.liljeholmen.pk, world.skarholmen.pk],
        start=date(2021, 9, 1),
        end=date(2023, 8, 31),
    )
    result = count_incidents(selection)
    assert result.from_rollup
    assert [p.key for p in result.periods] == ["2021/22", "2022/23"]
    # Every combination is listed, zeros included.
    assert len(result.rows) == 3 * len(selection.categories) * 2
    reference = reference_counts(incidents, selection, result.periods, result.group_by)
    assert engine_counts(result) == +reference
    # A district includes its neighbourhoods.
    district = sum(r.count for r in result.rows if r.area.id == world.district.pk)
    liljeholmen = sum(r.count for r in result.rows if r.area.id == world.liljeholmen.pk)
    assert district > liljeholmen > 0


def test_rejected_incidents_are_not_counted(world, incidents):
    selection = build_selection(world.carol, start=date(2021, 1, 1), end=date(2024, 12, 31))
    total = count_incidents(selection, group_by=()).total
    counted = Incident.objects.exclude(status=Status.AVVISAD).count()
    assert total == counted < len(incidents)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(list(PeriodKind)),
    start=st.dates(min_value=date(2021, 7, 1), max_value=date(2023, 9, 30)),
    length=st.integers(0, 500),
    group_by=st.sets(st.sampled_from(["area", "category", "period", "organisation", "source"])),
    category_pick=st.integers(0, 3),
    narrowed=st.sampled_from(["", "organisation", "source"]),
)
def test_engine_equals_plain_count_for_any_range(
    world_and_incidents, kind, start, length, group_by, category_pick, narrowed
):
    """Raw rows, the wide rollup and the narrow rollup give the same rows for any selection
    they can answer, and all equal a plain count; the API's JSON text equals the dicts."""
    world, incidents = world_and_incidents
    categories = list(Category.objects.filter(parent__isnull=True).order_by("id"))
    chosen = [categories[category_pick].pk] if category_pick < len(categories) else []
    selection = build_selection(
        world.carol,
        area_ids=[world.stockholm.pk, world.liljeholmen.pk],
        category_ids=chosen,
        start=start,
        end=date.fromordinal(start.toordinal() + length),
        period_kind=kind,
        organisation_ids=[world.housing.pk, world.police.pk] if narrowed == "organisation" else (),
        sources=[Source.WEBB, Source.POLISEN] if narrowed == "source" else (),
    )
    group_by = sorted(group_by)
    result = count_incidents(selection, group_by=group_by, use_rollup=False)
    assert result.table == "incidents"
    reference = reference_counts(incidents, selection, result.periods, result.group_by)
    assert engine_counts(result) == +reference
    assert_json_equals_dicts(result)
    narrow_fits = not narrowed and not {"organisation", "source"} & set(group_by)
    assert_split_equals_raw(selection, group_by, result, narrow_fits)
    if not all(p.month_aligned for p in result.periods):
        assert count_incidents(selection, group_by=group_by).table == "incidents"
        return
    wide = count_incidents(selection, group_by=group_by, table="rollup")
    assert wide.rows == result.rows
    chosen_table = count_incidents(selection, group_by=group_by).table
    assert chosen_table == ("counted" if narrow_fits else "rollup")
    if narrow_fits:
        narrow = count_incidents(selection, group_by=group_by, table="counted")
        assert narrow.rows == result.rows
        assert narrow.total == result.total
        assert_json_equals_dicts(narrow)
    else:
        with pytest.raises(CountError):
            count_incidents(selection, group_by=group_by, table="counted")


def assert_split_equals_raw(selection, group_by, raw, narrow_fits):
    """Whole months from each rollup that can answer, the edge days from the raw rows: the
    same rows as counting every day from the raw rows; the raw table is read only for days
    outside the whole months."""
    months_table = "counted" if narrow_fits else "rollup"
    split = count_incidents(selection, group_by=group_by)
    assert split.rows == raw.rows
    assert split.total == raw.total
    assert_json_equals_dicts(split)
    months, days = split_periods(raw.periods, together="period" not in raw.group_by)
    expected = ((months_table,) if months.ranges else ()) + (("incidents",) if days.ranges else ())
    assert split.tables == expected
    assert split.from_rollup == (not days.ranges)
    for start, stop in days.ranges:
        assert Period(start, stop - timedelta(days=1)).whole_months() is None
    for table in ("rollup", "counted") if narrow_fits else ("rollup",):
        assert count_incidents(selection, group_by=group_by, table=table).rows == raw.rows


def assert_json_equals_dicts(result):
    """The endpoint's JSON text says what DRF would render from ``count_dicts``."""
    expected = {
        "group_by": list(result.group_by),
        "rows": count_dicts(result),
        "total": result.total,
    }
    assert json.loads(count_json(result)) == json.loads(JSONRenderer().render(expected))


def test_narrow_rollup_answers_reporting_years_over_sub_areas_and_sub_categories(world, incidents):
    world.liljeholmen.population = 12_345
    world.liljeholmen.save()
    selection = build_selection(
        world.carol,
        area_ids=[world.district.pk, world.liljeholmen.pk, world.skarholmen.pk],
        start=date(2021, 9, 1),
        end=date(2023, 8, 31),
    )
    narrow = count_incidents(selection)
    assert narrow.table == "counted" and narrow.from_rollup
    raw = count_incidents(selection, use_rollup=False)
    assert narrow.rows == raw.rows
    assert_json_equals_dicts(narrow)
    rates = [r["rate_per_1000"] for r in json.loads(count_json(narrow))["rows"]]
    assert any(r is None for r in rates) and any(r for r in rates)


@pytest.fixture
def world_and_incidents(world, incidents):
    return world, incidents


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(list(PeriodKind)),
    start=st.dates(min_value=date(2021, 7, 1), max_value=date(2023, 9, 30)),
    length=st.integers(0, 500),
    group_by=st.sets(st.sampled_from(["area", "category", "period", "organisation", "source"])),
    weights=st.lists(
        st.one_of(st.none(), st.floats(0, 5000, allow_nan=False).map(lambda w: round(w, 2))),
        min_size=12,
        max_size=12,
    ),
)
def test_harm_equals_a_plain_sum_of_weights_for_any_range(
    world_and_incidents, kind, start, length, group_by, weights
):
    """Harm from raw rows and from either rollup equals summing each counted incident's
    category weight in Python (categories without a weight add nothing)."""
    world, incidents = world_and_incidents
    categories = list(Category.objects.order_by("id"))
    weight = {}
    with transaction.atomic():
        for category, value in zip(categories, weights * 10, strict=False):
            Category.objects.filter(pk=category.pk).update(harm_weight=value)
            if value is not None:
                weight[category.pk] = value
        selection = build_selection(
            world.carol,
            area_ids=[world.stockholm.pk, world.liljeholmen.pk],
            start=start,
            end=date.fromordinal(start.toordinal() + length),
            period_kind=kind,
        )
        group_by = sorted(group_by)
        raw = count_incidents(selection, group_by=group_by, use_rollup=False, harm=True)
        assert raw.measure == "harm"
        reference = reference_counts(incidents, selection, raw.periods, raw.group_by, weight)
        found = engine_counts(raw)
        # Rows round to one decimal: a harm of 0.05 or more shows, one below 0.05 does not.
        assert {key for key, value in reference.items() if value > 0.0501} <= set(found)
        assert set(found) <= {key for key, value in reference.items() if value > 0.0499}
        for key, value in reference.items():
            assert found.get(key, 0) == pytest.approx(value, abs=0.051)
        # Each row is rounded to one decimal (a row of 0.02 shows 0.0): the total may differ
        # from the exact sum by up to half a tenth per row.
        cells = max(len(raw.rows), len(reference))
        assert raw.total == pytest.approx(sum(reference.values()), abs=0.05 * cells + 0.05)
        split = count_incidents(selection, group_by=group_by, harm=True)
        assert split.rows == raw.rows
        if all(p.month_aligned for p in raw.periods):
            wide = count_incidents(selection, group_by=group_by, table="rollup", harm=True)
            assert wide.rows == raw.rows
        transaction.set_rollback(True)


def test_rollup_refuses_periods_that_are_not_whole_months(world, incidents):
    selection = build_selection(world.carol, start=date(2022, 1, 3), end=date(2022, 2, 27))
    with pytest.raises(CountError):
        count_incidents(
            selection, periods=[Period(date(2022, 1, 3), date(2022, 2, 27))], use_rollup=True
        )
    assert not count_incidents(selection).from_rollup


def test_month_ends_in_stockholm_time(world, incidents):
    # 2023-03-31 22:30 UTC is 1 April in Stockholm.
    selection = build_selection(
        world.carol, period_kind="month", start=date(2023, 3, 1), end=date(2023, 4, 30)
    )
    raw = count_incidents(selection, ("period",), use_rollup=False)
    rolled = count_incidents(selection, ("period",), use_rollup=True)
    assert [r.count for r in raw.rows] == [r.count for r in rolled.rows]


def test_rates_per_1000_inhabitants(world, incidents):
    world.liljeholmen.population = 20_000
    world.liljeholmen.save()
    selection = build_selection(
        world.carol,
        area_ids=[world.liljeholmen.pk, world.skarholmen.pk],
        start=date(2022, 9, 1),
        end=date(2023, 8, 31),
    )
    rows = count_incidents(selection, ("area",)).rows
    liljeholmen = next(r for r in rows if r.area.id == world.liljeholmen.pk)
    assert liljeholmen.rate_per_1000 == pytest.approx(liljeholmen.count / 20)
    assert next(r for r in rows if r.area.id == world.skarholmen.pk).rate_per_1000 is None


def test_selection_is_limited_to_what_the_user_sees(world, incidents):
    with pytest.raises(PermissionDenied):
        build_selection(world.alice, area_ids=[world.skarholmen.pk])
    with pytest.raises(PermissionDenied):
        build_selection(world.erin)
    # Without areas: the user's own top area.
    selection = build_selection(world.alice)
    assert [g.id for g in selection.areas] == [world.district.pk]


def test_unknown_dimension_is_refused(world):
    selection = build_selection(world.carol)
    with pytest.raises(CountError, match="weather"):
        count_incidents(selection, ("weather",))


def test_open_ended_selection_spans_the_data(world, incidents):
    selection = build_selection(world.carol, period_kind=PeriodKind.YEAR)
    result = count_incidents(selection, ("period",))
    assert result.periods[0].start >= date(2021, 1, 1)
    assert result.periods[-1].end <= date(2023, 12, 31)
    assert (
        result.periods[0] != period_of("year", date(2021, 1, 1)) or result.periods[0].key == "2021"
    )
    assert result.total == Incident.objects.exclude(status=Status.AVVISAD).count()


def test_resolving_an_open_range_changes_no_count(world, incidents):
    from trygg.analysis.counts import resolve_range

    selection = build_selection(world.carol, period_kind=PeriodKind.QUARTER)
    resolved = resolve_range(selection)
    assert resolved.start is not None and resolved.end is not None
    assert count_incidents(resolved).rows == count_incidents(selection).rows
    assert resolve_range(resolved) is resolved


@pytest.mark.parametrize("group_by", [("area", "category", "period"), ("period",), ("area",), ()])
def test_narrow_rollup_splits_many_periods_over_several_queries(
    world, incidents, monkeypatch, group_by
):
    from trygg.analysis import counts

    monkeypatch.setattr(counts, "_PERIODS_PER_QUERY", 2)
    selection = build_selection(
        world.carol, period_kind="month", start=date(2021, 8, 1), end=date(2023, 9, 30)
    )
    narrow = count_incidents(selection, group_by, table="counted")
    assert len(narrow.periods) == 26
    assert narrow.rows == count_incidents(selection, group_by, use_rollup=False).rows


def test_json_text_when_every_area_has_a_population_and_names_hold_percent_signs(world, incidents):
    from trygg.places.models import Area

    for population, area in enumerate(Area.objects.order_by("id"), start=1_000):
        area.population = population * 7
        area.save()
    category = Category.objects.filter(parent__isnull=True).order_by("id").first()
    category.name = 'Skadegörelse 100 % "citat" %s %d'
    category.save()
    selection = build_selection(
        world.carol,
        area_ids=[world.district.pk, world.liljeholmen.pk, world.skarholmen.pk],
        start=date(2021, 9, 1),
        end=date(2023, 8, 31),
    )
    result = count_incidents(selection)
    assert all(g.population for g in result.areas)
    assert_json_equals_dicts(result)
    assert_json_equals_dicts(count_incidents(selection))  # the template from the cache
    rows = json.loads(count_json(result))["rows"]
    assert any(r["category_name"] == category.name for r in rows)
    assert all(isinstance(r["rate_per_1000"], float) for r in rows)


@pytest.mark.parametrize("group_by", [("area",), ("area", "category", "period"), ("source",), ()])
def test_no_data_and_no_range_lists_nothing(world, group_by):
    selection = build_selection(world.carol)
    result = count_incidents(selection, group_by)
    assert result.periods == () and result.rows == () and result.total == 0
    assert json.loads(count_json(result))["rows"] == []
    assert_json_equals_dicts(result)


# Edge days: the days outside whole months come from the raw rows, bounded at Stockholm
# midnight. Incidents just before and after those midnights, across daylight-saving changes,
# month ends and year ends, must fall on the same side in the split count as in a raw count.

_EDGE_DAYS = [
    date(2022, 3, 27),  # summer time begins
    date(2022, 10, 30),  # summer time ends
    date(2023, 3, 26),
    date(2023, 10, 29),
    date(2022, 12, 31),  # a year end
    date(2023, 1, 1),
    date(2022, 8, 31),  # a reporting year's end
    date(2023, 2, 28),
]
_near_edges = st.builds(
    lambda day, shift: day + timedelta(days=shift), st.sampled_from(_EDGE_DAYS), st.integers(-3, 3)
)


class _Rollback(Exception):
    pass


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    start=_near_edges,
    end=_near_edges,
    kind=st.sampled_from(list(PeriodKind)),
    group_by=st.sets(st.sampled_from(["area", "category", "period", "organisation", "source"])),
    narrowed=st.sampled_from(["", "organisation", "source"]),
    data=st.data(),
)
def test_split_count_equals_raw_count_at_stockholm_midnights_of_the_edges(
    world, start, end, kind, group_by, narrowed, data
):
    start, end = min(start, end), max(start, end)
    # Incidents within two hours of the Stockholm midnights that begin and end each edge:
    # the range's first and last days, the days beside them and the first days of months.
    edges = {start, start + timedelta(days=1), end, end + timedelta(days=1)}
    edges |= {start.replace(day=1), (end + timedelta(days=1)).replace(day=1)}
    moment = st.builds(
        lambda day, minutes: (
            datetime.combine(day, time(0), tzinfo=STOCKHOLM) + timedelta(minutes=minutes)
        ),
        st.sampled_from(sorted(edges)),
        st.integers(-120, 120),
    )
    drawn = data.draw(
        st.lists(
            st.tuples(
                moment,
                st.sampled_from(["liljeholmen", "district", "skarholmen"]),
                st.sampled_from(["klotter", "stold", "ran"]),
                st.sampled_from([None, "housing", "police"]),
                st.sampled_from([Source.WEBB, Source.IMPORT, Source.POLISEN]),
                st.booleans(),
            ),
            min_size=1,
            max_size=30,
        )
    )
    try:
        with transaction.atomic():
            for source in {row[4] for row in drawn}:
                batch = [row for row in drawn if row[4] == source]
                drafts = [
                    IncidentDraft(
                        category=Category.objects.get(code=code),
                        occurred_at=when,
                        area=getattr(world, area),
                        organisation=getattr(world, org) if org else None,
                        description="",
                    )
                    for when, area, code, org, _source, _rejected in batch
                ]
                created = record_incidents(drafts, source=source).created
                rejected = [i for i, row in zip(created, batch, strict=True) if row[5]]
                review_incidents(rejected, status=Status.AVVISAD, user=world.carol)
            selection = build_selection(
                world.carol,
                area_ids=[world.stockholm.pk, world.liljeholmen.pk],
                start=start,
                end=end,
                period_kind=kind,
                organisation_ids=[world.housing.pk] if narrowed == "organisation" else (),
                sources=[Source.WEBB, Source.POLISEN] if narrowed == "source" else (),
            )
            group_by = sorted(group_by)
            raw = count_incidents(selection, group_by=group_by, use_rollup=False)
            incidents = list(Incident.objects.all())
            reference = reference_counts(incidents, selection, raw.periods, raw.group_by)
            assert engine_counts(raw) == +reference
            narrow_fits = not narrowed and not {"organisation", "source"} & set(group_by)
            assert_split_equals_raw(selection, group_by, raw, narrow_fits)
            raise _Rollback
    except _Rollback:
        pass


def test_default_range_reads_whole_months_from_the_rollup_and_only_the_edge_days_raw(
    world, incidents
):
    """First to last data (what the API and Analys ask without start and end) is rarely on
    month edges; only the first and last partial months are read from the raw rows."""
    selection = build_selection(world.carol)
    first, last = data_range(selection)
    assert first.day != 1 and (last + timedelta(days=1)).day != 1  # the fixture's data
    result = count_incidents(selection)
    assert result.tables == ("counted", "incidents") and result.table == "incidents"
    assert result.periods[0].start == first and result.periods[-1].end == last
    months, days = split_periods(result.periods)
    month_after_first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    assert days.ranges == ((first, month_after_first), (last.replace(day=1), last + timedelta(1)))
    assert months.ranges[0][0] == month_after_first and months.ranges[-1][1] == last.replace(day=1)
    assert result.rows == count_incidents(selection, use_rollup=False).rows
    assert engine_counts(result) == +reference_counts(
        incidents, selection, result.periods, result.group_by
    )


def test_overlapping_periods_counted_together_count_each_day_once(world, incidents):
    """Without ``period`` in the grouping the periods' union is counted; a whole month of one
    period that another's edge days overlap is not counted twice."""
    selection = build_selection(world.carol, start=date(2022, 1, 1), end=date(2022, 3, 31))
    periods = [
        Period(date(2022, 1, 1), date(2022, 1, 31)),
        Period(date(2022, 1, 10), date(2022, 2, 5)),
    ]
    for group_by in [("area",), ("category", "source"), ()]:
        split = count_incidents(selection, group_by, periods=periods)
        assert split.tables[0] in ("counted", "rollup") and split.tables[-1] == "incidents"
        raw = count_incidents(selection, group_by, periods=periods, use_rollup=False)
        assert split.rows == raw.rows
        union = [Period(date(2022, 1, 1), date(2022, 2, 5))]
        assert engine_counts(split) == +reference_counts(incidents, selection, union, group_by)
