"""The demo's statistics: the seed's three reporting years per category, and trygghetsmätning."""

import random

import pytest

from trygg.demo.builders import DEMO_SEED, DemoContext, categories, places
from trygg.demo.builders import statistics as builder
from trygg.places.models import Area, AreaKind
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit
from trygg.statistics.queries import series_values

pytestmark = pytest.mark.django_db

SEED_CATEGORIES = {
    "narkotikabrott",
    "vald-offentlig-miljo",
    "vald-nara-relation",
    "personran",
    "bedrageri-aldre",
}


def build_statistics(seed=DEMO_SEED):
    demo = DemoContext(rng=random.Random(seed), log=lambda _message: None)
    places.build(demo)
    categories.build(demo)
    state = demo.rng.getstate()
    builder.build(demo)
    return demo, state


def snapshot():
    return sorted(
        StatisticValue.objects.values_list(
            "series__name", "area__name", "category__code", "period_start", "value"
        )
    )


def test_reported_crimes_for_three_reporting_years_per_seed_category():
    build_statistics()
    crimes = StatisticSeries.objects.get(name="Anmälda brott (Polisen)")
    assert (crimes.unit, crimes.is_demo, crimes.source) == (
        Unit.ANTAL,
        True,
        "Polisen, anmälda brott",
    )
    rows = series_values(series_ids=[crimes.pk])
    assert {r.area_name for r in rows} == {"Hägersten-Älvsjö"}
    assert {r.period_key for r in rows} == {"2019/20", "2020/21", "2021/22"}
    codes = set(
        StatisticValue.objects.filter(series=crimes).values_list("category__code", flat=True)
    )
    assert codes == SEED_CATEGORIES
    assert len(rows) == 15
    by_key = {(r.category_name, r.period_key): r.value for r in rows}
    # The notes: fraud against the elderly keeps rising; the drug picture eased in 2021/22.
    fraud = [
        by_key["Bedrägeri mot äldre/funktionsnedsatta", y]
        for y in ("2019/20", "2020/21", "2021/22")
    ]
    assert fraud == sorted(fraud)
    assert by_key["Narkotikabrott", "2021/22"] < by_key["Narkotikabrott", "2020/21"]


def test_trygghetsmatning_per_stadsdel_for_survey_years():
    build_statistics()
    survey = StatisticSeries.objects.get(name="Andel som känner sig otrygga utomhus sent en kväll")
    assert (survey.unit, survey.is_demo) == (Unit.ANDEL, True)
    rows = series_values(series_ids=[survey.pk])
    stadsdelar = set(
        Area.objects.filter(kind=AreaKind.STADSDEL, parent__name="Hägersten-Älvsjö").values_list(
            "name", flat=True
        )
    )
    assert {r.area_name for r in rows} == stadsdelar | {"Hägersten-Älvsjö"}
    assert {r.period_key for r in rows} == {"2019", "2021", "2023"}
    assert all(0 < r.value < 100 for r in rows)
    values = {(r.area_name, r.period_key): r.value for r in rows}
    # The seed's troubled places stand out against the quiet ones.
    assert values["Solberga", "2019"] > values["Mälarhöjden", "2019"] + 10
    assert values["Älvsjö", "2023"] < values["Älvsjö", "2019"]


def test_the_district_areas_get_a_population():
    build_statistics()
    stadsdelar = Area.objects.filter(kind=AreaKind.STADSDEL, parent__name="Hägersten-Älvsjö")
    assert all(a.population and a.population_year == 2022 for a in stadsdelar)
    district = Area.objects.get(name="Hägersten-Älvsjö")
    assert district.population == sum(a.population for a in stadsdelar)
    assert 120_000 < district.population < 140_000
    assert Area.objects.get(name="Stockholm").population > district.population


def test_a_population_already_set_is_kept():
    demo = DemoContext(rng=random.Random(DEMO_SEED), log=lambda _message: None)
    places.build(demo)
    categories.build(demo)
    Area.objects.filter(name="Fruängen").update(population=12_345, population_year=2023)
    builder.build(demo)
    fruangen = Area.objects.get(name="Fruängen")
    assert (fruangen.population, fruangen.population_year) == (12_345, 2023)


def test_the_same_every_time_and_the_demo_generator_is_left_alone():
    demo, state = build_statistics()
    assert demo.rng.getstate() == state
    first = snapshot()
    StatisticValue.objects.all().delete()
    StatisticSeries.objects.all().delete()
    Area.objects.update(population=None, population_year=None)
    demo = DemoContext(rng=random.Random(DEMO_SEED), log=lambda _message: None)
    demo.rng.setstate(state)
    builder.build(demo)
    assert snapshot() == first


def test_the_demo_command_builds_the_statistics(transactional_db):
    from io import StringIO

    from django.core.management import call_command

    from trygg.demo.builders.peers import CRIMES, REPORTED

    call_command("demo", stdout=StringIO())
    # The statistics builder's two series, and the peers' reported crimes for comparisons.
    assert StatisticSeries.objects.filter(is_demo=True).count() == 3
    peers = StatisticValue.objects.filter(series__name=CRIMES).count()
    assert peers == sum(len(figures) for figures in REPORTED.values())
    assert StatisticValue.objects.count() - peers == 15 + 3 * 18
