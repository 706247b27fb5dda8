"""The monthly rollup equals a raw count of the incidents after every way of writing them."""

import datetime as dt
import gzip
import importlib
import json
import zoneinfo
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from trygg.incidents.actions import (
    REVIEW_STATUSES,
    IncidentDraft,
    merge_incidents,
    record_incidents,
    review_incidents,
    update_incident,
)
from trygg.incidents.imports import import_incidents
from trygg.incidents.models import (
    COUNTED_STATUSES,
    Category,
    CountedRollup,
    Incident,
    IncidentRollup,
    Source,
    Status,
)
from trygg.incidents.rollup import rebuild_rollup, refresh_rollup
from trygg.lib.periods import month_of, month_start, months_between

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
DIMENSIONS = ("area_id", "category_id", "organisation_id", "source", "status")


def rollup_counts() -> Counter:
    return Counter(
        {
            (r["month"], *(r[d] for d in DIMENSIONS)): r["count"]
            for r in IncidentRollup.objects.values("month", *DIMENSIONS, "count")
        }
    )


def raw_counts() -> Counter:
    """A GROUP BY over the incident table, truncating in the database's own time-zone code."""
    rows = (
        Incident.objects.annotate(m=TruncMonth("occurred_at", tzinfo=STOCKHOLM))
        .values("m", *DIMENSIONS)
        .annotate(n=Count("id"))
    )
    counts: Counter = Counter()
    for r in rows:
        counts[(r["m"].date(), *(r[d] for d in DIMENSIONS))] += r["n"]
    return counts


def counted_counts() -> Counter:
    """The narrow rollup as (month, area, category) → count, zeros left out."""
    counts: Counter = Counter()
    for row in CountedRollup.objects.all():
        for month, n in enumerate(row.monthly(), start=1):
            assert n >= 0
            if n:
                counts[(dt.date(row.year, month, 1), row.area_id, row.category_id)] += n
    return counts


def raw_counted(raw: Counter) -> Counter:
    """The raw count narrowed to what analyses count: month × area × category, not rejected."""
    counts: Counter = Counter()
    for (month, area, category, _organisation, _source, status), n in raw.items():
        if status in COUNTED_STATUSES:
            counts[(month, area, category)] += n
    return counts


def assert_rollup_is_raw() -> None:
    rollup = rollup_counts()
    raw = raw_counts()
    assert rollup == raw
    assert all(n > 0 for n in rollup.values())
    assert IncidentRollup.objects.count() == len(rollup)  # one row per group
    # The narrow rollup: the same counts, and no row left with twelve zeros.
    assert counted_counts() == raw_counted(raw)
    assert all(any(row.monthly()) for row in CountedRollup.objects.all())


def draft(world, when, *, area=None, code="klotter", organisation=None, **fields):
    return IncidentDraft(
        category=Category.objects.get(code=code),
        occurred_at=when,
        area=area or world.liljeholmen,
        organisation=organisation,
        **fields,
    )


def record(world, *whens, source=Source.IMPORT, **fields):
    drafts = [draft(world, w, **fields) for w in whens]
    return record_incidents(drafts, source=source).created


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


# Stockholm months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (at(2023, 3, 31, 23, 30), dt.date(2023, 4, 1)),  # 01:30 CEST on 1 April
        (at(2023, 3, 31, 21, 59, 59), dt.date(2023, 3, 1)),  # 23:59:59 CEST on 31 March
        (at(2023, 3, 31, 22, 0), dt.date(2023, 4, 1)),  # midnight CEST
        (at(2023, 12, 31, 22, 59, 59), dt.date(2023, 12, 1)),
        (at(2023, 12, 31, 23, 0), dt.date(2024, 1, 1)),  # midnight CET: a new year
        (at(2023, 10, 31, 22, 59), dt.date(2023, 10, 1)),  # after the autumn change: CET
        (at(2023, 10, 31, 23, 0), dt.date(2023, 11, 1)),
        (at(2023, 3, 26, 1, 30), dt.date(2023, 3, 1)),  # in the spring change
        (at(2023, 10, 29, 0, 30), dt.date(2023, 10, 1)),  # in the autumn change (first 02:30)
        (at(2023, 10, 29, 1, 30), dt.date(2023, 10, 1)),  # (second 02:30)
        (at(2024, 2, 29, 23, 0), dt.date(2024, 3, 1)),  # leap day, midnight CET
    ],
)
def test_month_is_the_stockholm_month(moment, month):
    assert month_of(moment) == month


def test_month_start_is_stockholm_midnight():
    assert month_start(dt.date(2023, 4, 1)) == at(2023, 3, 31, 22)
    assert month_start(dt.date(2024, 1, 1)) == at(2023, 12, 31, 23)


def test_months_between_crosses_year_ends():
    assert months_between(dt.date(2023, 11, 15), dt.date(2024, 2, 1)) == [
        dt.date(2023, 11, 1),
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]


@pytest.mark.parametrize("time_zone", ["Europe/Stockholm", "UTC", "America/New_York"])
def test_boundary_incidents_land_in_their_stockholm_month_whatever_time_zone(
    world, settings, time_zone
):
    settings.TIME_ZONE = time_zone
    moments = [
        at(2023, 3, 31, 21, 59, 59),
        at(2023, 3, 31, 23, 30),
        at(2023, 12, 31, 22, 59, 59),
        at(2023, 12, 31, 23, 0),
        at(2023, 10, 29, 0, 30),
        at(2023, 10, 29, 1, 30),
        at(2023, 3, 26, 1, 30),
    ]
    record(world, *moments)
    by_month = Counter()
    for row in IncidentRollup.objects.all():
        by_month[row.month] += row.count
    assert by_month == {
        dt.date(2023, 3, 1): 2,
        dt.date(2023, 4, 1): 1,
        dt.date(2023, 10, 1): 2,
        dt.date(2023, 12, 1): 1,
        dt.date(2024, 1, 1): 1,
    }
    assert_rollup_is_raw()


# Every way of writing ---------------------------------------------------------------------


def test_record_incidents_in_bulk(world):
    record(world, at(2023, 1, 5, 10), at(2023, 1, 6, 10), at(2023, 2, 1, 10))
    record(world, at(2023, 1, 7, 10), organisation=world.housing, code="stold")
    assert_rollup_is_raw()
    assert (
        IncidentRollup.objects.get(
            month=dt.date(2023, 1, 1), category__code="klotter", organisation=None
        ).count
        == 2
    )


def test_report_form(client, world):
    client.force_login(world.bob)
    data = {
        "category": Category.objects.get(code="klotter").pk,
        "date": "2023-09-14",
        "time": "21:30",
        "latitude": "59.31",
        "longitude": "18.02",
        "area": "",
        "place": "Vid entrén",
        "description": "Nytt klotter",
    }
    assert client.post(reverse("incidents:report"), data).status_code == 302
    assert_rollup_is_raw()
    assert IncidentRollup.objects.get().source == Source.WEBB


def test_api_create(world):
    token, _ = Token.objects.get_or_create(user=world.bob)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        "/api/v1/incidents/",
        {"category": "klotter", "occurred_at": "2023-05-01T10:00:00+02:00",
         "latitude": 59.31, "longitude": 18.02},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert_rollup_is_raw()
    assert IncidentRollup.objects.get().source == Source.API


def test_open311_create(world):
    token, _ = Token.objects.get_or_create(user=world.bob)
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": token.key, "service_code": "klotter", "lat": "59.31", "long": "18.02",
         "description": "Tags"},
    )  # fmt: skip
    assert response.status_code in (200, 201), response.content
    assert_rollup_is_raw()
    assert IncidentRollup.objects.get().source == Source.OPEN311


def test_csv_import_and_a_dry_run(world):
    data = (
        "kategori;tidpunkt;område;beskrivning;organisation\r\n"
        "klotter;2023-03-31 23:59;Liljeholmen;;Bostadsbolaget\r\n"
        "klotter;2023-04-01 00:00;Liljeholmen;;Bostadsbolaget\r\n"
        "stold;2023-12-31 23:30;Liljeholmen;;Bostadsbolaget\r\n"
    ).encode()
    import_incidents(data, "r.csv", user=world.alice, dry_run=True)
    assert not IncidentRollup.objects.exists()
    import_incidents(data, "r.csv", user=world.alice)
    assert_rollup_is_raw()
    assert set(IncidentRollup.objects.values_list("month", flat=True)) == {
        dt.date(2023, 3, 1),
        dt.date(2023, 4, 1),
        dt.date(2023, 12, 1),
    }


def test_police_feed_import(db):
    def event(id, type, location, when):
        return {
            "id": id, "datetime": when, "name": type, "summary": "Kort.", "url": "/x",
            "type": type, "location": {"name": location, "gps": "59.3,18.0"},
        }  # fmt: skip

    events = [
        event(1, "Misshandel", "Malmö", "2023-03-31 23:30:00 +02:00"),
        event(2, "Rån", "Malmö", "2024-01-01 00:10:00 +01:00"),
        event(3, "Rån", "Stockholm", "2023-12-31 23:10:00 +01:00"),
    ]
    data = gzip.compress("\n".join(json.dumps(e) for e in events).encode())
    import_incidents(data, "e.jsonl.gz", format="polisen")
    assert_rollup_is_raw()
    assert sorted(IncidentRollup.objects.values_list("month", flat=True)) == [
        dt.date(2023, 3, 1),
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
    ]


def test_a_refused_batch_leaves_the_rollup_alone(world):
    record(world, at(2023, 1, 5, 10))
    before = rollup_counts()
    bad = [draft(world, at(2023, 1, 6, 10)), draft(world, None)]
    with pytest.raises(Exception):  # noqa: B017 - IncidentsRefused, whatever it says
        record_incidents(bad, source=Source.IMPORT)
    assert rollup_counts() == before


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_at": at(2023, 3, 31, 22, 30)},  # March → April in Stockholm
        {"occurred_at": at(2024, 1, 15, 12)},  # another year
        {"category": "stold"},
        {"area": "district"},
        {"organisation": "sdf"},
        {"latitude": 59.31, "longitude": 18.02},  # the point moves it to Liljeholmen
        {"status": Status.GRANSKAD},
        {"occurred_at": at(2023, 6, 1, 12), "category": "stold", "status": Status.AVVISAD},
    ],
)
def test_update_incident_moves_counts_between_groups_and_months(world, changes):
    [incident] = record(
        world, at(2023, 3, 31, 21, 30), area=world.district, organisation=world.housing
    )
    record(world, at(2023, 3, 10, 12), at(2023, 4, 10, 12), organisation=world.housing)
    resolved = {}
    for name, value in changes.items():
        if name == "category":
            value = Category.objects.get(code=value)
        elif name in ("area", "organisation"):
            value = getattr(world, value)
        resolved[name] = value
    update_incident(incident, resolved, world.alice)
    assert_rollup_is_raw()


def test_correction_form_moving_an_incident_to_another_month(client, world):
    [incident] = record(world, at(2023, 9, 14, 19, 30), organisation=world.housing)
    client.force_login(world.bob)
    data = {
        "category": incident.category_id,
        "date": "2023-10-02",
        "time": "21:30",
        "latitude": "",
        "longitude": "",
        "area": world.liljeholmen.pk,
        "place": "",
        "description": "",
    }
    response = client.post(reverse("incidents:detail", args=[incident.pk]), data)
    assert response.status_code == 302
    assert_rollup_is_raw()
    assert IncidentRollup.objects.get().month == dt.date(2023, 10, 1)


def test_bulk_review_on_the_list_page(client, world):
    a, b, c = record(world, at(2023, 1, 5, 10), at(2023, 2, 5, 10), at(2023, 2, 6, 10))
    client.force_login(world.alice)
    client.post(reverse("incidents:list"), {"ids": [a.pk, b.pk], "action": Status.AVVISAD})
    assert_rollup_is_raw()
    assert IncidentRollup.objects.filter(status=Status.AVVISAD).count() == 2
    review_incidents([Incident.objects.get(pk=c.pk)], Status.GRANSKAD, world.alice)
    assert_rollup_is_raw()


def test_deleting_one_or_many_incidents(world):
    a, *_rest = record(world, *[at(2023, 1, d, 10) for d in range(1, 8)])
    record(world, at(2023, 2, 1, 10), at(2023, 3, 1, 10), code="stold")
    a.delete()
    assert_rollup_is_raw()
    Incident.objects.filter(occurred_at__lt=at(2023, 2, 15)).delete()
    assert_rollup_is_raw()
    assert list(IncidentRollup.objects.values_list("month", flat=True)) == [dt.date(2023, 3, 1)]


def test_refresh_recomputes_exactly_the_given_months(world):
    record(world, at(2023, 1, 5, 10), at(2023, 2, 5, 10), at(2023, 3, 5, 10))
    IncidentRollup.objects.update(count=99)
    refresh_rollup([dt.date(2023, 2, 17)])  # any day names its month
    assert sorted(IncidentRollup.objects.values_list("month", "count")) == [
        (dt.date(2023, 1, 1), 99),
        (dt.date(2023, 2, 1), 1),
        (dt.date(2023, 3, 1), 99),
    ]


def test_rebuild_command_and_migration_recount_everything(world):
    record(world, at(2022, 12, 31, 23, 30), at(2023, 5, 5, 10), at(2025, 2, 1, 10))
    Incident.objects.filter(occurred_at__year=2023).update(status=Status.GRANSKAD)  # around it
    IncidentRollup.objects.create(
        month=dt.date(2019, 1, 1), area=world.district, category=Category.objects.first(),
        source=Source.WEBB, status=Status.NY, count=5,
    )  # fmt: skip
    out = StringIO()
    call_command("rebuild-rollup", stdout=out)
    assert_rollup_is_raw()
    assert "3" in out.getvalue()

    CountedRollup.objects.create(
        year=2019, area=world.district, category=Category.objects.first(), m03=4
    )
    call_command("rebuild-rollup", stdout=StringIO())
    assert_rollup_is_raw()

    IncidentRollup.objects.all().delete()
    CountedRollup.objects.all().delete()
    migration = importlib.import_module("trygg.incidents.migrations.0005_build_incident_rollup")
    migration.build(apps, SimpleNamespace(connection=connection))
    migration = importlib.import_module("trygg.incidents.migrations.0009_countedrollup")
    migration.build(apps, SimpleNamespace(connection=connection))
    assert_rollup_is_raw()


def test_rebuild_of_an_empty_table_empties_the_rollup(world):
    record(world, at(2023, 5, 5, 10))
    Incident.objects.all()._raw_delete(using="default")  # around the delete signal
    rebuild_rollup()
    assert not IncidentRollup.objects.exists()
    assert not CountedRollup.objects.exists()


# Random incident sets ----------------------------------------------------------------------

_BOUNDARIES = [month_start(m) for m in months_between(dt.date(2022, 1, 1), dt.date(2025, 12, 1))]
_moments = st.one_of(
    st.datetimes(dt.datetime(2022, 1, 1), dt.datetime(2025, 12, 31), timezones=st.just(UTC)),
    # Close to a month boundary, where a wrong time zone shows.
    st.builds(
        lambda b, minutes: b + dt.timedelta(minutes=minutes),
        st.sampled_from(_BOUNDARIES),
        st.integers(-150, 150),
    ),
)
_incidents = st.lists(
    st.tuples(
        _moments,
        st.sampled_from(["liljeholmen", "district", "skarholmen"]),
        st.sampled_from(["klotter", "stold", "ran"]),
        st.sampled_from([None, "housing", "sdf"]),
        st.sampled_from([Source.IMPORT, Source.WEBB, Source.POLISEN]),
        st.sampled_from(REVIEW_STATUSES),
    ),
    min_size=1,
    max_size=40,
)


class _Rollback(Exception):
    pass


def _drafts(world, incidents):
    """Drafts of generated incidents ``(when, area, code, organisation, source, status)``;
    source and status are given when they are recorded and reviewed."""
    return [
        draft(
            world,
            when.replace(microsecond=0),
            area=getattr(world, area),
            code=code,
            organisation=getattr(world, org) if org else None,
        )
        for when, area, code, org, _source, _status in incidents
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(incidents=_incidents)
def test_random_incident_sets_roll_up_to_a_python_count(world, incidents):
    expected: Counter = Counter()
    try:
        with transaction.atomic():
            reviewer = UserFactory(username="root-reviewer", is_superuser=True)
            for source in {i[4] for i in incidents}:
                batch = [i for i in incidents if i[4] == source]
                created = record_incidents(_drafts(world, batch), source=source).created
                for incident, (when, area, code, org, _s, status) in zip(
                    created, batch, strict=True
                ):
                    review_incidents([incident], status, reviewer)
                    local = when.astimezone(STOCKHOLM)
                    key = (
                        dt.date(local.year, local.month, 1),
                        getattr(world, area).pk,
                        Category.objects.get(code=code).pk,
                        getattr(world, org).pk if org else None,
                        source,
                        status,
                    )
                    expected[key] += 1
            assert rollup_counts() == expected
            assert counted_counts() == raw_counted(expected)
            raise _Rollback
    except _Rollback:
        pass


_edits = st.lists(
    st.tuples(
        st.sampled_from(["move", "recategorise", "reject", "accept", "merge", "delete", "refresh"]),
        st.integers(0, 39),
        _moments,
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(incidents=_incidents, edits=_edits)
def test_random_writes_corrections_and_deletes_keep_both_rollups_raw(world, incidents, edits):
    """Whatever the order of writes, moves between months and years, status changes and
    deletes, both rollups equal a raw count (the narrow one's zeroed months included)."""
    try:
        with transaction.atomic():
            reviewer = UserFactory(username="root-reviewer", is_superuser=True)
            created = record_incidents(_drafts(world, incidents), source=Source.IMPORT).created
            for incident, spec in zip(created, incidents, strict=True):
                review_incidents([incident], spec[5], reviewer)
            alive = {i.pk for i in created}
            for action, index, when in edits:
                pk = sorted(alive)[index % len(alive)] if alive else None
                if pk is None:
                    break
                incident = Incident.objects.get(pk=pk)
                if action == "move":
                    update_incident(
                        incident, {"occurred_at": when.replace(microsecond=0)}, reviewer
                    )
                elif action == "recategorise":
                    other = "stold" if incident.category.code != "stold" else "ran"
                    update_incident(
                        incident, {"category": Category.objects.get(code=other)}, reviewer
                    )
                elif action in ("reject", "accept"):
                    status = Status.AVVISAD if action == "reject" else Status.GRANSKAD
                    review_incidents([incident], status, reviewer)
                elif action == "merge":
                    # Into the next one alive, when both can take part.
                    others = sorted(alive - {pk})
                    kept = Incident.objects.get(pk=others[index % len(others)]) if others else None
                    if (
                        kept is not None
                        and kept.status in COUNTED_STATUSES
                        and incident.status != Status.AVVISAD
                    ):
                        merge_incidents(kept, [incident], reviewer)
                elif action == "delete":
                    if incident.duplicates.exists():
                        continue  # protected: un-merge its duplicates first
                    incident.delete()
                    alive.discard(pk)
                else:
                    refresh_rollup([month_of(when)])
            assert_rollup_is_raw()
            raise _Rollback
    except _Rollback:
        pass
