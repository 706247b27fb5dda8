"""The demo's incidents tell the seed's story: two reporting years, place by place."""

import datetime as dt
import re
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from shapely.geometry import Point, shape

from trygg.demo.builders.incidents import DESCRIPTIONS, PATTERNS, SEES, TIMES
from trygg.incidents.models import Incident, Source, Status
from trygg.lib.personnummer import contains_identity_number
from trygg.places.models import Area

pytestmark = pytest.mark.django_db(transaction=True)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST = dt.datetime(2021, 9, 1, tzinfo=STOCKHOLM)
SECOND_YEAR = dt.datetime(2022, 9, 1, tzinfo=STOCKHOLM)
END = dt.datetime(2023, 9, 1, tzinfo=STOCKHOLM)
ALVSJO_SOLBERGA = {"Älvsjö/Solberga", "Älvsjö centrum/Resecentrum", "Solberga Hagväg"}
# Seven or more digits, possibly broken by spaces or dashes: a phone number's shape.
PHONE_LIKE = re.compile(r"\d(?:[\s-]?\d){6,}")
FIELDS = (
    "category__code", "occurred_at", "area__name", "organisation__name", "latitude",
    "longitude", "place", "description", "source", "external_id", "status",
    "reported_by__username", "reviewed_by__username", "time_unknown",
)  # fmt: skip


def build_and_read():
    call_command("demo", stdout=StringIO())
    rows = [dict(zip(FIELDS, row, strict=True)) for row in Incident.objects.values_list(*FIELDS)]
    geometries = dict(Area.objects.values_list("name", "geometry"))
    return rows, geometries


def identity(rows):
    return Counter(
        (r["category__code"], r["occurred_at"], r["area__name"], r["organisation__name"])
        for r in rows
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo built once for the module; tests read the rows, not the (flushed) database."""
    with django_db_blocker.unblock():
        data = build_and_read()
    yield data
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def reporting_year(moment):
    return "2021/22" if moment < SECOND_YEAR else "2022/23"


def test_volume_is_realistic(demo):
    rows, _ = demo
    assert 3000 <= len(rows) <= 6000


def test_building_twice_gives_the_same_incidents(demo):
    rows, _ = demo
    again, _ = build_and_read()
    assert identity(again) == identity(rows)


def test_all_incidents_lie_in_the_two_reporting_years(demo):
    rows, _ = demo
    assert all(FIRST <= r["occurred_at"] < END for r in rows)
    years = Counter(reporting_year(r["occurred_at"]) for r in rows)
    assert years["2021/22"] > 1000 and years["2022/23"] > 1000


def test_alvsjo_solberga_improves_in_the_second_year(demo):
    rows, geometries = demo
    outline = shape(geometries["Älvsjö/Solberga"])
    there = [
        r
        for r in rows
        if r["area__name"] in ALVSJO_SOLBERGA
        or (r["latitude"] is not None and outline.covers(Point(r["longitude"], r["latitude"])))
    ]
    years = Counter(reporting_year(r["occurred_at"]) for r in there)
    assert years["2022/23"] < 0.8 * years["2021/22"]


def test_liljeholmen_grows_in_the_second_year(demo):
    rows, _ = demo
    years = Counter(
        reporting_year(r["occurred_at"])
        for r in rows
        if r["area__name"] == "Liljeholmens centrum"
        and r["category__code"] in {"otillaten-bosattning", "missbrukare"}
    )
    assert years["2022/23"] > years["2021/22"]


@pytest.mark.parametrize(
    "place", ["Fruängens centrum", "SHIS Bjällerkransen", "Johan Skyttes skola"]
)
def test_youths_gather_at_the_seeds_places(demo, place):
    rows, _ = demo
    gatherings = [
        r for r in rows if r["area__name"] == place and r["category__code"] == "samling-ungdomar"
    ]
    assert len(gatherings) >= 20
    evenings = [r for r in gatherings if r["occurred_at"].astimezone(STOCKHOLM).hour >= 17]
    assert len(evenings) > len(gatherings) / 2


def test_descriptions_hold_no_identity_or_phone_numbers(demo):
    rows, _ = demo
    for r in rows:
        assert r["description"]
        assert not contains_identity_number(r["description"]), r["description"]
        assert not PHONE_LIKE.search(r["description"]), r["description"]
        assert not PHONE_LIKE.search(r["place"]), r["place"]


def test_every_point_lies_inside_its_area(demo):
    rows, geometries = demo
    outlines = {name: shape(g) for name, g in geometries.items() if g}
    with_point = [r for r in rows if r["latitude"] is not None]
    assert len(with_point) > len(rows) / 2
    for r in with_point:
        point = Point(r["longitude"], r["latitude"])
        assert outlines[r["area__name"]].covers(point), r


def test_police_lists_are_imports_with_external_ids(demo):
    rows, _ = demo
    police = [r for r in rows if r["organisation__name"] == "Polisen"]
    assert police and all(r["source"] == Source.IMPORT for r in police)
    assert all(
        re.fullmatch(r"demo-polis-(\d{6}|dubblett-[a-z]+-\d)", r["external_id"]) for r in police
    )
    others = [r for r in rows if r["organisation__name"] != "Polisen"]
    assert all(r["source"] == Source.WEBB and not r["external_id"] for r in others)
    assert len({r["organisation__name"] for r in others}) >= 5


def test_old_incidents_are_reviewed_by_the_coordinator(demo):
    rows, _ = demo
    statuses = Counter(r["status"] for r in rows)
    assert statuses[Status.GRANSKAD] > 0.8 * len(rows)
    assert 0 < statuses[Status.AVVISAD] < 0.05 * len(rows)
    for r in rows:
        reviewed = r["status"] != Status.NY
        assert reviewed == (r["reviewed_by__username"] == "samordnare")
        # Merged on review of the possible duplicates, whenever they happened.
        merged = r["status"] == Status.SAMMANSLAGEN
        assert reviewed == (merged or r["occurred_at"] < END - dt.timedelta(weeks=8))
    assert statuses[Status.SAMMANSLAGEN] == 1


def test_shis_web_reports_carry_the_demo_reporter(demo):
    rows, _ = demo
    for r in rows:
        shis_web = r["organisation__name"] == "SHIS Bostäder" and r["source"] == Source.WEBB
        assert (r["reported_by__username"] == "rapportor") == shis_web


def test_some_incidents_have_only_a_date(demo):
    rows, _ = demo
    date_only = [r for r in rows if r["time_unknown"]]
    assert date_only
    assert all(r["occurred_at"].astimezone(STOCKHOLM).time() == dt.time() for r in date_only)


def test_extremism_is_a_handful_of_school_events(demo):
    rows, _ = demo
    extremism = [r for r in rows if r["category__code"] == "extremism"]
    assert 1 <= len(extremism) <= 15


def test_the_pattern_table_is_consistent():
    for pattern in PATTERNS:
        assert pattern.hours in TIMES and pattern.season
        for code in pattern.categories:
            assert code in DESCRIPTIONS
            assert any(code in SEES[org] for org in pattern.organisations), (pattern.anchor, code)
    for hours, weekdays in TIMES.values():
        assert len(hours) == 24 and len(weekdays) == 7
