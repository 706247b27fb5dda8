"""Files read column-wise (pyarrow) and row-wise (the csv module) import exactly alike."""

import datetime as dt
import zoneinfo
from io import BytesIO

import openpyxl
import pyarrow as pa
import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from trygg.incidents import imports
from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.imports import import_incidents
from trygg.incidents.imports.tables import import_table
from trygg.incidents.models import Incident, IncidentRollup
from trygg.lib.csvio import read_columns
from trygg.lib.personnummer import contains_identity_number, holds_identity_number

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HEADER = "kategori;tidpunkt;område;latitud;longitud;plats;beskrivning;organisation;extern_id"
FIELDS = (
    "category_id", "occurred_at", "occurred_until", "time_unknown", "area_id", "latitude",
    "longitude", "place", "description", "organisation_id", "reported_by_id", "source",
    "external_id", "status", "reviewed_by_id", "reviewed_at",
)  # fmt: skip


def excel_csv(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


class _Rollback(Exception):
    pass


def outcome(data, filename, *, columnar_path, **options):
    """What an import does, rolled back: ("ok", report figures, incident rows) or
    ("refused", problems) or ("failed", message)."""
    result = None
    try:
        with transaction.atomic():
            try:
                report = import_incidents(data, filename, columnar=columnar_path, **options)
            except IncidentsRefused as refused:
                result = ("refused", sorted(map(str, refused.problems)))
            else:
                rows = sorted(Incident.objects.values_list(*FIELDS), key=repr)
                figures = (report.created, report.already_recorded, report.rows,
                           report.ignored_columns, report.written)  # fmt: skip
                result = ("ok", figures, rows)
            raise _Rollback
    except _Rollback:
        pass
    return result


def columnar_report(data, filename, **options):
    """The file read column-wise and imported: its report, or None when a row is refused."""
    try:
        return import_table(read_columns(data, filename), **options)
    except IncidentsRefused:
        return None


def assert_same(data, filename="f.csv", **options):
    row_wise = outcome(data, filename, columnar_path=False, **options)
    column_wise = outcome(data, filename, columnar_path=True, **options)
    assert column_wise == row_wise
    return row_wise


# A realistic file ------------------------------------------------------------------------


def swedish_file(world):
    return excel_csv(
        "Kategori;Tidpunkt;Område;Latitud;Longitud;Plats;Beskrivning;Organisation;Extern_id;Övrigt",
        "klotter;2023-09-14 21:30;;59,3100;18,0200;Vid tunnelbanan;Nytt klotter;Bostadsbolaget;a-1;x",
        "Skadegörelse;14/9 2023;Liljeholmen;;;;Krossad ruta 070-123 45 67;Bostadsbolaget;a-2;",
        "KLOTTER;2023-03-26 02:30;Hägersten-Älvsjö;;;;;;;",  # in the spring gap
        "stold;2023-10-29 02:30;;59.29;18.0;;Cykel;Hägersten-Älvsjö SDF;a-4;",  # autumn, twice
        "stold;2023-12-31 23:59;;59.31;18.02;;;;;",
        "klotter;2023-09-14T21:30;Liljeholmen;;;;;;a-6;",  # a rarer format, parsed per cell
        "klotter;14.9.2023 kl. 21.30;Liljeholmen;;;;;;a-7;",
        'klotter;2024-02-29;Liljeholmen;59,31;18,02;Ute;"Citat ""så""; med semikolon";;;',
    )


@pytest.mark.parametrize("user", [None, "alice"])
def test_a_swedish_excel_file_gives_the_same_incidents_both_ways(world, user):
    data = swedish_file(world)
    actor = getattr(world, user) if user else None
    kind, figures, _rows = assert_same(data, user=actor)
    assert kind == "ok" and figures[0] == 8
    assert columnar_report(data, "f.csv", user=actor, organisation=None, dry_run=True) is not None


def test_xlsx_gives_the_same_incidents_both_ways(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["kategori", "tidpunkt", "område", "latitud", "longitud", "beskrivning"])
    sheet.append(["klotter", dt.datetime(2023, 9, 14, 21, 30), "Liljeholmen", None, None, "A"])
    sheet.append(["stold", dt.date(2023, 3, 31), None, 59.31, 18.02, "B"])
    sheet.append(["stold", "14/9 2023", "Liljeholmen", None, None, 12])
    buffer = BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    kind, figures, _rows = assert_same(data, "f.xlsx", user=world.alice)
    assert kind == "ok" and figures[0] == 3
    assert columnar_report(data, "f.xlsx", user=world.alice, organisation=None, dry_run=True)


def test_the_written_rows_and_the_rollup(world):
    report = import_incidents(swedish_file(world), "f.csv", user=world.alice, columnar=True)
    assert report.created == 8 and report.written
    # 02:30 in the spring gap is read with the offset before the change (fold=0).
    spring = dt.datetime(2023, 3, 26, 1, 30, tzinfo=dt.UTC)
    assert Incident.objects.get(occurred_at=spring).area == world.district
    assert Incident.objects.get(external_id="a-4").occurred_at == dt.datetime(
        2023, 10, 29, 0, 30, tzinfo=dt.UTC
    )
    quoted = Incident.objects.get(place="Ute")
    assert quoted.description == 'Citat "så"; med semikolon'
    assert quoted.latitude == 59.31 and quoted.area == world.liljeholmen
    assert Incident.objects.get(external_id="a-1").reported_by == world.alice
    total = sum(IncidentRollup.objects.values_list("count", flat=True))
    assert total == Incident.objects.count() == 8


def test_reimporting_adds_nothing(world):
    data = swedish_file(world)
    import_incidents(data, "f.csv", user=world.alice, columnar=True)
    again = import_incidents(data, "f.csv", user=world.alice, columnar=True)
    assert again.created == 3  # the rows without an external id
    assert again.already_recorded == 5
    assert Incident.objects.count() == 11


def test_a_dry_run_writes_nothing(world):
    report = import_incidents(swedish_file(world), "f.csv", dry_run=True, columnar=True)
    assert report.created == 8 and not report.written
    assert not Incident.objects.exists() and not IncidentRollup.objects.exists()


@pytest.mark.parametrize(
    "bad_row",
    [
        "okänd;2023-09-14;Liljeholmen;;;;;;",
        "klotter;igår;Liljeholmen;;;;;;",
        "klotter;2023-02-30;Liljeholmen;;;;;;",
        "klotter;2023-09-14 24:00;Liljeholmen;;;;;;",
        "klotter;2099-09-14;Liljeholmen;;;;;;",
        "klotter;2023-09-14;;59,31;;;;;",
        "klotter;2023-09-14;;91;18;;;;",
        "klotter;2023-09-14;;1,5;1,5;;;;",  # outside every area
        "klotter;2023-09-14;Skärholmen;;;;;;",  # outside alice's areas
        "klotter;2023-09-14;Atlantis;;;;;;",
        "klotter;2023-09-14;Liljeholmen;;;;;Okänd organisation;",
        "klotter;2023-09-14;Liljeholmen;;;;Mannen 811228-9874 sågs;;",
        "klotter;2023-09-14;Liljeholmen;;;198112289874;;;",
        "klotter;2023-09-14;Liljeholmen;;;;" + "x" * 4001 + ";;",
        "klotter;2023-09-14;Liljeholmen;;;;;;a-1",  # the same external id twice
        ";2023-09-14;Liljeholmen;;;;;;",
    ],
)
@pytest.mark.parametrize("skip_invalid", [False, True])
def test_a_bad_row_is_named_alike_both_ways(world, bad_row, skip_invalid):
    data = excel_csv(HEADER, "klotter;2023-09-14;Liljeholmen;;;;;;a-1", bad_row)
    options = {"user": world.alice, "skip_invalid": skip_invalid}
    assert columnar_report(data, "f.csv", user=world.alice, organisation=None, dry_run=True) is None
    result = assert_same(data, **options)
    if skip_invalid:
        assert result[0] == "ok" and result[1][0] == 1
    else:
        assert result[0] == "refused"
        assert all(problem.split(",")[0].endswith(" 3") for problem in result[1])


def test_layouts_only_the_row_reader_handles_still_import(world):
    data = excel_csv(
        HEADER,
        'klotter;2023-09-14;Liljeholmen;;;;"två\r\nrader";;',
        "stold;2023-09-14;Liljeholmen;;;;;;;;extra",
    )
    kind, figures, _rows = assert_same(data, user=world.alice)
    assert kind == "ok" and figures[0] == 2


def test_only_a_layout_the_column_reader_cannot_take_is_read_row_by_row(world, monkeypatch):
    calls = []
    original = imports.read_table

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "read_table", spy)
    lines = [f"klotter;2023-09-{d:02d} 12:00;Liljeholmen;;;;;;" for d in range(1, 5)]
    assert import_incidents(excel_csv(HEADER, *lines), "f.csv").created == 4
    assert calls == []
    quoted = 'klotter;2023-09-14;Liljeholmen;;;;"två\r\nrader";;'
    assert import_incidents(excel_csv(HEADER, quoted), "f.csv").created == 1
    assert calls == [1]


# Random files ------------------------------------------------------------------------------

_dates = st.datetimes(dt.datetime(2019, 1, 1), dt.datetime(2025, 12, 31)).flatmap(
    lambda d: st.sampled_from(
        [
            f"{d:%Y-%m-%d}",
            f"{d:%Y-%m-%d %H:%M}",
            f"{d.day}/{d.month} {d.year}",
            f"{d.day}/{d.month} {d.year} {d.hour}:{d.minute:02d}",
            f"{d.year}-{d.month}-{d.day} {d.hour}:{d.minute:02d}",
            f"{d:%Y-%m-%dT%H:%M:%S}",  # rarer formats: parsed cell by cell
            f"{d:%Y%m%d}",
        ]
    )
)
_clean = {
    "kategori": st.sampled_from(["klotter", "KLOTTER", "Klotter", "stold", "ran", "Rån"]),
    "tidpunkt": st.one_of(
        _dates, st.sampled_from(["2023-03-26 02:30", "2023-10-29 02:59", "2023-12-31 23:59"])
    ),
    "point": st.sampled_from(
        [
            ("", ""),
            ("59,31", "18,02"),
            ("59.305", "18.021"),
            ("59,29", "18"),
            ("+59,31", "18,02"),
            ("59,3100", "18,0200"),
            ("59,31", "1,802E1"),
        ]
    ),  # fmt: skip
    "område": st.sampled_from(["", "Liljeholmen", "liljeholmen", "Hägersten-Älvsjö"]),
    "text": st.text(alphabet='ab 0123456789-–+åÄ"', max_size=30),
    "organisation": st.sampled_from(["", "Bostadsbolaget", "Hägersten-Älvsjö SDF"]),
    "extern_id": st.booleans(),
}
# One cell that may make a row bad.
_bad = st.sampled_from(
    [("kategori", "okänd"), ("kategori", ""), ("tidpunkt", "2023-02-29"), ("tidpunkt", "x"),
     ("tidpunkt", "1899-12-31 23:00"), ("tidpunkt", "2099-01-01"), ("point", ("59,31", "")),
     ("point", ("1,5", "1,5")), ("område", "Okänt"), ("område", "Skärholmen"),
     ("organisation", "Okänd"), ("organisation", "Skärholmens SDF"), ("extern_id", "e-0"),
     ("text", "811228-9874")]
)  # fmt: skip
_row = st.fixed_dictionaries(_clean)


def _csv_cell(text):
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\n') else text


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_row, min_size=1, max_size=8),
    bad=st.one_of(st.none(), st.tuples(st.integers(0, 7), _bad)),
    as_alice=st.booleans(),
    skip=st.booleans(),
)
def test_random_files_give_the_same_result_both_ways(world, rows, bad, as_alice, skip):
    if bad is not None:
        index, (column, value) = bad
        rows[index % len(rows)] = {**rows[index % len(rows)], column: value}
    lines = [HEADER]
    for number, r in enumerate(rows):
        lat, lon = r["point"]
        external = r["extern_id"] if isinstance(r["extern_id"], str) else ""
        if r["extern_id"] is True or external == "e-0":
            external = external or f"e-{number}"
        cells = [r["kategori"], r["tidpunkt"], r["område"], lat, lon, _csv_cell(r["text"]),
                 _csv_cell(r["text"][::-1]), r["organisation"], external]  # fmt: skip
        lines.append(";".join(cells))
    data = excel_csv(*lines)
    user = world.alice if as_alice else None
    row_wise = outcome(data, "f.csv", columnar_path=False, user=user, skip_invalid=skip)
    column_wise = outcome(data, "f.csv", columnar_path=True, user=user, skip_invalid=skip)
    assert column_wise == row_wise
    fast = columnar_report(data, "f.csv", user=user, organisation=None, dry_run=True)
    # Imported all or nothing, a file is taken whole exactly when every row is good.
    clean = row_wise[0] == "ok" and row_wise[1][0] + row_wise[1][1] == len(rows)
    event("clean" if clean else "refused or partly imported")
    assert (fast is not None) == clean


# The personnummer guard -------------------------------------------------------------------

_identity_like = st.builds(
    lambda century, date, sep, serial: f"{century}{date}{sep}{serial}",
    st.sampled_from(["", "19", "20", "18", "17"]),
    st.sampled_from(["811228", "811288", "000229", "991231", "123456", "701301"]),
    st.sampled_from(["", "-", "–", "+", " ", "  "]),
    st.from_regex(r"\d{4}", fullmatch=True),
)
_texts = st.lists(
    st.one_of(st.text(alphabet="0123456789 -–+/:.a", max_size=24), _identity_like), max_size=4
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(_texts, min_size=1, max_size=20))
def test_prefilter_and_exact_check_refuse_exactly_what_the_detector_finds(texts):
    found = holds_identity_number(pa.array(texts, type=pa.string()))
    assert found.tolist() == [contains_identity_number(t) for t in texts]


def test_the_guard_finds_known_numbers():
    texts = ["811228-9874", "19811228-9874", "Ring 070-123 45 67", "ärende 5000-811228-9874", ""]
    assert holds_identity_number(pa.array(texts)).tolist() == [True, True, False, False, False]
