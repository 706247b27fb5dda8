"""Reading and writing tables the way Swedish offices exchange them.

Municipal staff move data around as spreadsheets: CSV saved by Swedish Excel (";" between cells,
decimal comma, UTF-8 with BOM or Windows-1252), comma-separated exports from other systems, and
.xlsx workbooks. This module turns any of those into plain header → text rows with the line
numbers the user sees, parses the Swedish ways of writing dates and numbers, and writes exports
that Swedish Excel opens without an import wizard. It knows nothing about incidents or models;
importers build on it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.numbers import is_datetime
from openpyxl.utils import get_column_letter

# Exports are read by people in Sweden; aware datetimes are shown in their wall-clock time.
LOCAL_TZ = ZoneInfo("Europe/Stockholm")

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
# Formats we recognise but cannot read; the user can fix it in one "Save as" step.
UNREADABLE_EXTENSIONS = {".xls", ".ods", ".numbers"}

_ZIP_MAGIC = b"PK\x03\x04"
# Old binary .xls (and other OLE2 compound files) start with this.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Preference order on ties: Swedish Excel writes ";", Excel's "Unicode text" writes tabs.
_DELIMITERS = (";", "\t", ",")

# The sheet an export is expected to keep its rows on, when a workbook has several.
_PREFERRED_SHEET = "händelser"


class TableError(ValueError):
    """The file as a whole cannot be read (encoding, empty, no header, unknown format).

    The message is translated and says why, so views can show it as it is.
    """


@dataclass
class Row:
    # 1-based line as the user sees it: for CSV the physical line where the record starts
    # (the header is line 1 unless blank lines precede it), for XLSX the sheet row number.
    line: int
    # Normalised header → cell text, stripped ("" for an empty or missing cell).
    values: dict[str, str]


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    format: str  # "csv" or "xlsx"
    encoding: str | None  # CSV only: "utf-8-sig", "utf-8", "utf-16" or "cp1252"
    delimiter: str | None  # CSV only: ";", "," or "\t"
    # Lines with non-empty cells beyond the last header; those cells are not in Row.values,
    # so an importer can warn instead of silently dropping data.
    ragged_lines: list[int] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> Table:
    """Read an uploaded CSV or XLSX file into a Table.

    The format follows the file name's extension; content that is plainly a workbook wins over
    the name, because people rename "export.xlsx" to "export.csv" hoping it helps. Unknown
    extensions are sniffed.
    """
    ext = _extension(filename)
    if data.startswith(_OLE2_MAGIC) or ext in UNREADABLE_EXTENSIONS:
        raise TableError(
            _(
                "%(name)s cannot be read as it is. Open it in Excel and save it as "
                "“Excel Workbook (.xlsx)” or “CSV UTF-8 (comma delimited) (.csv)”."
            )
            % {"name": filename}
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if ext in XLSX_EXTENSIONS:
        raise TableError(_("The file is named .xlsx but is not an Excel workbook."))
    # Everything else is read as text; _read_csv refuses what is plainly binary.
    return _read_csv(data)


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[1].lower() if "." in name else ""


def normalise_header(text: str) -> str:
    """Header text as importers compare it: no BOM, lower-case, single spaces."""
    return " ".join(text.replace("\ufeff", "").split()).lower()


def _headers_from(cells: list[str], line: int) -> list[str]:
    headers = [normalise_header(c) for c in cells]
    # Excel keeps formatted-but-empty columns as trailing ";;;" — they are not columns.
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TableError(_("The file has no heading row."))
    if "" in headers:
        raise TableError(
            _("line %(line)s: column %(column)s has no heading.")
            % {"line": line, "column": headers.index("") + 1}
        )
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise TableError(
            _("The heading row has the same column more than once: %(names)s")
            % {"names": ", ".join(f"“{h}”" for h in duplicates)}
        )
    return headers


def _build_rows(records: Iterable[tuple[int, list[str]]]) -> tuple[list[str], list[Row], list[int]]:
    """Header from the first non-blank record, then rows; shared by CSV and XLSX."""
    headers: list[str] | None = None
    rows: list[Row] = []
    ragged: list[int] = []
    for line, raw in records:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if headers is None:
            headers = _headers_from(cells, line)
            continue
        if any(cells[len(headers) :]):
            ragged.append(line)
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}
        rows.append(Row(line=line, values=values))
    if headers is None:
        raise TableError(_("The file is empty."))
    return headers, rows, ragged


# --- CSV ---

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEP_LINE = re.compile(r"sep=(.)\r?\n?$", re.IGNORECASE)


def _decode(data: bytes) -> tuple[str, str]:
    # Excel's "Unicode text" is UTF-16 with BOM; the BOM makes it unambiguous.
    if data[:2] in _UTF16_BOMS:
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        # Strict UTF-8 first: cp1252 decodes almost any bytes, so it can only be the fallback,
        # while UTF-8 text practically never passes by accident.
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise TableError(
            _("The file's character encoding is not recognised. Save it as “CSV UTF-8”.")
        ) from None


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that occurs most often outside quotes in the first record."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    # max() keeps the first of equal counts, and _DELIMITERS lists ";" first.
    return max(_DELIMITERS, key=lambda d: counts[d])


def _csv_text(data: bytes) -> tuple[str, str, str, int]:
    """Decoded text without a "sep=" line, its encoding, delimiter and the lines skipped."""
    text, encoding = _decode(data)
    if "\x00" in text:
        raise TableError(_("The file is neither CSV nor an Excel workbook (.xlsx)."))
    if not text.strip():
        raise TableError(_("The file is empty."))

    # Excel honours a first line "sep=;" and some exporters write one; it is not the header.
    first_line_end = text.find("\n") + 1 or len(text)
    sep_line = _SEP_LINE.match(text[:first_line_end])
    if sep_line:
        return text[first_line_end:], encoding, sep_line.group(1), 1
    return text, encoding, _sniff_delimiter(text.lstrip("\r\n")), 0


def _read_csv(data: bytes) -> Table:
    text, encoding, delimiter, skipped_lines = _csv_text(data)

    # newline="" keeps line breaks inside quoted cells intact for the csv module.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterable[tuple[int, list[str]]]:
        # reader.line_num counts physical lines consumed so far, so a record starts on the line
        # after the previous record ended — which is what the user sees in an editor.
        start = 1
        try:
            for record in reader:
                yield start + skipped_lines, record
                start = reader.line_num + 1
        except csv.Error as exc:
            raise TableError(
                _("line %(line)s: the file cannot be read as CSV (%(error)s).")
                % {"line": start + skipped_lines, "error": exc}
            ) from None

    headers, rows, ragged = _build_rows(records())
    return Table(
        headers=headers,
        rows=rows,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        ragged_lines=ragged,
    )


# --- XLSX ---


def _read_xlsx(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        # openpyxl reports a damaged or non-workbook zip (.docx, .ods) through any of these.
        raise TableError(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.worksheets:
            raise TableError(_("The workbook has no sheets."))
        sheet = next(
            (ws for ws in workbook.worksheets if ws.title.strip().lower() == _PREFERRED_SHEET),
            workbook.worksheets[0],
        )
        # Some exporters write a wrong or missing <dimension>; reading every row is safer than
        # trusting it, and openpyxl still fills gaps with empty rows, so numbering holds.
        sheet.reset_dimensions()
        records = (
            (line, [_cell_text(cell) for cell in row])
            for line, row in enumerate(sheet.iter_rows(min_row=1), start=1)
        )
        headers, rows, ragged = _build_rows(records)
    finally:
        # A read-only workbook keeps the zip archive open until closed.
        workbook.close()
    return Table(
        headers=headers,
        rows=rows,
        format="xlsx",
        encoding=None,
        delimiter=None,
        ragged_lines=ragged,
    )


def _cell_text(cell: object) -> str:
    value = getattr(cell, "value", None)
    if isinstance(value, datetime):
        value = _round_to_second(value)
        if value.time() == time(0) and is_datetime(getattr(cell, "number_format", "")) != (
            "datetime"
        ):
            # A date typed into a date-formatted cell; "00:00" would claim a time nobody gave.
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return _plain_text(value, decimal_point=".")


def _round_to_second(value: datetime) -> datetime:
    # Excel stores times as fractions of a day; sub-second noise is an artefact, not data.
    rounded = value.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if value.microsecond >= 500_000 else rounded


def _plain_text(value: object, decimal_point: str) -> str:
    """Text for a non-date cell value, as a person would type it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr gives the shortest text that reads back as the same float; going through Decimal
        # avoids exponent notation ("1e-05"), which neither people nor parse_decimal expect.
        return format(Decimal(repr(value)), "f").replace(".", decimal_point)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_point)
    return str(value).strip()


# --- parsing cell text -----------------------------------------------------------------------

_DATE_ISO = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_DATE_COMPACT = r"(?P<y2>\d{4})(?P<m2>\d{2})(?P<d2>\d{2})"
# Day first, as Swedes write by hand: 14/9 2023, 14/9/2023, 14.9.2023.
_DATE_DMY = r"(?P<d3>\d{1,2})[/.](?P<m3>\d{1,2})(?:[/.]|\s)(?P<y3>\d{4})"
_TIME = r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<frac>\d{1,6}))?)?"
_OFFSET = r"(?P<tz>Z|[+-]\d{2}:?\d{2})"
_DATETIME_RE = re.compile(
    rf"(?:{_DATE_ISO}|{_DATE_COMPACT}|{_DATE_DMY})"
    rf"(?:(?:T|\s+|,\s*)(?:kl\.?\s*)?{_TIME}\s*{_OFFSET}?)?",
    re.IGNORECASE,
)


def parse_datetime(text: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Parse a date with optional time; return (aware datetime in tz, date_only).

    Accepted: 2023-09-14, 2023-09-14 21:30, 2023-09-14 21:30:15, 2023-09-14T21:30, 20230914,
    14/9 2023, 14/9/2023, 14.9.2023, 14/9 2023 21:30, 2023-09-14 kl. 21.30, and ISO 8601 with
    an offset (2023-09-14T21:30:00+02:00, converted to tz). A date alone gives local midnight
    and date_only=True.

    Wall-clock times that do not exist or occur twice at daylight-saving changes follow
    zoneinfo's fold=0: a time in the spring gap is read with the offset before the change
    (2023-03-26 02:30 in Stockholm becomes 03:30 CEST), and an autumn time that occurs twice is
    the first occurrence (2023-10-29 02:30 is 02:30 CEST, 00:30 UTC). The result is normalised
    through UTC, so it is always a real local time.
    """
    cleaned = " ".join(text.split())
    match = _DATETIME_RE.fullmatch(cleaned)
    error = ValueError(
        _("“%(text)s” is not a date and time (use e.g. 2023-09-14, 2023-09-14 21:30 or 14/9 2023)")
        % {"text": text.strip()}
    )
    if not match:
        raise error
    g = match.groupdict()
    year = g["y"] or g["y2"] or g["y3"]
    month = g["m"] or g["m2"] or g["m3"]
    day = g["d"] or g["d2"] or g["d3"]
    try:
        naive = datetime(
            int(year),
            int(month),
            int(day),
            int(g["H"] or 0),
            int(g["M"] or 0),
            int(g["S"] or 0),
            int((g["frac"] or "0").ljust(6, "0")),
        )
        if g["tz"]:
            parsed = datetime.fromisoformat(naive.isoformat() + _iso_offset(g["tz"]))
        else:
            parsed = naive.replace(tzinfo=tz)  # fold=0, see docstring
        result = parsed.astimezone(UTC).astimezone(tz)
    except (ValueError, OverflowError):
        raise error from None
    return result, g["H"] is None


def _iso_offset(offset: str) -> str:
    if offset.upper() == "Z":
        return "+00:00"
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"


_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (Excel, Word, web)
_NUMBER_RE = re.compile(
    rf"(?P<sign>[+-])?"
    rf"(?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d*)"
    r"(?:[.,](?P<frac>\d+))?"
    r"(?:[eE](?P<exp>[+-]?\d+))?"
)


def parse_decimal(text: str) -> float | None:
    """Parse a number written with decimal comma or point; "" gives None.

    Accepts "59,2786", "59.2786", "1 234,5" (space or no-break space between thousands),
    "−12,5" (Unicode minus) and Excel's "1,5E+06". A comma is always the decimal separator —
    "1,234" is 1.234 — so "1,234,5" and "1.234,5" are rejected rather than guessed at.
    """
    cleaned = text.strip().replace("\u2212", "-")
    if not cleaned:
        return None
    match = _NUMBER_RE.fullmatch(cleaned)
    if not match or not (match["int"] or match["frac"]):
        raise ValueError(_("“%(text)s” is not a number") % {"text": text.strip()})
    digits = re.sub(f"[{_SPACES}]", "", match["int"]) or "0"
    number = float(f"{match['sign'] or ''}{digits}.{match['frac'] or '0'}e{match['exp'] or '0'}")
    if number in (float("inf"), float("-inf")):
        raise ValueError(_("“%(text)s” is not a number") % {"text": text.strip()})
    return number


# --- writing ---------------------------------------------------------------------------------

# Excel runs a cell starting with these as a formula, so user text from a report could run
# =HYPERLINK(…) or worse on the reader's machine (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        if value.startswith(_FORMULA_STARTS) and not _is_number(value):
            # The apostrophe is what Excel users type themselves to force text.
            return "'" + value
        return value
    return _plain_text(value, decimal_point=",")


def _is_number(text: str) -> bool:
    try:
        return parse_decimal(text) is not None
    except ValueError:
        return False


def write_csv(headers: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV as Swedish Excel writes and opens it: UTF-8 with BOM, ";", CRLF, decimal comma.

    Datetimes are written as "YYYY-MM-DD HH:MM" in Swedish time, None as an empty cell. Text
    that Excel would run as a formula (starting with = + - @) gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in headers])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    # The BOM is how Excel knows the file is UTF-8 rather than the ANSI code page.
    return buffer.getvalue().encode("utf-8-sig")


_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_COLUMN_WIDTH = 60


def write_xlsx(headers: list[str], rows: Iterable[Sequence[object]], sheet_title: str) -> bytes:
    """An .xlsx workbook with one sheet: bold frozen header row, sensible column widths.

    Datetimes become Excel dates in Swedish time ("yyyy-mm-dd hh:mm"); text is always stored
    as text, so nothing a user typed can turn into a formula.
    """
    workbook = Workbook(write_only=True)
    # Excel refuses sheet titles over 31 characters or with these characters.
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", sheet_title).strip()[:31] or "Blad1"
    sheet = workbook.create_sheet(title=title)

    # Write-only sheets need column widths before the first row, so the widths must be known
    # up front; exports are small enough to hold in memory.
    values = [[_xlsx_value(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in values:
        for i, (value, _fmt) in enumerate(row):
            width = 16 if isinstance(value, datetime) else len(_plain_text(value, ","))
            if i < len(widths):
                widths[i] = max(widths[i], width)
            else:
                widths.append(width)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", header))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    for row in values:
        cells = []
        for value, number_format in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would store "=…" as a formula; user text must stay text.
                cell.data_type = "s"
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: object) -> tuple[object, str | None]:
    """The value to store and its number format, if it needs one."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no time zones; store the wall-clock time the reader expects.
            value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        return value, "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return value, "yyyy-mm-dd"
    if isinstance(value, time):
        return value, "hh:mm"
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value, None
    # Control characters are invalid in the XML inside .xlsx; openpyxl would refuse the file.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None


# --- reading column-wise ---------------------------------------------------------------------

# What str.strip() removes, so that column-wise cells equal Row.values exactly.
_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


class NotColumnar(Exception):
    """The file is readable, but only row by row (a quoted line break, a ragged row, …)."""


@dataclass
class ColumnTable:
    """A table read column by column: the same headers, cells and line numbers as read_table.

    ``columns`` maps each header to a pyarrow string array of stripped cell text ("" for an
    empty cell); ``lines`` holds each row's line number as the user sees it.
    """

    headers: list[str]
    columns: dict[str, Any]
    lines: np.ndarray
    format: str

    def __len__(self) -> int:
        return len(self.lines)


def read_columns(data: bytes, filename: str) -> ColumnTable:
    """Read a CSV or XLSX file column-wise for large imports.

    Gives the same headers, cells and line numbers as ``read_table`` and raises the same
    TableError for unreadable files. CSV goes through pyarrow's C++ reader; a file whose
    layout only the row reader handles (a line break inside quotes, rows with more or fewer
    cells than the header, a lone carriage return) raises NotColumnar. XLSX is read by
    ``read_table`` (openpyxl has no column-wise reader) and turned into columns.
    """
    ext = _extension(filename)
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE2_MAGIC) or ext in XLSX_EXTENSIONS:
        return to_columns(read_table(data, filename))
    if ext in UNREADABLE_EXTENSIONS:
        read_table(data, filename)  # raises the TableError that says what to do
    return _read_csv_columns(data)


def to_columns(table: Table) -> ColumnTable:
    """A table read row by row, as columns."""
    return ColumnTable(
        headers=table.headers,
        columns={
            h: pa.array([row.values[h] for row in table.rows], type=pa.string())
            for h in table.headers
        },
        lines=np.array([row.line for row in table.rows], dtype=np.int64),
        format=table.format,
    )


def _read_csv_columns(data: bytes) -> ColumnTable:
    text, _encoding, delimiter, skipped_lines = _csv_text(data)
    if text.count("\r") != text.count("\r\n"):
        raise NotColumnar("a carriage return without a line feed")
    # The header is the first record with a non-blank cell, as in _build_rows.
    position = 0
    line = skipped_lines
    while True:
        line += 1
        end = text.find("\n", position)
        record = text[position : end if end >= 0 else len(text)].removesuffix("\r")
        if record.count('"') % 2:
            raise NotColumnar("a line break inside quotes in the heading")
        cells = next(csv.reader([record], delimiter=delimiter), [])
        if any(c.strip() for c in cells):
            break
        if end < 0:
            raise TableError(_("The file is empty."))
        position = end + 1
    headers = _headers_from(cells, line)
    body = text[end + 1 :].encode("utf-8") if end >= 0 else b""

    raw = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(raw == 10)
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [len(raw)]])
    lengths = ends - starts
    has_cr = np.zeros(len(ends), dtype=bool)
    has_cr[lengths > 0] = raw[ends[lengths > 0] - 1] == 13
    lengths = lengths - has_cr
    # Quote characters per line: an odd count means a quoted cell runs over the line break.
    quotes = np.flatnonzero(raw == 34)
    if len(quotes):
        per_line = np.searchsorted(quotes, ends) - np.searchsorted(quotes, starts)
        if np.any(per_line % 2):
            raise NotColumnar("a line break inside quotes")
    lines = line + 1 + np.flatnonzero(lengths > 0).astype(np.int64)
    if not len(lines):
        empty = pa.array([], type=pa.string())
        return ColumnTable(headers, dict.fromkeys(headers, empty), lines, "csv")

    names = [f"c{i}" for i in range(len(cells))]
    try:
        arrow = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise NotColumnar(str(error)) from None
    if arrow.num_rows != len(lines):
        raise NotColumnar("rows and lines differ")
    stripped = [pc.utf8_trim(arrow.column(n).combine_chunks(), _WHITESPACE) for n in names]
    # Rows whose every cell is blank are skipped, as the row reader does; their lines count.
    filled = np.zeros(len(lines), dtype=bool)
    for column in stripped:
        filled |= pc.greater(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    if not filled.all():
        keep = pa.array(filled)
        stripped = [column.filter(keep) for column in stripped]
        lines = lines[filled]
    return ColumnTable(
        headers=headers,
        columns={h: stripped[i] for i, h in enumerate(headers)},
        lines=lines,
        format="csv",
    )
