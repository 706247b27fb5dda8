"""Importing statistics: Swedish CSV and Excel files, all or nothing, every bad row named."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import AreaFactory
from tests.statistics.conftest import HEADER, excel_csv, workbook
from trygg.lib.periods import PeriodKind
from trygg.statistics.importers import (
    ImportFailed,
    StatisticsRefused,
    import_statistics,
    parse_unit,
)
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit

pytestmark = pytest.mark.django_db


def refused(data, filename="statistik.csv", **kwargs):
    with pytest.raises(StatisticsRefused) as caught:
        import_statistics(data, filename, **kwargs)
    return {(p.line, p.field) for p in caught.value.problems}, caught.value.problems


def test_csv_saved_by_swedish_excel_creates_the_series_and_its_values(world):
    data = excel_csv(
        HEADER,
        "Anmälda brott (Polisen);Hägersten-Älvsjö;Narkotikabrott;2019/20;812;antal;"
        "Polisen, anmälda brott;",
        "Anmälda brott (Polisen);Hägersten-Älvsjö;narkotikabrott;2020/21;905;;;",
        "Anmälda brott (Polisen);Hägersten-Älvsjö;Personrån;2021/22;84;;;Preliminär siffra",
    )
    report = import_statistics(data, "brott.csv", user=world.alice)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.series_created == ["Anmälda brott (Polisen)"]
    series = StatisticSeries.objects.get()
    assert series.unit == Unit.ANTAL
    assert series.source == "Polisen, anmälda brott"
    assert series.code == "anmalda-brott-polisen"
    assert series.is_demo is False
    first = StatisticValue.objects.get(period_start=dt.date(2019, 9, 1))
    assert first.period_kind == PeriodKind.REPORTING_YEAR
    assert first.period_end == dt.date(2020, 8, 31)
    assert first.area == world.district
    assert first.category.code == "narkotikabrott"
    assert first.value == 812
    assert StatisticValue.objects.get(category__code="personran").note == "Preliminär siffra"


def test_decimal_commas_percent_signs_and_thousands_spaces(world):
    data = excel_csv(
        HEADER,
        "Otrygghet;Liljeholmen;;2021;23,5 %;andel;Stockholms stad;",
        "Otrygghet;Hägersten-Älvsjö;;2021;19,25;;;",
        "Befolkning;Hägersten-Älvsjö;;2022;131 100;antal;SCB;",
        "Brott per invånare;Liljeholmen;;2022;6,2;per 1 000 inv.;;",
    )
    report = import_statistics(data, "blandat.csv", user=world.alice)
    assert report.created == 4
    values = {(v.series.name, v.area.name): v.value for v in StatisticValue.objects.all()}
    assert values == {
        ("Otrygghet", "Liljeholmen"): Decimal("23.5"),
        ("Otrygghet", "Hägersten-Älvsjö"): Decimal("19.25"),
        ("Befolkning", "Hägersten-Älvsjö"): Decimal("131100"),
        ("Brott per invånare", "Liljeholmen"): Decimal("6.2"),
    }
    units = dict(StatisticSeries.objects.values_list("name", "unit"))
    assert units == {
        "Otrygghet": Unit.ANDEL,
        "Befolkning": Unit.ANTAL,
        "Brott per invånare": Unit.PER_1000,
    }


def test_windows_1252_with_commas_and_other_header_spellings(world, crimes):
    text = (
        "Serie,Omrade,Kategori,År,Varde,Kommentar\r\n"
        "Anmälda brott (Polisen),Liljeholmen,Våld i offentlig miljö,2021 – 2022,41,Ökning\r\n"
    )
    report = import_statistics(text.encode("cp1252"), "gammal.csv", user=world.alice)
    assert report.created == 1
    stored = StatisticValue.objects.get()
    assert stored.period_start == dt.date(2021, 9, 1)
    assert stored.category.name == "Våld i offentlig miljö"
    assert stored.note == "Ökning"


def test_xlsx_with_numbers_typed_as_numbers(world, crimes):
    data = workbook(
        ["Serie", "Område", "Kategori", "Period", "Värde"],
        ["Anmälda brott (Polisen)", "Hägersten-Älvsjö", "Narkotikabrott", "2021/22", 774],
        ["Anmälda brott (Polisen)", "Hägersten-Älvsjö", "Narkotikabrott", 2022, 790.5],
        ["Anmälda brott (Polisen)", "Liljeholmen", None, "2023-Q1", 0.1],
    )
    report = import_statistics(data, "brott.xlsx", user=world.alice)
    assert (report.format, report.created) == ("xlsx", 3)
    values = sorted(StatisticValue.objects.values_list("period_kind", "value"))
    assert values == [
        (PeriodKind.QUARTER, Decimal("0.1")),
        (PeriodKind.REPORTING_YEAR, Decimal("774")),
        (PeriodKind.YEAR, Decimal("790.5")),
    ]


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_written(world, crimes):
    data = excel_csv(
        HEADER,
        "Anmälda brott (Polisen);Hägersten-Älvsjö;Narkotikabrott;2021/22;774;;;",
        "Anmälda brott (Polisen);Atlantis;Narkotikabrott;2021/22;1;;;",
        "Anmälda brott (Polisen);Liljeholmen;Okänd kategori;2021/22;1;;;",
        "Anmälda brott (Polisen);Liljeholmen;;förra året;1;;;",
        "Anmälda brott (Polisen);Liljeholmen;;2021/22;många;;;",
        "Anmälda brott (Polisen);Liljeholmen;;2020/21;-3;;;",
        "Anmälda brott (Polisen);Liljeholmen;;2019/20;3;andel;;",
        "Anmälda brott (Polisen);Liljeholmen;;2018/19;3;stycken;;",
        "Anmälda brott (Polisen);Liljeholmen;;2017/18;3;;;Anmäld av 811228-9874",
        ";Liljeholmen;;2016/17;3;;;",
        "Anmälda brott (Polisen);;;2015/16;3;;;",
        "Anmälda brott (Polisen);Liljeholmen;;2023-03-01;3;;;",
    )
    found, problems = refused(data, user=world.alice)
    assert found == {
        (3, "område"),
        (4, "kategori"),
        (5, "period"),
        (6, "värde"),
        (7, "värde"),
        (8, "enhet"),
        (9, "enhet"),
        (10, "anteckning"),
        (11, "serie"),
        (12, "område"),
        (13, "period"),
    }
    assert not StatisticValue.objects.exists()
    messages = {(p.line, p.field): p.message for p in problems}
    assert "Atlantis" in messages[(3, "område")]
    assert "Excel" in messages[(13, "period")]
    assert str(problems[0]).startswith("rad 3, område:")


def test_one_row_with_two_problems_names_both_columns(world, crimes):
    found, _problems = refused(
        excel_csv(HEADER, "Anmälda brott (Polisen);Atlantis;;2021/22;x y;;;"), user=world.alice
    )
    assert found == {(2, "område"), (2, "värde")}


def test_a_bad_file_creates_no_series(world):
    data = excel_csv(
        HEADER,
        "Ny serie;Liljeholmen;;2021;5;antal;;",
        "Ny serie;Liljeholmen;;2022;fem;antal;;",
    )
    refused(data, user=world.alice)
    assert not StatisticSeries.objects.exists()


def test_a_new_series_needs_a_unit_and_one_unit_only(world):
    found, problems = refused(
        excel_csv(
            HEADER,
            "Utan enhet;Liljeholmen;;2021;5;;;",
            "Utan enhet;Liljeholmen;;2022;6;;;",
            "Två enheter;Liljeholmen;;2021;5;antal;;",
            "Två enheter;Liljeholmen;;2022;6;andel;;",
        ),
        user=world.alice,
    )
    assert found == {(2, "enhet"), (5, "enhet")}
    assert "rad 4" in {p.line: p.message for p in problems}[5]


def test_the_same_figure_twice_in_one_file_is_refused(world, crimes):
    found, problems = refused(
        excel_csv(
            HEADER,
            "Anmälda brott (Polisen);Liljeholmen;;2021/22;5;;;",
            "anmalda-brott;liljeholmen;;2021/2022;6;;;",
        ),
        user=world.alice,
    )
    assert found == {(3, "period")}
    assert "rad 2" in problems[0].message


def test_importing_the_same_file_again_updates_instead_of_duplicating(world):
    data = excel_csv(
        HEADER,
        "Otrygghet;Liljeholmen;;2021;23,5;andel;;",
        "Otrygghet;Liljeholmen;;2023;21;andel;;",
    )
    import_statistics(data, "a.csv", user=world.alice)
    again = import_statistics(data, "a.csv", user=world.alice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.series_created == []
    corrected = excel_csv(
        HEADER,
        "Otrygghet;Liljeholmen;;2021;24;andel;;rättad",
        "Otrygghet;Liljeholmen;;2023;21;andel;;",
    )
    third = import_statistics(corrected, "a.csv", user=world.alice)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert StatisticSeries.objects.count() == 1
    assert StatisticValue.objects.count() == 2
    assert StatisticValue.objects.get(period_start=dt.date(2021, 1, 1)).value == 24


def test_dry_run_reports_what_would_happen_and_writes_nothing(world):
    data = excel_csv(HEADER, "Otrygghet;Liljeholmen;;2021;23,5;andel;;")
    report = import_statistics(data, "a.csv", user=world.alice, dry_run=True)
    assert (report.dry_run, report.created, report.series_created) == (True, 1, ["Otrygghet"])
    assert not report.written
    assert not StatisticSeries.objects.exists()
    assert not StatisticValue.objects.exists()


def test_a_chosen_series_needs_no_series_column_and_checks_the_unit(world, survey):
    data = excel_csv(
        "område;period;värde;enhet", "Liljeholmen;2021;23,5;%", "Liljeholmen;2023;1;st"
    )
    found, _problems = refused(data, user=world.alice, series=survey)
    assert found == {(3, "enhet")}
    data = excel_csv("område;period;värde", "Liljeholmen;2021;23,5", "Liljeholmen;2023;101")
    found, _problems = refused(data, user=world.alice, series=survey)
    assert found == {(3, "värde")}
    report = import_statistics(
        excel_csv("område;period;värde", "Liljeholmen;2021;23,5"), "a.csv", series=survey
    )
    assert report.created == 1
    assert StatisticValue.objects.get().series == survey


def test_a_chosen_series_refuses_rows_that_name_another(world, crimes, survey):
    data = excel_csv(
        "serie;område;period;värde",
        "Otrygghet sen kväll;Liljeholmen;2021;5",
        "otrygghet;Liljeholmen;2022;5",
        "Anmälda brott (Polisen);Liljeholmen;2023;5",
    )
    found, _problems = refused(data, series=survey)
    assert found == {(4, "serie")}


def test_without_a_series_column_or_chosen_series_the_file_is_refused_whole(world):
    with pytest.raises(ImportFailed, match="serie"):
        import_statistics(excel_csv("område;period;värde", "Liljeholmen;2021;1"), "a.csv")
    with pytest.raises(ImportFailed, match="värde"):
        import_statistics(excel_csv("serie;område;period", "X;Liljeholmen;2021"), "a.csv")
    with pytest.raises(ImportFailed):
        import_statistics(b"", "tom.csv")
    with pytest.raises(ImportFailed):
        import_statistics(b"PK\x03\x04broken", "trasig.xlsx")


def test_extra_columns_and_cells_are_reported_and_ignored(world, crimes):
    data = excel_csv(
        "serie;område;period;värde;Kommun;Rad",
        "Anmälda brott (Polisen);Liljeholmen;2021;5;Stockholm;1",
        "Anmälda brott (Polisen);Liljeholmen;2022;6;Stockholm;2;överbliven",
    )
    report = import_statistics(data, "a.csv", user=world.alice)
    assert report.ignored_columns == ["kommun", "rad"]
    assert report.ragged_lines == [3]
    assert report.created == 2


def test_figures_marked_as_not_published_are_skipped_and_listed(world, crimes):
    data = excel_csv(
        "serie;område;period;värde",
        "Anmälda brott (Polisen);Liljeholmen;2021;..",
        "Anmälda brott (Polisen);Liljeholmen;2022;–",
        "Anmälda brott (Polisen);Liljeholmen;2023;7",
    )
    report = import_statistics(data, "a.csv", user=world.alice)
    assert report.not_published == [2, 3]
    assert report.created == 1


def test_an_empty_value_is_a_problem_that_mentions_the_marker(world, crimes):
    _found, problems = refused(
        excel_csv("serie;område;period;värde", "Anmälda brott (Polisen);Liljeholmen;2021;")
    )
    assert ".." in problems[0].message


def test_coordinators_import_only_for_their_areas(world, crimes):
    data = excel_csv(
        "serie;område;period;värde",
        "Anmälda brott (Polisen);Liljeholmen;2021;5",
        "Anmälda brott (Polisen);Skärholmen;2021;5",
    )
    found, problems = refused(data, user=world.alice)
    assert found == {(3, "område")}
    assert "utanför dina områden" in problems[0].message
    # The city-level analyst covers both; a command-line import (no user) too.
    assert import_statistics(data, "a.csv", user=world.carol).created == 2


def test_ambiguous_area_names_need_a_path_and_codes_work(world, crimes):
    AreaFactory(name="Liljeholmen", parent=world.skarholmen)
    world.district.code = "HÄ"
    world.district.save()
    data = excel_csv(
        "serie;område;period;värde",
        "Anmälda brott (Polisen);Liljeholmen;2021;5",
    )
    found, problems = refused(data, user=world.carol)
    assert found == {(2, "område")}
    assert "Stockholm > Skärholmen > Liljeholmen" in problems[0].message
    data = excel_csv(
        "serie;område;period;värde",
        "Anmälda brott (Polisen);Hägersten-Älvsjö > Liljeholmen;2021;5",
        "Anmälda brott (Polisen);hä;2021;6",
    )
    assert import_statistics(data, "a.csv", user=world.carol).created == 2
    assert set(StatisticValue.objects.values_list("area", flat=True)) == {
        world.liljeholmen.pk,
        world.district.pk,
    }
    # Within alice's areas the name is not ambiguous.
    data = excel_csv("serie;område;period;värde", "Anmälda brott (Polisen);Liljeholmen;2022;5")
    assert import_statistics(data, "a.csv", user=world.alice).created == 1


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("antal", Unit.ANTAL),
        ("Antal", Unit.ANTAL),
        ("st", Unit.ANTAL),
        ("andel", Unit.ANDEL),
        ("Andel (%)", Unit.ANDEL),
        ("%", Unit.ANDEL),
        ("procent", Unit.ANDEL),
        ("per 1 000 inv.", Unit.PER_1000),
        ("per 1000 invånare", Unit.PER_1000),
        ("per_1000", Unit.PER_1000),
        ("", None),
    ],
)
def test_units_are_read_as_people_write_them(text, unit):
    assert parse_unit(text) == unit


def test_big_files_import_in_one_go(world):
    lines = [HEADER] + [
        f"Serie {n % 10};Liljeholmen;;{2000 + n // 120}-{(n // 10) % 12 + 1:02d};{n},5;antal;;"
        for n in range(3000)
    ]
    # Every (series, month) occurs once: 3000 rows over 10 series × 300 months (2000–2024),
    # all of them plausible dates.
    report = import_statistics(excel_csv(*lines), "stor.csv", user=world.alice)
    assert report.created == 3000
    assert StatisticValue.objects.count() == 3000
