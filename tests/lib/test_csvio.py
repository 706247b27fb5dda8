import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.lib.csvio import (
    TableError,
    parse_datetime,
    parse_decimal,
    read_table,
    write_csv,
    write_xlsx,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def values(table):
    return [row.values for row in table.rows]


# --- CSV as offices write it -----------------------------------------------------------------


def test_swedish_excel_csv_utf8():
    # Excel (sv-SE) "CSV UTF-8 (kommaavgränsad)": BOM, semicolons, CRLF, decimal comma.
    data = (
        "\ufeffDatum;Plats;Latitud;Longitud\r\n"
        "2023-09-14 21:30;Liljeholmstorget;59,3101;18,0228\r\n"
        "2023-09-15 02:10;Årstaberg;59,2986;18,0297\r\n"
    ).encode()
    table = read_table(data, "händelser.csv")
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8-sig", ";")
    assert table.headers == ["datum", "plats", "latitud", "longitud"]
    assert [row.line for row in table.rows] == [2, 3]
    assert table.rows[0].values == {
        "datum": "2023-09-14 21:30",
        "plats": "Liljeholmstorget",
        "latitud": "59,3101",
        "longitud": "18,0228",
    }
    assert parse_decimal(table.rows[1].values["latitud"]) == 59.2986


def test_windows_1252_file_with_swedish_letters():
    # Plain "CSV (semikolonavgränsad)" from older Excel is the ANSI code page, not UTF-8.
    data = "Händelse;Område\r\nSkadegörelse;Hägersten-Älvsjö\r\n".encode("cp1252")
    table = read_table(data, "export.csv")
    assert table.encoding == "cp1252"
    assert table.headers == ["händelse", "område"]
    assert values(table) == [{"händelse": "Skadegörelse", "område": "Hägersten-Älvsjö"}]


def test_comma_separated_utf8_without_bom():
    data = 'datum,plats,lat\n2023-09-14,"Årsta, torget",59.29\n'.encode()
    table = read_table(data, "from-system.csv")
    assert (table.encoding, table.delimiter) == ("utf-8", ",")
    assert values(table) == [{"datum": "2023-09-14", "plats": "Årsta, torget", "lat": "59.29"}]


def test_tab_separated_utf16_from_excel_unicode_text():
    data = "Datum\tPlats\r\n2023-09-14\tÖrby\r\n".encode("utf-16")
    table = read_table(data, "export.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert values(table) == [{"datum": "2023-09-14", "plats": "Örby"}]


def test_quoted_cells_with_delimiters_and_newlines_keep_line_numbers():
    data = (
        "Datum;Beskrivning;Plats\r\n"
        '2023-09-14;"Två personer;\r\nen bil\r\nsom körde iväg";Skärholmen\r\n'
        "\r\n"
        '2023-09-15;"Klotter ""tag"" på vägg";Sätra\r\n'
        "2023-09-16;Inbrott;Vårberg\r\n"
    ).encode("utf-8-sig")
    table = read_table(data, "x.csv")
    assert [row.line for row in table.rows] == [2, 6, 7]
    assert table.rows[0].values["beskrivning"] == "Två personer;\r\nen bil\r\nsom körde iväg"
    assert table.rows[1].values["beskrivning"] == 'Klotter "tag" på vägg'
    assert table.rows[2].values["plats"] == "Vårberg"


def test_headers_are_normalised():
    data = "\ufeff  Plats  Namn ;LATITUD\u00a0;Tid\r\nA;1;2\r\n".encode()
    assert read_table(data, "x.csv").headers == ["plats namn", "latitud", "tid"]


def test_blank_rows_skipped_and_short_rows_padded():
    data = b"a;b;c\r\n;;\r\n1\r\n  ; ;\r\n4;5;6\r\n"
    table = read_table(data, "x.csv")
    assert [(row.line, row.values) for row in table.rows] == [
        (3, {"a": "1", "b": "", "c": ""}),
        (5, {"a": "4", "b": "5", "c": "6"}),
    ]


def test_trailing_empty_headers_are_ignored_and_extra_cells_reported():
    # Excel writes ";;" for formatted but empty columns to the right of the data.
    data = b"a;b;;\r\n1;2;;\r\n3;4;oops;\r\n"
    table = read_table(data, "x.csv")
    assert table.headers == ["a", "b"]
    assert values(table) == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    assert table.ragged_lines == [3]


def test_sep_line_sets_delimiter_and_is_not_the_header():
    data = b"sep=,\r\na,b\r\n1;2,3\r\n"
    table = read_table(data, "x.csv")
    assert table.delimiter == ","
    assert [(row.line, row.values) for row in table.rows] == [(3, {"a": "1;2", "b": "3"})]


def test_semicolon_wins_a_tie():
    assert read_table(b"a;b,c\r\n1;2,3\r\n", "x.csv").delimiter == ";"


def test_header_only_file_has_no_rows():
    table = read_table(b"\xef\xbb\xbfDatum;Plats\r\n", "x.csv")
    assert table.headers == ["datum", "plats"]
    assert table.rows == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n", b";;\r\n;\r\n"])
def test_empty_file_is_an_error(data):
    with pytest.raises(TableError):
        read_table(data, "x.csv")


def test_duplicate_headers_are_named():
    with pytest.raises(TableError, match="“plats”") as exc:
        read_table(b"Plats;Datum;plats \r\nA;B;C\r\n", "x.csv")
    assert "datum" not in str(exc.value)


def test_missing_header_between_columns_is_an_error():
    with pytest.raises(TableError, match="2"):
        read_table(b"a;;c\r\n1;2;3\r\n", "x.csv")


def test_unclosed_quote_is_read_to_end_of_file():
    # The csv module treats an unclosed quote as running to the end; the row is still kept.
    table = read_table(b'a;b\r\n1;"open\r\n2;3\r\n', "x.csv")
    assert [row.line for row in table.rows] == [2]


def test_binary_garbage_is_an_error():
    with pytest.raises(TableError):
        read_table(b"%PDF-1.7\x00\x00\x01\x02", "rapport.pdf")


# --- XLSX ------------------------------------------------------------------------------------


def make_workbook(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_become_text():
    def build(workbook):
        sheet = workbook.active
        sheet.append(["Datum", "Beskrivning", "Latitud", "Antal", "Dag"])
        sheet.append([datetime(2023, 9, 14, 21, 30), "Klotter", 59.3101, 3.0, date(2023, 9, 14)])
        sheet.append([])
        sheet.append([None, None, None, None, None])
        sheet.append([datetime(2023, 9, 15, 0, 0), "  Inbrott ", 0.00001, 12, None])

    table = read_table(make_workbook(build), "export.xlsx")
    assert (table.format, table.encoding, table.delimiter) == ("xlsx", None, None)
    assert table.headers == ["datum", "beskrivning", "latitud", "antal", "dag"]
    assert [row.line for row in table.rows] == [2, 5]
    assert table.rows[0].values == {
        "datum": "2023-09-14 21:30",
        "beskrivning": "Klotter",
        "latitud": "59.3101",
        "antal": "3",
        "dag": "2023-09-14",
    }
    # The cell's format has a time part, so midnight is a time someone gave.
    assert table.rows[1].values == {
        "datum": "2023-09-15 00:00",
        "beskrivning": "Inbrott",
        "latitud": "0.00001",
        "antal": "12",
        "dag": "",
    }


def test_xlsx_midnight_in_a_date_formatted_cell_is_a_date():
    # What Excel stores when someone types 2023-09-15 into a cell.
    def build(workbook):
        sheet = workbook.active
        sheet.append(["Dag"])
        sheet.append([datetime(2023, 9, 15, 0, 0)])
        sheet["A2"].number_format = "yyyy-mm-dd"

    assert values(read_table(make_workbook(build), "x.xlsx")) == [{"dag": "2023-09-15"}]


def test_xlsx_prefers_a_sheet_named_handelser():
    def build(workbook):
        workbook.active.append(["Instruktioner"])
        sheet = workbook.create_sheet("HÄNDELSER")
        sheet.append(["Plats"])
        sheet.append(["Sätra"])

    assert values(read_table(make_workbook(build), "x.xlsx")) == [{"plats": "Sätra"}]


def test_xlsx_sniffed_without_extension_and_despite_csv_name():
    def build(workbook):
        workbook.active.append(["Plats"])
        workbook.active.append(["Sätra"])

    data = make_workbook(build)
    assert read_table(data, "upload").format == "xlsx"
    assert read_table(data, "renamed.csv").format == "xlsx"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"anything", "gammal.xls"),
        (b"anything", "Gammal.XLS"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "upload"),
    ],
)
def test_old_excel_files_ask_for_xlsx_or_csv(data, filename):
    with pytest.raises(TableError, match="xlsx"):
        read_table(data, filename)


def test_xlsx_name_with_other_content_is_an_error():
    with pytest.raises(TableError):
        read_table(b"a;b\r\n1;2\r\n", "x.xlsx")


def test_zip_that_is_not_a_workbook_is_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(TableError):
        read_table(buffer.getvalue(), "rapport.docx")


# --- parse_datetime --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2023-09-14", datetime(2023, 9, 14), True),
        ("2023-09-14 21:30", datetime(2023, 9, 14, 21, 30), False),
        ("2023-09-14 21:30:15", datetime(2023, 9, 14, 21, 30, 15), False),
        ("2023-09-14T21:30", datetime(2023, 9, 14, 21, 30), False),
        ("20230914", datetime(2023, 9, 14), True),
        ("14/9 2023", datetime(2023, 9, 14), True),
        ("14/9/2023", datetime(2023, 9, 14), True),
        ("14.9.2023", datetime(2023, 9, 14), True),
        ("14/9 2023 21:30", datetime(2023, 9, 14, 21, 30), False),
        ("2023-09-14 kl. 21.30", datetime(2023, 9, 14, 21, 30), False),
        ("2023-09-14 kl 9.05", datetime(2023, 9, 14, 9, 5), False),
        ("  2023-9-4  21:30 ", datetime(2023, 9, 4, 21, 30), False),
        ("2023-09-14 00:00", datetime(2023, 9, 14), False),
        ("2023-09-14T21:30:00+02:00", datetime(2023, 9, 14, 21, 30), False),
        ("2023-09-14T19:30:00Z", datetime(2023, 9, 14, 21, 30), False),
        ("2023-01-14T21:30:00+0000", datetime(2023, 1, 14, 22, 30), False),
    ],
)
def test_parse_datetime_accepts(text, expected, date_only):
    parsed, parsed_date_only = parse_datetime(text, STOCKHOLM)
    assert parsed.tzinfo is STOCKHOLM
    assert parsed.replace(tzinfo=None) == expected
    assert parsed_date_only is date_only


@pytest.mark.parametrize(
    "text",
    ["2023-13-01", "31/2 2023", "igår", "", "21.30", "2023-09-14 25:00", "14/9", "9/14/23"],
)
def test_parse_datetime_rejects(text):
    with pytest.raises(ValueError, match="2023-09-14"):
        parse_datetime(text, STOCKHOLM)


def test_nonexistent_spring_time_is_read_with_winter_offset():
    # Clocks jumped 02:00 → 03:00 on 2023-03-26; 02:30 is taken as 02:30+01:00.
    parsed, _ = parse_datetime("2023-03-26 02:30", STOCKHOLM)
    assert parsed.astimezone(UTC) == datetime(2023, 3, 26, 1, 30, tzinfo=UTC)
    assert parsed.replace(tzinfo=None) == datetime(2023, 3, 26, 3, 30)


def test_ambiguous_autumn_time_is_the_first_occurrence():
    # Clocks went 03:00 → 02:00 on 2023-10-29; 02:30 happened twice, first in summer time.
    parsed, _ = parse_datetime("2023-10-29 02:30", STOCKHOLM)
    assert parsed.astimezone(UTC) == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)
    assert parsed.replace(tzinfo=None) == datetime(2023, 10, 29, 2, 30)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    )
)
def test_parse_datetime_round_trips_local_minutes(moment):
    # Going through UTC yields only local times that exist.
    local = moment.astimezone(STOCKHOLM).replace(second=0, microsecond=0)
    parsed, date_only = parse_datetime(local.strftime("%Y-%m-%d %H:%M"), STOCKHOLM)
    assert not date_only
    assert parsed.replace(tzinfo=None) == local.replace(tzinfo=None)
    # The second pass through an autumn hour reads back as the first, by design.
    shift = timedelta(hours=1) if local.fold else timedelta(0)
    assert parsed.timestamp() == (local - shift).timestamp()


# --- parse_decimal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("   ", None),
        ("59,2786", 59.2786),
        ("59.2786", 59.2786),
        (" 18,0118 ", 18.0118),
        ("1 234,5", 1234.5),
        ("1\u00a0234\u00a0567,25", 1234567.25),
        ("\u221212,5", -12.5),
        ("-12", -12.0),
        ("+3,0", 3.0),
        (",5", 0.5),
        ("1,234", 1.234),
        ("1,5E+06", 1_500_000.0),
    ],
)
def test_parse_decimal_accepts(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    "text", ["1,234,5", "1.234,5", "12 34", "1234 567", "5,", ",", "-", "tio", "12 st", "1e999"]
)
def test_parse_decimal_rejects(text):
    with pytest.raises(ValueError, match="inte ett tal"):
        parse_decimal(text)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_parse_decimal_reads_decimal_comma(number):
    rounded = round(number, 6)
    assert parse_decimal(f"{rounded:.6f}".replace(".", ",")) == rounded


# --- writing ---------------------------------------------------------------------------------


def test_write_csv_is_excel_friendly():
    data = write_csv(
        ["Tid", "Plats", "Lat", "Antal", "Not"],
        [
            [datetime(2023, 9, 14, 19, 30, tzinfo=UTC), "Sätra", 59.2856, 3, None],
            [date(2023, 9, 15), "a;b", -0.5, 2.0, 'sa "hej"\nsedan'],
        ],
    )
    assert (
        data
        == (
            "\ufeffTid;Plats;Lat;Antal;Not\r\n"
            "2023-09-14 21:30;Sätra;59,2856;3;\r\n"
            '2023-09-15;"a;b";-0,5;2;"sa ""hej""\nsedan"\r\n'
        ).encode()
    )


def test_write_csv_defuses_formulas_but_not_negative_numbers():
    data = write_csv(["a", "b", "c", "d"], [['=HYPERLINK("x")', "-12,5", "@SUM(A1)", "-"]])
    row = read_table(data, "x.csv").rows[0].values
    assert row == {"a": '\'=HYPERLINK("x")', "b": "-12,5", "c": "'@SUM(A1)", "d": "'-"}


def test_write_csv_round_trip():
    headers = ["Datum", "Beskrivning", "Latitud"]
    rows = [
        ["2023-09-14 21:30", "Två rader\r\noch ett ; semikolon", "59,31"],
        ["2023-09-15", 'Citat "så här"', ""],
    ]
    table = read_table(write_csv(headers, rows), "export.csv")
    assert table.headers == ["datum", "beskrivning", "latitud"]
    assert [list(row.values.values()) for row in table.rows] == rows


def test_write_xlsx_layout():
    data = write_xlsx(
        ["Tid", "Beskrivning", "Lat"],
        [[datetime(2023, 9, 14, 19, 30, tzinfo=UTC), "=1+1", 59.2856]],
        "Händelser: september/oktober 2023 med lång titel",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert len(sheet.title) <= 31 and ":" not in sheet.title and "/" not in sheet.title
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A2"].value == datetime(2023, 9, 14, 21, 30)
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"
    # User text that looks like a formula stays text.
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
    assert sheet["C2"].value == 59.2856
    assert sheet.column_dimensions["A"].width >= 16
    assert sheet.column_dimensions["B"].width >= len("Beskrivning")


def test_write_xlsx_round_trip():
    headers = ["Tid", "Beskrivning", "Lat", "Antal", "Tom"]
    rows = [
        [datetime(2023, 9, 14, 21, 30, tzinfo=STOCKHOLM), "Klotter\npå vägg", 59.2856, 4, None],
        [datetime(2023, 9, 15, 0, 0), "=inte en formel", 18.0, -2, None],
        [date(2023, 9, 16), "Sätra", None, None, None],
    ]
    table = read_table(write_xlsx(headers, rows, "Export"), "export.xlsx")
    assert table.headers == ["tid", "beskrivning", "lat", "antal", "tom"]
    assert [list(row.values.values()) for row in table.rows] == [
        ["2023-09-14 21:30", "Klotter\npå vägg", "59.2856", "4", ""],
        ["2023-09-15 00:00", "=inte en formel", "18", "-2", ""],
        ["2023-09-16", "Sätra", "", "", ""],
    ]


# --- property: anything the csv module writes, read_table reads back --------------------------

cell_text = st.text(alphabet='abcåäöÅÄÖ ;,"\n\r\t-1.', max_size=12)
header_names = st.lists(
    st.text(alphabet="abcåäö", min_size=1, max_size=8), min_size=1, max_size=5, unique=True
)


@st.composite
def tables(draw):
    headers = draw(header_names)
    rows = draw(st.lists(st.lists(cell_text, min_size=len(headers), max_size=len(headers))))
    return headers, rows


@given(tables())
def test_csv_written_by_csv_module_reads_back(table):
    headers, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    result = read_table(buffer.getvalue().encode("utf-8-sig"), "x.csv")

    expected = [[cell.strip() for cell in row] for row in rows]
    expected = [row for row in expected if any(row)]
    assert result.headers == headers
    assert [[row.values[h] for h in headers] for row in result.rows] == expected
    lines = [row.line for row in result.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)
