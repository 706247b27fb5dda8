"""Analysis results as plain rows: dicts for the API, header + rows for exports and page tables.

Analysis code returns dataclasses and never formats; this is the one place that flattens them,
so the API, the CSV/XLSX exports and the tables beside each chart say the same thing.
"""

from __future__ import annotations

from typing import Any

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


def count_dicts(result: CountResult) -> list[dict[str, Any]]:
    # A period's label is translated and formatted once, not once per row.
    period_fields = {period: _period_fields(period) for period in result.periods}
    rows = []
    for row in result.rows:
        item: dict[str, Any] = {}
        if "area" in result.group_by and row.area:
            item.update(area=row.area.id, area_name=row.area.name)
        if "category" in result.group_by and row.category:
            item.update(category=row.category.id, category_name=row.category.name)
        if "period" in result.group_by:
            fields = period_fields.get(row.period) if row.period is not None else None
            item.update(fields if fields is not None else _period_fields(row.period))
        if "organisation" in result.group_by:
            item.update(organisation=row.organisation_id, organisation_name=row.organisation_name)
        if "source" in result.group_by:
            item.update(source=row.source)
        item["count"] = row.count
        if "area" in result.group_by:
            rate = row.rate_per_1000
            item["rate_per_1000"] = round(rate, 3) if rate is not None else None
        rows.append(item)
    return rows


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
            cells.append(str(SOURCE_LABELS.get(row.source, row.source or "")))
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
            _p_text(row.p_value),
            row.verdict,
        ]
        for row in result.rows
    ]
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
            _p_text(row.p_value),
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
    }


def weekday_hour_table(pattern: WeekdayHour) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Weekday"), *[f"{h:02d}" for h in range(HOURS)], _("Total")]
    rows = [
        [name, *row, sum(row)] for name, row in zip(weekday_names(), pattern.matrix, strict=True)
    ]
    return headers, rows


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


def _p_text(p_value: float) -> str:
    """p-values as a reader expects them: "< 0,001" for tiny ones, else three decimals."""
    if p_value < 0.001:
        return "< 0,001"
    return f"{p_value:.3f}".replace(".", ",")
