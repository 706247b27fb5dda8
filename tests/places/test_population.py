"""Population from SCB's JSON-stat 2 answers, and comparison groups from CSV."""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygg.lib.imports import ImportFailed
from trygg.places.groups import import_groups
from trygg.places.models import Area, AreaKind, ComparisonGroup, Population
from trygg.places.population import import_population, parse_jsonstat, region_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCB = FIXTURES / "scb-be0101n1-stockholms-lan.json"
GROUPS = FIXTURES / "skr-kommungrupper-sample.csv"


def test_the_scb_fixture_reads_as_rows():
    dataset = parse_jsonstat(SCB.read_bytes())
    assert dataset.source == "SCB"
    assert len(dataset.rows) == 24  # 12 regions × 2 years
    by_key = {(r.code, r.year): r for r in dataset.rows}
    assert by_key[("0180", 2023)].population == 988_943
    assert by_key[("0180", 2023)].label == "Stockholm"
    assert by_key[("00", 2022)].population == 10_521_556
    assert by_key[("01", 2023)].label == "Stockholms län"


# -- any valid JSON-stat 2 dataset round-trips ---------------------------------------------

codes = st.lists(
    st.from_regex(r"\A(0[0-9]|[0-2][0-9]{3}|0180C[0-9]{4}|0180R[0-9]{3})\Z", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)
years = st.lists(st.integers(1968, 2030), min_size=1, max_size=4, unique=True)


@st.composite
def datasets(draw):
    regions = draw(codes)
    periods = draw(years)
    extra = draw(st.lists(st.sampled_from(["Kon", "Alder"]), unique=True, max_size=2))
    ids = ["Region", "ContentsCode", "Tid", *extra]
    order = draw(st.permutations(ids))
    categories = {
        "Region": [(c, f"Region {c}") for c in regions],
        "ContentsCode": [("BE0101N1", "Folkmängd")],
        "Tid": [(str(y), str(y)) for y in periods],
        "Kon": [("1+2", "totalt")],
        "Alder": [("tot", "totalt ålder")],
    }
    sizes = [len(categories[i]) for i in order]
    total = math.prod(sizes)
    figures = draw(
        st.lists(st.one_of(st.none(), st.integers(0, 3_000_000)), min_size=total, max_size=total)
    )
    dimension = {}
    for dimension_id in order:
        cats = categories[dimension_id]
        index_as_list = draw(st.booleans())
        dimension[dimension_id] = {
            "label": dimension_id.lower(),
            "category": {
                "index": (
                    [c for c, _l in cats]
                    if index_as_list
                    else {c: i for i, (c, _l) in enumerate(cats)}
                ),
                "label": dict(cats),
            },
        }
    sparse = draw(st.booleans())
    value = {str(i): v for i, v in enumerate(figures) if v is not None} if sparse else list(figures)
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "Folkmängden per region",
        "source": "SCB",
        "id": order,
        "size": sizes,
        "dimension": dimension,
        "value": value,
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
    }
    # The expected rows, read from numpy's row-major (C-order) reshape of the values.
    cube = np.array(figures, dtype=object).reshape(sizes)
    expected = set()
    for r, code in enumerate(regions):
        for t, year in enumerate(periods):
            position = [0] * len(order)
            position[order.index("Region")], position[order.index("Tid")] = r, t
            if (figure := cube[tuple(position)]) is not None:
                expected.add((code, year, figure))
    return json.dumps(document), expected


@given(datasets())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_dataset_round_trips(case):
    text, expected = case
    rows = parse_jsonstat(text).rows
    assert {(r.code, r.year, r.population) for r in rows} == expected
    assert len(rows) == len(expected)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"class": "collection"}), "JSON-stat 2 dataset"),
        (lambda d: d.update({"value": d["value"][:-1]}), "values where its dimensions make"),
        (lambda d: d["dimension"].pop("Tid"), "not described"),
        (
            lambda d: d["dimension"]["Tid"]["category"].update(
                {"index": {"2022M12": 0, "2023M12": 1}, "label": {}}
            ),
            "not a year",
        ),
        (lambda d: d["value"].__setitem__(0, -5), "is not a count"),
        (lambda d: d["value"].__setitem__(0, 12.5), "is not a count"),
    ],
)
def test_a_broken_file_is_refused_with_a_reason(change, message):
    document = json.loads(SCB.read_text(encoding="utf-8"))
    change(document)
    with translation.override("en"), pytest.raises(ImportFailed, match=message):
        parse_jsonstat(json.dumps(document))


def test_a_dimension_with_several_categories_is_refused():
    document = json.loads(SCB.read_text(encoding="utf-8"))
    document["id"].append("Kon")
    document["size"].append(2)
    document["dimension"]["Kon"] = {
        "label": "kön",
        "category": {"index": {"1": 0, "2": 1}, "label": {"1": "män", "2": "kvinnor"}},
    }
    document["value"] = [v for v in document["value"] for _ in (0, 1)]
    with pytest.raises(ImportFailed, match="Kon"):
        parse_jsonstat(json.dumps(document))


# -- the import ----------------------------------------------------------------------------


@pytest.fixture
def regions(db):
    country = Area.objects.create(name="Sverige", kind=AreaKind.LAND, code="00")
    county = Area.objects.create(name="Stockholms län", kind=AreaKind.LAN, code="01")
    stockholm = Area.objects.create(name="Stockholm", kind=AreaKind.KOMMUN, code="0180")
    solna = Area.objects.create(name="Solna", kind=AreaKind.KOMMUN, code="0184")
    return {"country": country, "county": county, "stockholm": stockholm, "solna": solna}


def test_import_matches_codes_reports_the_rest_and_updates_on_reimport(regions):
    report = import_population(SCB.read_bytes())
    assert (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert ("0187", "Vaxholm") in report.unmatched
    assert len(report.unmatched) == 8
    stockholm = regions["stockholm"]
    assert Population.objects.get(area=stockholm, year=2022).population == 984_748
    assert Population.objects.get(area=regions["country"], year=2023).population == 10_551_707
    assert "SCB" in Population.objects.get(area=stockholm, year=2022).source
    stockholm.refresh_from_db()
    assert (stockholm.population, stockholm.population_year) == (988_943, 2023)

    again = import_population(SCB.read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    document = json.loads(SCB.read_text(encoding="utf-8"))
    document["value"][document["dimension"]["Region"]["category"]["index"]["0180"] * 2] = 990_000
    changed = import_population(json.dumps(document))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 7)
    assert Population.objects.get(area=stockholm, year=2022).population == 990_000
    assert Population.objects.count() == 8


def test_a_refused_file_writes_nothing(regions):
    document = json.loads(SCB.read_text(encoding="utf-8"))
    document["value"][-1] = "många"
    with pytest.raises(ImportFailed):
        import_population(json.dumps(document))
    assert not Population.objects.exists()


def test_deso_and_regso_codes_match_with_or_without_scb_suffix(db):
    deso = Area.objects.create(name="DeSO 0180C1010", kind=AreaKind.STADSDEL, code="0180C1010")
    regso = Area.objects.create(name="Liljeholmen RegSO", kind=AreaKind.STADSDEL, code="0180R042")
    assert region_key("0180C1010_DeSO") == "0180C1010"
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [2, 1],
        "dimension": {
            "Region": {"category": {"index": ["0180C1010_DeSO", "0180R042_RegSO"]}},
            "Tid": {"category": {"label": {"2023": "2023"}}},
        },
        "value": [1650, 12400],
    }
    report = import_population(json.dumps(document), source="SCB, DeSO")
    assert report.created == 2 and not report.unmatched
    assert Population.objects.get(area=deso).population == 1650
    assert Population.objects.get(area=regso).population == 12400


def test_the_command_imports_lists_unmatched_codes_and_dry_runs(regions):
    out = StringIO()
    call_command("import-population", str(SCB), "--dry-run", stdout=out)
    assert "0187 Vaxholm" in out.getvalue()
    assert not Population.objects.exists()
    call_command("import-population", str(SCB), stdout=out)
    assert Population.objects.count() == 8


def test_the_command_refuses_a_file_that_is_not_jsonstat(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    with pytest.raises(CommandError, match="JSON-stat"):
        call_command("import-population", str(path))


# -- comparison groups ---------------------------------------------------------------------


def test_groups_import_sets_members_and_the_areas_group(db):
    stockholm = Area.objects.create(name="Stockholm", kind=AreaKind.KOMMUN, code="0180")
    goteborg = Area.objects.create(name="Göteborg", kind=AreaKind.KOMMUN, code="1480")
    malmo = Area.objects.create(name="Malmö", kind=AreaKind.KOMMUN, code="1280")
    jarfalla = Area.objects.create(name="Järfälla", kind=AreaKind.KOMMUN, code="0123")
    report = import_groups(GROUPS.read_bytes(), GROUPS.name)
    assert sorted(report.groups_created) == ["Pendlingskommun nära storstad", "Storstäder"]
    assert set(report.unmatched) == {(6, "0126"), (7, "9999")}
    storstader = ComparisonGroup.objects.get(name="Storstäder")
    assert set(storstader.members.all()) == {stockholm, goteborg, malmo}
    stockholm.refresh_from_db()
    jarfalla.refresh_from_db()
    assert stockholm.comparison_group == storstader
    assert jarfalla.comparison_group.name == "Pendlingskommun nära storstad"

    # Importing again updates: a group gets exactly the members the file lists.
    import_groups("grupp;kod\nStorstäder;0180\nStorstäder;1480\n".encode(), "g.csv")
    assert ComparisonGroup.objects.count() == 2
    assert set(storstader.members.all()) == {stockholm, goteborg}


def test_groups_import_names_bad_rows_and_writes_nothing(db):
    from trygg.lib.imports import RowsRefused

    Area.objects.create(name="Stockholm", kind=AreaKind.KOMMUN, code="0180")
    with pytest.raises(RowsRefused) as refused:
        import_groups("grupp;kod\nStorstäder;0180\n;1480\n".encode(), "g.csv")
    assert [p.line for p in refused.value.problems] == [3]
    assert not ComparisonGroup.objects.exists()
