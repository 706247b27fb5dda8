"""Rates against peers: per 100,000 inhabitants and year, the group, county and country."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from statsmodels.stats import rates as sm_rates

from trygg.analysis.rates import COUNTRY, COUNTY, GROUP, STATISTICS, TRYGG, compare_rates
from trygg.analysis.selection import build_selection
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category
from trygg.lib.csvio import write_csv
from trygg.places.models import Area, AreaKind, ComparisonGroup, Population
from trygg.statistics.importers import TEMPLATE_COLUMNS, import_statistics
from trygg.statistics.models import StatisticSeries, Unit

END = date(2023, 8, 31)
# Reporting year 2022/23: 122 days of 2022 and 243 of 2023.
SHARE_2022, SHARE_2023 = 122 / 365, 243 / 365


def person_years(pop_2022, pop_2023):
    return pop_2022 * SHARE_2022 + pop_2023 * SHARE_2023


@pytest.fixture
def leaf(db):
    return Category.objects.filter(children__isnull=True).order_by("id").first()


def record(category, area, n, start=datetime(2022, 9, 10, 12, tzinfo=UTC)):
    record_incidents(
        [
            IncidentDraft(category=category, occurred_at=start + timedelta(hours=i), area=area)
            for i in range(n)
        ],
        source="import",
    )


@pytest.fixture
def peers(world):
    """Stockholm (0180) in a group with Solna and Nacka, Stockholms län (01) and Sverige (00),
    with populations for 2022 and 2023."""
    world.stockholm.code = "0180"
    world.stockholm.save()
    country = Area.objects.create(name="Sverige", kind=AreaKind.LAND, code="00")
    county = Area.objects.create(
        name="Stockholms län", kind=AreaKind.LAN, code="01", parent=country
    )
    solna = Area.objects.create(name="Solna", kind=AreaKind.KOMMUN, code="0184", parent=county)
    nacka = Area.objects.create(name="Nacka", kind=AreaKind.KOMMUN, code="0182", parent=county)
    group = ComparisonGroup.objects.create(name="Storstäder")
    group.members.set([world.stockholm, solna, nacka])
    world.stockholm.comparison_group = group
    world.stockholm.save()
    figures = {
        world.stockholm: (984_748, 988_943),
        solna: (84_487, 85_316),
        nacka: (108_905, 109_812),
        county: (2_435_254, 2_454_821),
        country: (10_521_556, 10_551_707),
    }
    for area, (a, b) in figures.items():
        Population.objects.create(area=area, year=2022, population=a)
        Population.objects.create(area=area, year=2023, population=b)
    return {
        "country": country,
        "county": county,
        "solna": solna,
        "nacka": nacka,
        "figures": figures,
    }


def official(series_rows, *, demo=True):
    StatisticSeries.objects.create(
        name="Anmälda brott totalt", code="totalt", unit=Unit.ANTAL, source="Polisen", is_demo=demo
    )
    rows = [["Anmälda brott totalt", code, "", "2022/23", n, "", "", ""] for code, n in series_rows]
    import_statistics(write_csv(TEMPLATE_COLUMNS, rows), "s.csv")


def test_official_statistics_when_the_installation_does_not_hold_the_peers(world, peers, leaf):
    record(leaf, world.liljeholmen, 30)
    official([("0180", 190_100), ("0184", 13_000), ("0182", 11_900), ("01", 412_300),
              ("00", 1_447_000)])  # fmt: skip
    # Carol analyses the city; the chosen district is compared through Stockholm.
    selection = build_selection(
        world.carol, area_ids=[world.district.pk], start=date(2021, 9, 1), end=date(2023, 8, 31)
    )
    result = compare_rates(selection, world.carol)
    assert result.window.period.key == "2022/23"
    (subject,) = result.subjects
    assert subject.name == "Stockholm" and subject.through_municipality
    rows = {row.kind: row for row in subject.rows}
    assert set(rows) == {GROUP, COUNTY, COUNTRY}
    assert all(row.source == STATISTICS and row.is_demo for row in rows.values())

    figures = peers["figures"]
    sthlm_py = person_years(*figures[world.stockholm])
    group = rows[GROUP]
    assert group.subject.count == 190_100
    assert group.subject.person_years == pytest.approx(sthlm_py)
    assert group.subject.rate == pytest.approx(190_100 / sthlm_py * 100_000)
    rest_py = person_years(*figures[peers["solna"]]) + person_years(*figures[peers["nacka"]])
    assert group.comparator.count == 190_100 + 13_000 + 11_900
    assert group.comparator.person_years == pytest.approx(sthlm_py + rest_py)
    # The test is Stockholm against the rest of the group.
    assert (group.rest.count, group.rest.person_years) == (24_900, pytest.approx(rest_py))
    reference = sm_rates.test_poisson_2indep(
        190_100, sthlm_py, 24_900, rest_py, method="exact-cond"
    )
    assert group.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert group.significant and group.direction == "higher"

    county = rows[COUNTY]
    county_py = person_years(*figures[peers["county"]])
    assert county.comparator.count == 412_300
    assert county.comparator.rate == pytest.approx(412_300 / county_py * 100_000)
    assert county.rest.count == 412_300 - 190_100
    assert county.rest.person_years == pytest.approx(county_py - sthlm_py)
    reference = sm_rates.test_poisson_2indep(
        190_100, sthlm_py, 412_300 - 190_100, county_py - sthlm_py, method="exact-cond"
    )
    assert county.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert rows[COUNTRY].name == "Sverige"


def test_swedish_verdicts(world, peers, leaf):
    from django.utils import translation

    official([("0180", 190_100), ("0184", 13_000), ("0182", 11_900), ("01", 412_300),
              ("00", 1_447_000)])  # fmt: skip
    record(leaf, world.liljeholmen, 3)
    selection = build_selection(world.carol, area_ids=[world.stockholm.pk], end=END)
    with translation.override("sv"):
        rows = {r.kind: r for r in compare_rates(selection, world.carol).subjects[0].rows}
        assert rows[GROUP].verdict == "högre än gruppen, statistiskt säkerställt"
        assert rows[COUNTY].verdict == "högre än länet, statistiskt säkerställt"
        assert rows[COUNTRY].verdict == "högre än riket, statistiskt säkerställt"


def test_trygg_counts_when_the_installation_holds_every_area(world, peers, leaf):
    # Carol may analyse Stockholm only: a region-wide analyst sees the peers too.
    from trygg.accounts.models import Membership, Role

    Membership.objects.create(
        user=world.carol, organisation=world.police, role=Role.ANALYTIKER, area=peers["country"]
    )
    record(leaf, world.liljeholmen, 40)
    record(leaf, peers["solna"], 2)
    record(leaf, peers["nacka"], 3)
    selection = build_selection(
        world.carol, area_ids=[world.stockholm.pk], start=date(2022, 9, 1), end=date(2023, 8, 31)
    )
    (subject,) = compare_rates(selection, world.carol).subjects
    rows = {row.kind: row for row in subject.rows}
    group = rows[GROUP]
    assert group.source == TRYGG and not group.is_demo
    assert (group.subject.count, group.rest.count) == (40, 5)
    figures = peers["figures"]
    sthlm_py = person_years(*figures[world.stockholm])
    rest_py = person_years(*figures[peers["solna"]]) + person_years(*figures[peers["nacka"]])
    reference = sm_rates.test_poisson_2indep(40, sthlm_py, 5, rest_py, method="exact-cond")
    assert group.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert group.ci_low is not None and group.ci_low < group.rate_ratio < group.ci_high
    # The county holds Solna and Nacka in the tree but not Stockholm (a root of its own):
    # Stockholm is tested against the county's whole count.
    county = rows[COUNTY]
    assert county.source == TRYGG
    assert county.comparator.count == 5 and county.rest.count == 5
    # Without statistics and with a quiet period, nothing to compare: said, not faked.
    quiet = build_selection(
        world.carol, area_ids=[world.stockholm.pk], start=date(2020, 9, 1), end=date(2021, 8, 31)
    )
    result = compare_rates(quiet, world.carol)
    assert result is not None
    assert all(row.source is None and row.note for row in result.subjects[0].rows)


def test_a_group_member_without_figures_is_left_out_and_named(world, peers, leaf):
    official([("0180", 190_100), ("0184", 13_000), ("01", 412_300)])
    record(leaf, world.liljeholmen, 3)
    selection = build_selection(world.carol, area_ids=[world.stockholm.pk], end=END)
    rows = {r.kind: r for r in compare_rates(selection, world.carol).subjects[0].rows}
    assert rows[GROUP].left_out == ("Nacka",)
    assert rows[GROUP].rest.count == 13_000
    assert rows[COUNTRY].source is None  # the country has no figure


def test_reporters_get_no_official_statistics(world, peers, leaf):
    official([("0180", 190_100), ("0184", 13_000), ("0182", 11_900)])
    record(leaf, world.liljeholmen, 3)
    selection = build_selection(world.bob, area_ids=[world.district.pk], end=END)
    rows = compare_rates(selection, world.bob).subjects[0].rows
    assert all(row.source is None for row in rows)


def test_the_api_and_the_page_answer_the_comparison(world, peers, leaf, client):
    from rest_framework.test import APIClient

    official([("0180", 190_100), ("0184", 13_000), ("0182", 11_900), ("01", 412_300),
              ("00", 1_447_000)])  # fmt: skip
    record(leaf, world.liljeholmen, 3)
    api = APIClient()
    api.force_authenticate(world.carol)
    response = api.get("/api/v1/analysis/rates/", {"area": world.district.pk, "end": END})
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["period"] == "2022/23"
    (subject,) = body["subjects"]
    assert subject["area_name"] == "Stockholm"
    assert subject["chosen_area_name"] == "Hägersten-Älvsjö"
    assert subject["comparison_group"] == "Storstäder"
    group = subject["rows"][0]
    assert group["comparison"] == "group" and group["source"] == "statistics"
    assert group["area_figure"]["count"] == 190_100
    assert group["comparison_figure"]["rate_per_100000"] > 0
    assert group["significant"] is True
    client.force_login(world.carol)
    page = client.get("/analys/", {"omrade": world.district.pk, "till": END})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Storstäder" in html
    assert "Demo figures" in html or "Demosiffror" in html
