"""Importing official statistics from CSV/XLSX files as Swedish offices write them.

One row is one figure: ``serie``, ``område``, ``kategori`` (optional), ``period``, ``värde``,
``enhet`` (optional), ``källa`` (optional), ``anteckning`` (optional); see
docs/statistics-import.md. The file is read by ``trygg.lib.csvio`` (";" or ",", BOM, cp1252,
XLSX, decimal commas). Every row is checked first and every problem is named by line and
column; a file with any problem writes nothing. A good file creates the series it names that
do not exist yet and creates or updates one value per series, area, category and period, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser
from trygg.incidents.models import Category
from trygg.lib.csvio import Table, TableError, parse_decimal, read_table
from trygg.lib.dates import event_window
from trygg.lib.imports import (
    Columns,
    ImportFailed,
    ImportReport,
    Problem,
    RowsRefused,
    in_order,
    text_problems,
)
from trygg.lib.periods import Period, PeriodError, parse_period
from trygg.places.models import Area
from trygg.statistics.models import (
    VALUE_DECIMALS,
    VALUE_DIGITS,
    StatisticSeries,
    StatisticValue,
    Unit,
)
from trygg.statistics.permissions import importable_area_ids

TEMPLATE = Columns(
    names=("serie", "område", "kategori", "period", "värde", "enhet", "källa", "anteckning"),
    required=("område", "period", "värde"),
    # Headers people write for the same column; all map to the template's names.
    aliases={
        "serienamn": "serie",
        "statistik": "serie",
        "omrade": "område",
        "område/plats": "område",
        "stadsdel": "område",
        "år": "period",
        "ar": "period",
        "tidsperiod": "period",
        "varde": "värde",
        "antal/andel": "värde",
        "kalla": "källa",
        "kommentar": "anteckning",
        "anmärkning": "anteckning",
    },
)
TEMPLATE_COLUMNS = list(TEMPLATE.names)
# How statistics tables mark a figure that is not published (too few, not collected).
MISSING_MARKERS = frozenset({"..", "…", "-", "–", "—", "x", "X"})
# Unit words after lower-casing and dropping spaces, dots, commas, underscores and brackets.
UNIT_WORDS = {
    "antal": Unit.ANTAL,
    "st": Unit.ANTAL,
    "count": Unit.ANTAL,
    "andel": Unit.ANDEL,
    "andel%": Unit.ANDEL,
    "andelprocent": Unit.ANDEL,
    "procent": Unit.ANDEL,
    "%": Unit.ANDEL,
    "percent": Unit.ANDEL,
    "per1000": Unit.PER_1000,
    "per1000inv": Unit.PER_1000,
    "per1000invånare": Unit.PER_1000,
    "pertusen": Unit.PER_1000,
    "pertuseninvånare": Unit.PER_1000,
    "per1000inhabitants": Unit.PER_1000,
}
_UNIT_NOISE = re.compile(r"[\s.,_()\u00a0\u202f]")
# "2019 – 2020" as the seed writes reporting years; parse_period reads "2019-2020".
_YEAR_DASH_YEAR = re.compile(r"^(\d{4})\s*[–—]\s*(\d{4})$")
_LONE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_VALUE = Decimal(10) ** (VALUE_DIGITS - VALUE_DECIMALS)
QUANTUM = Decimal(1).scaleb(-VALUE_DECIMALS)
BATCH_SIZE = 2000
NAME_MAX_LENGTH = 200
SOURCE_MAX_LENGTH = 200


__all__ = ["ImportFailed", "StatisticsImportReport", "StatisticsRefused", "import_statistics"]


class StatisticsRefused(RowsRefused):
    """Rows had problems and nothing was written; ``problems`` lists them all."""


@dataclass
class StatisticsImportReport(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Lines whose value was ".." or "–" (not published): read, not imported.
    not_published: list[int] = field(default_factory=list)
    series_created: list[str] = field(default_factory=list)
    series: list[StatisticSeries] = field(default_factory=list)
    ragged_lines: list[int] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and bool(self.created or self.updated or self.series_created)


# --- reading single cells ----------------------------------------------------------------


def parse_unit(text: str) -> Unit | None:
    """A unit as people write it ("antal", "andel", "%", "per 1 000 inv."); "" gives None."""
    key = _UNIT_NOISE.sub("", text.lower())
    if not key:
        return None
    if key in UNIT_WORDS:
        return UNIT_WORDS[key]
    for unit in Unit:
        if key == _UNIT_NOISE.sub("", str(unit.label).lower()):
            return unit
    raise ValueError(
        _("unknown unit “%(value)s” (write antal, andel or per 1 000 inv.)")
        % {"value": text.strip()}
    )


def parse_value(text: str, unit: str | None = None) -> Decimal:
    """A figure written with decimal comma or point ("1 234,5", "23,5 %"), checked for the
    unit when it is known. Raises ValueError with a message for the user."""
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1].strip()
    number = parse_decimal(cleaned)
    if number is None:
        raise ValueError(_("a value is required (write .. for a figure that is not published)"))
    value = Decimal(repr(number))
    if value < 0:
        raise ValueError(
            _("“%(text)s” is negative; a count, percentage or rate cannot be")
            % {"text": text.strip()}
        )
    if value >= MAX_VALUE:
        raise ValueError(_("“%(text)s” is too large") % {"text": text.strip()})
    if percent and unit is not None and unit != Unit.ANDEL:
        raise ValueError(
            _("“%(text)s” is a percentage but the series counts in %(unit)s")
            % {"text": text.strip(), "unit": Unit(unit).label}
        )
    if unit == Unit.ANDEL and value > 100:
        raise ValueError(
            _("“%(text)s” is above 100, which a percentage cannot be") % {"text": text.strip()}
        )
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def parse_statistics_period(text: str) -> Period:
    """A period key as in docs/statistics-import.md; raises PeriodError (a ValueError)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PeriodError(_("a period is required (e.g. 2021/22, 2023 or 2023-03)"))
    if match := _YEAR_DASH_YEAR.match(cleaned):
        cleaned = f"{match[1]}-{match[2]}"
    if _LONE_DATE.match(cleaned):
        raise PeriodError(
            _(
                "“%(value)s” is a date, not a period. Excel may have turned 2023-03 into a "
                "date: format the column as text, or write e.g. 2023-03 or 2023."
            )
            % {"value": cleaned}
        )
    return parse_period(cleaned)


# --- finding what rows refer to ----------------------------------------------------------


class _Lookups:
    """Name → object lookups for one import, limited to the areas the user may import for."""

    def __init__(self, user: AnyUser | None) -> None:
        areas = list(Area.objects.values_list("id", "name", "code", "parent_id"))
        self.area_names = {pk: name for pk, name, _code, _parent in areas}
        self.parents = {pk: parent for pk, _name, _code, parent in areas}
        self.allowed = None if user is None else importable_area_ids(user)
        self.by_name: dict[str, list[int]] = {}
        self.by_code: dict[str, list[int]] = {}
        for pk, name, code, _parent in areas:
            self.by_name.setdefault(name.lower(), []).append(pk)
            if code:
                self.by_code.setdefault(code.lower(), []).append(pk)

        self.categories, self.ambiguous_categories = Category.objects.by_name()

        self.series: dict[str, StatisticSeries] = {}
        for series in StatisticSeries.objects.all():
            self.series[series.code.lower()] = series
        for series in StatisticSeries.objects.all():
            self.series[series.name.lower()] = series

    def path(self, pk: int) -> list[str]:
        names = []
        node: int | None = pk
        while node is not None:
            names.append(self.area_names[node])
            node = self.parents[node]
        return list(reversed(names))

    def area(self, text: str) -> int:
        """The area id named by code, name, or a path "Stockholm > Hägersten-Älvsjö"."""
        parts = [p.strip().lower() for p in text.split(">") if p.strip()]
        if not parts:
            raise ValueError(_("an area is required"))
        matches = self.by_code.get(text.strip().lower()) or self.by_name.get(parts[-1], [])
        if len(parts) > 1:
            matches = [
                pk for pk in matches if [n.lower() for n in self.path(pk)[-len(parts) :]] == parts
            ]
        if not matches:
            raise ValueError(_("unknown area “%(value)s”") % {"value": text.strip()})
        if self.allowed is not None:
            mine = [pk for pk in matches if pk in self.allowed]
            if not mine:
                raise ValueError(
                    _("you may not import statistics for “%(value)s”, which is outside your areas")
                    % {"value": text.strip()}
                )
            matches = mine
        if len(matches) > 1:
            paths = ", ".join(" > ".join(self.path(pk)) for pk in matches)
            raise ValueError(
                _("the area name “%(value)s” is ambiguous (%(paths)s); write the path with “>”")
                % {"value": text.strip(), "paths": paths}
            )
        return matches[0]

    def category(self, text: str) -> int | None:
        key = text.strip().lower()
        if not key:
            return None
        found = self.categories.one(key)
        if found is not None:
            return found.pk
        if key in self.ambiguous_categories:
            raise ValueError(
                _("the category name “%(value)s” is ambiguous; write its code")
                % {"value": text.strip()}
            )
        raise ValueError(_("unknown category “%(value)s”") % {"value": text.strip()})


# --- rows ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    line: int
    series_key: str
    area_id: int
    category_id: int | None
    period: Period
    value: Decimal
    note: str


@dataclass
class _NewSeries:
    name: str
    line: int
    unit: str | None = None
    source: str = ""


def _ignored_columns(table: Table, chosen: StatisticSeries | None) -> list[str]:
    """The file's columns that are not the template's; ImportFailed when a required one lacks
    (the series' column only when no series was chosen)."""
    required = list(TEMPLATE.required) if chosen is not None else ["serie", *TEMPLATE.required]
    given = {TEMPLATE.name(h) for h in table.headers}
    if [c for c in required if c not in given] == ["serie"]:
        raise ImportFailed(
            _("The file has no column “serie”. Add it, or choose the series to import into.")
        )
    return TEMPLATE.resolve(table.headers, required=required)


class _RowReader:
    """Reads rows into drafts, collecting problems and the series the file creates."""

    def __init__(self, lookups: _Lookups, chosen: StatisticSeries | None) -> None:
        self.lookups = lookups
        self.chosen = chosen
        self.drafts: list[_Draft] = []
        self.new_series: dict[str, _NewSeries] = {}
        self.not_published: list[int] = []
        self.problems: list[Problem] = []
        # (line, unit) for each row that gives a new series' unit, checked after all rows.
        self.unit_lines: dict[str, list[tuple[int, str]]] = {}

    def read(self, table: Table) -> None:
        for row in table.rows:
            found = self._row(row.line, TEMPLATE.row(row.values))
            self.problems += found
        self._check_new_series()
        self.problems += _duplicates(self.drafts)

    def _series(
        self, line: int, values: dict[str, str], unit: str | None, found: list[Problem]
    ) -> tuple[str, str | None]:
        """The row's series key and the unit it counts in (None for a new series)."""
        text = values.get("serie", "").strip()
        named = self.lookups.series.get(text.lower()) if text else None
        if self.chosen is not None:
            if text and (named is None or named.pk != self.chosen.pk):
                found.append(
                    Problem(
                        line,
                        "serie",
                        _("the row names the series “%(value)s”, not “%(chosen)s” that you chose")
                        % {"value": text, "chosen": self.chosen.name},
                    )
                )
            return self.chosen.name.lower(), self.chosen.unit
        if not text:
            found.append(Problem(line, "serie", _("a series is required")))
            return "", None
        if named is not None:
            return named.name.lower(), named.unit
        if len(text) > NAME_MAX_LENGTH:
            found.append(
                Problem(
                    line,
                    "serie",
                    _("the series name is longer than %(max)s characters")
                    % {"max": NAME_MAX_LENGTH},
                )
            )
            return "", None
        key = text.lower()
        new = self.new_series.setdefault(key, _NewSeries(name=text, line=line))
        source = values.get("källa", "").strip()
        if source and not new.source:
            new.source = source[:SOURCE_MAX_LENGTH]
        if unit is not None:
            self.unit_lines.setdefault(key, []).append((line, unit))
        return key, None

    def _row(self, line: int, values: dict[str, str]) -> list[Problem]:
        found: list[Problem] = []
        unit: str | None = None
        try:
            unit = parse_unit(values.get("enhet", ""))
        except ValueError as error:
            found.append(Problem(line, "enhet", str(error)))
        series_key, series_unit = self._series(line, values, unit, found)
        if unit is not None and series_unit is not None and unit != series_unit:
            found.append(
                Problem(
                    line,
                    "enhet",
                    _("the series counts in %(unit)s, not %(given)s")
                    % {"unit": Unit(series_unit).label, "given": Unit(unit).label},
                )
            )
        area_id = 0
        try:
            area_id = self.lookups.area(values.get("område", ""))
        except ValueError as error:
            found.append(Problem(line, "område", str(error)))
        category_id = None
        try:
            category_id = self.lookups.category(values.get("kategori", ""))
        except ValueError as error:
            found.append(Problem(line, "kategori", str(error)))
        period = None
        try:
            period = parse_statistics_period(values.get("period", ""))
        except PeriodError as error:
            found.append(Problem(line, "period", str(error)))
        else:
            # A period that is still running is published; one that has not begun is a typo.
            if period.start not in (window := event_window()):
                found.append(Problem(line, "period", window.message()))
                period = None

        value_text = values.get("värde", "").strip()
        if value_text in MISSING_MARKERS:
            if not found:
                self.not_published.append(line)
            return found
        value = None
        try:
            value = parse_value(value_text, series_unit or unit)
        except ValueError as error:
            found.append(Problem(line, "värde", str(error)))
        note = values.get("anteckning", "").strip()
        found += text_problems(note, "anteckning", line)
        if not found and period is not None and value is not None:
            self.drafts.append(_Draft(line, series_key, area_id, category_id, period, value, note))
        return found

    def _check_new_series(self) -> None:
        for key, new in self.new_series.items():
            units = self.unit_lines.get(key, [])
            if not units:
                self.problems.append(
                    Problem(
                        new.line,
                        "enhet",
                        _(
                            "the series “%(series)s” is new: give its unit (antal, andel or "
                            "per 1 000 inv.) in the column enhet, or correct the name of an "
                            "existing series"
                        )
                        % {"series": new.name},
                    )
                )
                continue
            first_line, new.unit = units[0]
            for line, unit in units[1:]:
                if unit != new.unit:
                    self.problems.append(
                        Problem(
                            line,
                            "enhet",
                            _(
                                "the series “%(series)s” was given the unit %(unit)s "
                                "on line %(first)s"
                            )
                            % {
                                "series": new.name,
                                "unit": Unit(new.unit).label,
                                "first": first_line,
                            },
                        )
                    )


def _key(draft: _Draft) -> tuple[str, int, int | None, str, Any]:
    return (
        draft.series_key,
        draft.area_id,
        draft.category_id,
        draft.period.kind,
        draft.period.start,
    )


def _duplicates(drafts: list[_Draft]) -> list[Problem]:
    first: dict[tuple, int] = {}
    problems = []
    for draft in drafts:
        line = first.setdefault(_key(draft), draft.line)
        if line != draft.line:
            problems.append(
                Problem(
                    draft.line,
                    "period",
                    _(
                        "line %(line)s already gives a value for this series, area, category "
                        "and period"
                    )
                    % {"line": line},
                )
            )
    return problems


def _unique_code(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70].strip("-") or "serie"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code


# --- the import ---------------------------------------------------------------------------


def import_statistics(
    data: bytes,
    filename: str,
    *,
    user: AnyUser | None = None,
    series: StatisticSeries | None = None,
    dry_run: bool = False,
) -> StatisticsImportReport:
    """Read a file and create or update its values, all or nothing.

    ``user`` limits the areas to those the user may import for (None: a trusted command-line
    import, every area). ``series`` imports every row into that existing series. Raises
    ImportFailed (the file cannot be read) or StatisticsRefused (rows have problems).
    """
    try:
        table = read_table(data, filename)
    except TableError as error:
        raise ImportFailed(str(error)) from None
    ignored = _ignored_columns(table, series)
    lookups = _Lookups(user)
    reader = _RowReader(lookups, series)
    reader.read(table)
    if reader.problems:
        raise StatisticsRefused(in_order(reader.problems))

    report = StatisticsImportReport(
        format=table.format,
        rows=len(table.rows),
        not_published=reader.not_published,
        ignored_columns=ignored,
        ragged_lines=table.ragged_lines,
        dry_run=dry_run,
    )
    with transaction.atomic():
        _write(reader.drafts, reader.new_series, lookups, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(
    drafts: list[_Draft],
    new_series: dict[str, _NewSeries],
    lookups: _Lookups,
    report: StatisticsImportReport,
) -> None:
    taken = set(StatisticSeries.objects.values_list("code", flat=True))
    by_key: dict[str, StatisticSeries] = {
        key: s for key, s in lookups.series.items() if key == s.name.lower()
    }
    for key, new in new_series.items():
        assert new.unit is not None  # the reader refuses a new series without its unit
        by_key[key] = StatisticSeries.objects.create(
            name=new.name,
            code=_unique_code(new.name, taken),
            unit=new.unit,
            source=new.source,
        )
        report.series_created.append(new.name)
    used = {draft.series_key for draft in drafts}
    series_ids = [by_key[key].pk for key in used]
    # Lock the series so that two imports into one series run one after the other.
    report.series = list(
        StatisticSeries.objects.select_for_update().filter(pk__in=series_ids).order_by("name")
    )
    existing = {
        (v.series_id, v.area_id, v.category_id, v.period_kind, v.period_start): v
        for v in StatisticValue.objects.filter(
            series__in=series_ids, area__in={d.area_id for d in drafts}
        )
    }
    now = timezone.now()
    to_create: list[StatisticValue] = []
    to_update: list[StatisticValue] = []
    for draft in drafts:
        series_id = by_key[draft.series_key].pk
        value_key = (
            series_id,
            draft.area_id,
            draft.category_id,
            str(draft.period.kind),
            draft.period.start,
        )
        current = existing.get(value_key)
        if current is None:
            to_create.append(
                StatisticValue(
                    series_id=series_id,
                    area_id=draft.area_id,
                    category_id=draft.category_id,
                    period_kind=draft.period.kind,
                    period_start=draft.period.start,
                    period_end=draft.period.end,
                    value=draft.value,
                    note=draft.note,
                )
            )
        elif (current.value, current.note, current.period_end) != (
            draft.value,
            draft.note,
            draft.period.end,
        ):
            current.value = draft.value
            current.note = draft.note
            current.period_end = draft.period.end
            current.updated_at = now
            to_update.append(current)
        else:
            report.unchanged += 1
    StatisticValue.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    StatisticValue.objects.bulk_update(
        to_update, ["value", "note", "period_end", "updated_at"], batch_size=BATCH_SIZE
    )
    report.created = len(to_create)
    report.updated = len(to_update)
