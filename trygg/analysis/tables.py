"""Analysis results as plain rows: dicts for the API, header + rows for exports and page tables.

Analysis code returns dataclasses and never formats; this is the one place that flattens them,
so the API, the CSV/XLSX exports and the tables beside each chart say the same thing.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from trygg.analysis.changes import ChangeResult, WeeklyResult
from trygg.analysis.counts import SOURCE_LABELS, CountResult
from trygg.analysis.patterns import HOURS, MonthlyProfile, WeekdayHour
from trygg.lib.periods import Period

WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip


def month_names() -> list[str]:
    from django.utils.dates import MONTHS

    return [str(MONTHS[m]) for m in range(1, 13)]


def _period_fields(period: Period | None) -> dict[str, Any]:
    if period is None:
        return {}
    return {
        "period": period.key,
        "period_label": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
    }


def _count_parts(result: CountResult) -> list[list[dict[str, Any]]]:
    """The fields each axis position contributes to a row, worked out once per position."""
    group_by = result.group_by
    areas = [
        {"area": g.id, "area_name": g.name} if "area" in group_by and g else {}
        for g in result.areas
    ]
    categories = [
        {"category": g.id, "category_name": g.name} if "category" in group_by and g else {}
        for g in result.categories
    ]
    # A period's label is translated and formatted once, not once per row.
    periods = [_period_fields(p) for p in result.periods] if "period" in group_by else [{}]
    extras = []
    for organisation, source in result.extras:
        item: dict[str, Any] = {}
        if "organisation" in group_by:
            name = result.organisation_names.get(organisation) if organisation else None
            item.update(organisation=organisation, organisation_name=name)
        if "source" in group_by:
            item.update(source=source)
        extras.append(item)
    return [areas, categories, periods, extras]


def _rates(result: CountResult) -> list | None:
    """Incidents per 1,000 inhabitants per cell as nested lists of floats shaped like
    ``result.counts`` (NaN where the area's population is unknown); None when not grouped
    by area."""
    if "area" not in result.group_by:
        return None
    populations = np.array(
        [g.population if g and g.population else np.nan for g in result.areas], dtype=float
    )
    return (result.counts * 1000 / populations[:, None, None, None]).tolist()


def count_dicts(result: CountResult) -> list[dict[str, Any]]:
    areas, categories, periods, extras = _count_parts(result)
    rates = _rates(result)
    rows = []
    for a, c, p, e, n in result.cells():
        item = {**areas[a], **categories[c], **periods[p], **extras[e], "count": n}
        if rates is not None:
            rate = rates[a][c][p][e]
            item["rate_per_1000"] = None if math.isnan(rate) else round(rate, 3)
        if result.measure == "harm":
            item["harm"] = item.pop("count")
            if "rate_per_1000" in item:
                item["rate_per_1000"] = item.pop("rate_per_1000")
        rows.append(item)
    return rows


def count_json(result: CountResult) -> str:
    """``{"group_by": …, "rows": count_dicts(result), "total": …}`` as JSON text, written
    straight from the counts: each axis position's fields are encoded once, and the rows'
    fixed text is a cached %-template filled with the numbers in one call, so 18,000 rows
    take under 10 ms rather than the dicts plus DRF's rendering of them (~50 ms). Equal,
    parsed, to DRF's JSON of the same dicts (a test holds it to that); rates are written
    with three decimals, which is the same number as ``round(rate, 3)``."""

    def encoded(parts: list[dict[str, Any]]) -> list[str]:
        return [
            "".join(f"{_json(key)}:{_json(value)}," for key, value in part.items())
            for part in parts
        ]

    areas, categories, periods, extras = (encoded(p) for p in _count_parts(result))
    head = f'{{"group_by":{_json(list(result.group_by))},"rows":['
    tail = f'],"total":{result.total}}}'
    with_rates = "area" in result.group_by
    if not result.open_ended and (not with_rates or all(g and g.population for g in result.areas)):
        # The common shape: every cell a row, a rate in every row or in none. The rows' fixed
        # text is one %-template per axes (cached), filled with the numbers in one C call.
        template = _rows_template(
            tuple(areas), tuple(categories), tuple(periods), tuple(extras), with_rates
        )
        numbers: list = result.counts.ravel().tolist()
        if with_rates:
            rates = result.counts * 1000 / _population_column(result)
            pairs: list = [None] * (2 * len(numbers))
            pairs[0::2] = numbers
            pairs[1::2] = rates.ravel().tolist()
            numbers = pairs
        return head + template % tuple(numbers) + tail
    # Otherwise (organisations or sources, which list only the cells that occur, or areas
    # with and without a population): row by row.
    rates = _rates(result)
    counts = result.counts.tolist()
    rows: list[str] = []
    append = rows.append
    for a, area in enumerate(areas):
        for c, category in enumerate(categories):
            start = "{" + area + category
            for p, period in enumerate(periods):
                cell = counts[a][c][p]
                cell_rates = rates[a][c][p] if rates is not None else None
                for e, extra in enumerate(extras):
                    n = cell[e]
                    if result.open_ended and not n:
                        continue
                    if cell_rates is None:
                        append(f'{start}{period}{extra}"count":{n}}}')
                        continue
                    rate = cell_rates[e]
                    written = "null" if rate != rate else f"{rate:.3f}"  # NaN: no population
                    append(f'{start}{period}{extra}"count":{n},"rate_per_1000":{written}}}')
    return head + ",".join(rows) + tail


def _population_column(result: CountResult) -> np.ndarray:
    populations = [g.population if g is not None else None for g in result.areas]
    return np.array(populations, dtype=float)[:, None, None, None]


@lru_cache(maxsize=8)
def _rows_template(
    areas: tuple[str, ...],
    categories: tuple[str, ...],
    periods: tuple[str, ...],
    extras: tuple[str, ...],
    with_rates: bool,
) -> str:
    """The rows of a count answer as a %-template: every cell's fixed text, with ``%d`` for
    its count and ``%.3f`` for its rate. Cached per axes (and so per language and names):
    the same selection asked again only fills in new numbers."""
    tail = '"count":%d,"rate_per_1000":%.3f}' if with_rates else '"count":%d}'

    def escaped(parts: tuple[str, ...]) -> list[str]:
        return [part.replace("%", "%%") for part in parts]

    heads = ["{" + a + c for a in escaped(areas) for c in escaped(categories)]
    ends = [p + e + tail for p in escaped(periods) for e in escaped(extras)]
    return ",".join([head + end for head in heads for end in ends])


def _json(value: Any) -> str:
    # ASCII only (non-ASCII letters escaped): the text is then encoded to UTF-8 by a copy.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def count_table(result: CountResult) -> tuple[list[str], list[list[Any]]]:
    headers: list[str] = []
    if "area" in result.group_by:
        headers.append(_("Area"))
    if "category" in result.group_by:
        headers.append(_("Category"))
    if "period" in result.group_by:
        headers += [_("Period"), _("First day"), _("Last day")]
    if "organisation" in result.group_by:
        headers.append(_("Organisation"))
    if "source" in result.group_by:
        headers.append(_("Source"))
    if result.measure == "harm":
        headers.append(_("Harm (%(unit)s)") % {"unit": settings.TRYGG_HARM_UNIT})
    else:
        headers.append(_("Count"))
    if "area" in result.group_by:
        headers.append(_("Per 1,000 inhabitants"))
    rows = []
    for row in result.rows:
        cells: list[Any] = []
        if "area" in result.group_by:
            cells.append(row.area.name if row.area else "")
        if "category" in result.group_by:
            cells.append(row.category.name if row.category else "")
        if "period" in result.group_by and row.period:
            cells += [row.period.label, row.period.start, row.period.end]
        if "organisation" in result.group_by:
            cells.append(row.organisation_name or _("(no organisation)"))
        if "source" in result.group_by:
            source = row.source or ""
            cells.append(str(SOURCE_LABELS.get(source, source)))
        cells.append(row.count)
        if "area" in result.group_by:
            rate = row.rate_per_1000
            cells.append(round(rate, 2) if rate is not None else None)
        rows.append(cells)
    return headers, rows


def change_dicts(result: ChangeResult) -> list[dict[str, Any]]:
    rows = []
    for row in result.rows:
        item: dict[str, Any] = {}
        if row.area:
            item.update(area=row.area.id, area_name=row.area.name)
        if row.category:
            item.update(category=row.category.id, category_name=row.category.name)
        item.update(
            current=row.current,
            previous=row.baseline_counts[-1] if result.comparison == "previous" else None,
            baseline=round(row.baseline, 3),
            baseline_counts=list(row.baseline_counts),
            change_percent=_round(row.change_percent, 1),
            rate_ratio=_round(row.rate_ratio, 4),
            ci_low=_round(row.ci_low, 4),
            ci_high=_round(row.ci_high, 4),
            p_value=row.p_value,
            significant=row.significant,
            direction=row.direction,
            verdict=row.verdict,
        )
        if row.harm_current is not None:
            item.update(
                harm_current=row.harm_current,
                harm_baseline=row.harm_baseline,
                harm_change_percent=_round(row.harm_change_percent, 1),
            )
        rows.append(item)
    return rows


def change_table(result: ChangeResult) -> tuple[list[str], list[list[Any]]]:
    baseline_label = (
        result.baseline[-1].label
        if result.comparison == "previous"
        else _("mean %(first)s–%(last)s")
        % {"first": result.baseline[0].label, "last": result.baseline[-1].label}
    )
    headers = [
        _("Area"),
        _("Category"),
        baseline_label,
        result.current.label,
        _("Change (%)"),
        _("p-value"),
        _("Verdict"),
    ]
    rows = [
        [
            row.area.name if row.area else "",
            row.category.name if row.category else "",
            round(row.baseline, 1),
            row.current,
            _round(row.change_percent, 0),
            p_text(row.p_value),
            row.verdict,
        ]
        for row in result.rows
    ]
    if any(row.harm_current is not None for row in result.rows):
        # Harm beside the counts: the same windows weighed by the categories' harm weights.
        # The test and verdict are the counts'; harm is not a count and is not tested.
        unit = settings.TRYGG_HARM_UNIT
        headers += [
            _("Harm %(period)s (%(unit)s)") % {"period": baseline_label, "unit": unit},
            _("Harm %(period)s (%(unit)s)") % {"period": result.current.label, "unit": unit},
            _("Harm change (%)"),
        ]
        for cells, row in zip(rows, result.rows, strict=True):
            cells += [row.harm_baseline, row.harm_current, _round(row.harm_change_percent, 0)]
    return headers, rows


def weekly_table(
    result: WeeklyResult, only_standing_out: bool = False
) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Area"),
        _("Category"),
        result.week.label,
        _("Mean of previous 8 weeks"),
        _("p-value"),
    ]
    source = result.standing_out if only_standing_out else result.rows
    rows = [
        [
            row.area.name if row.area else "",
            row.category.name if row.category else "",
            row.count,
            round(row.mean, 1),
            p_text(row.p_value),
        ]
        for row in source
    ]
    return headers, rows


def weekday_hour_dict(pattern: WeekdayHour) -> dict[str, Any]:
    return {
        "weekdays": list(WEEKDAY_KEYS),
        "hours": list(range(HOURS)),
        "matrix": [list(row) for row in pattern.matrix],
        "total": pattern.total,
        "unknown_time": pattern.unknown_time,
        "windowed": pattern.windowed,
    }


def weekday_hour_table(pattern: WeekdayHour) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Weekday"), *[f"{h:02d}" for h in range(HOURS)], _("Total")]
    # Fractions (aoristic weights of time windows) to one decimal in a table; sums as the
    # pattern rounds them.
    rows = [
        [name, *(_one_decimal(v) for v in row), _one_decimal(total)]
        for name, row, total in zip(
            weekday_names(), pattern.matrix, pattern.by_weekday, strict=True
        )
    ]
    return headers, rows


def _one_decimal(value: int | float) -> int | float:
    if isinstance(value, int):
        return value
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() and abs(value - rounded) < 0.01 else rounded


def monthly_table(profile: MonthlyProfile) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Month"), _("Count"), _("Years in range"), _("Mean per year")]
    rows = [
        [name, count, years, round(mean, 1) if mean is not None else None]
        for name, count, years, mean in zip(
            month_names(), profile.counts, profile.occurrences, profile.means, strict=True
        )
    ]
    return headers, rows


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def p_text(p_value: float) -> str:
    """p-values as a reader expects them: "< 0,001" for tiny ones, else three decimals."""
    if p_value < 0.001:
        return "< 0,001"
    return f"{p_value:.3f}".replace(".", ",")
