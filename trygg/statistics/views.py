"""Pages for official statistics: the series, one series as a table, export, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format

from trygg.accounts.models import AnyUser
from trygg.lib.periods import Period
from trygg.lib.web import page
from trygg.places.models import AreaTree
from trygg.statistics import exports
from trygg.statistics.forms import ImportForm
from trygg.statistics.importers import ImportFailed, StatisticsRefused, import_statistics
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit, stored_period
from trygg.statistics.permissions import (
    can_import_statistics,
    check_import_statistics,
    check_view_statistics,
    visible_series,
    visible_values,
)

SECTION = "analysis"


def decimals_of(values: list[Decimal]) -> int:
    """The decimals a column of figures needs, so that 16 and 16,5 show as 16,0 and 16,5."""
    exponents = [exports.plain_number(v).as_tuple().exponent for v in values]
    places = [-exponent for exponent in exponents if isinstance(exponent, int)]  # finite ones
    return max([0, *places])


def display_value(value: Decimal, unit: str, decimals: int = 0) -> str:
    """A figure as a Swedish reader expects it: "774", "23,5 %", "6,2"."""
    text = number_format(value, decimal_pos=decimals, use_l10n=True)
    return f"{text} %" if unit == Unit.ANDEL else text


def _period_summaries(user: AnyUser) -> dict[int, dict[str, Any]]:
    """Per series: how many values and areas the user sees, and the first and last period."""
    values = visible_values(user)
    summary: dict[int, dict[str, Any]] = {
        row["series"]: dict(row)
        for row in values.values("series").annotate(
            count=Count("id"), areas=Count("area", distinct=True)
        )
    }
    periods: dict[int, set[Period]] = {}
    for series_id, kind, start, end in values.values_list(
        "series", "period_kind", "period_start", "period_end"
    ).distinct():
        periods.setdefault(series_id, set()).add(stored_period(kind, start, end))
    for series_id, found in periods.items():
        ordered = sorted(found, key=lambda p: (p.start, p.end))
        summary[series_id]["first"], summary[series_id]["last"] = ordered[0], ordered[-1]
        summary[series_id]["periods"] = len(ordered)
    return summary


@page(SECTION)
def series_list(request: HttpRequest) -> HttpResponse:
    check_view_statistics(request.user)
    summary = _period_summaries(request.user)
    rows = [
        {"series": series, "summary": summary.get(series.pk)}
        for series in visible_series(request.user)
    ]
    return render(
        request,
        "statistics/series_list.html",
        {"rows": rows, "can_import": can_import_statistics(request.user)},
    )


@dataclass
class _Row:
    area: Any
    category: Any
    cells: dict[Period, str] = field(default_factory=dict)


def _table(series: StatisticSeries, values: list[StatisticValue]) -> dict[str, Any]:
    """Areas (and categories) down, periods across; wider areas above the areas inside them."""
    decimals = decimals_of([v.value for v in values])
    periods: set[Period] = set()
    rows: dict[tuple[int, int | None], _Row] = {}
    for value in values:
        period = stored_period(value.period_kind, value.period_start, value.period_end)
        periods.add(period)
        row = rows.setdefault((value.area_id, value.category_id), _Row(value.area, value.category))
        row.cells[period] = display_value(value.value, series.unit, decimals)
    columns = sorted(periods, key=lambda p: (p.start, p.end, p.kind))
    tree = AreaTree.load()
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            tree.depth(r.area.pk),
            r.area.name,
            r.category.name if r.category else "",
        ),
    )
    areas = {r.area for r in ordered}
    return {
        "columns": columns,
        "rows": [
            {"area": r.area, "category": r.category, "cells": [r.cells.get(p, "") for p in columns]}
            for r in ordered
        ],
        "has_category": any(r.category is not None for r in ordered),
        # One area and several categories: the area goes in the caption, not in every row.
        "only_area": next(iter(areas)) if len(areas) == 1 and len(ordered) > 1 else None,
    }


def _series_values(request: HttpRequest, pk: int) -> tuple[StatisticSeries, list[StatisticValue]]:
    check_view_statistics(request.user)
    series = get_object_or_404(
        visible_series(request.user).select_related("default_category"), pk=pk
    )
    values = list(visible_values(request.user).filter(series=series).for_table())
    return series, values


@page(SECTION)
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series, values = _series_values(request, pk)
    return render(
        request,
        "statistics/series_detail.html",
        {
            "series": series,
            "table": _table(series, values),
            "value_count": len(values),
            "can_import": can_import_statistics(request.user),
        },
    )


@page(SECTION)
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    series, values = _series_values(request, pk)
    if fmt == "csv":
        response = HttpResponse(
            exports.series_csv(series, values), content_type=exports.CSV_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            exports.series_xlsx(series, values), content_type=exports.XLSX_CONTENT_TYPE
        )
    name = exports.filename(f"statistik-{series.code}", fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page(SECTION)
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    check_view_statistics(request.user)
    if fmt == "csv":
        response = HttpResponse(exports.template_csv(), content_type=exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(exports.template_xlsx(), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="trygg-statistik-mall.{fmt}"'
    return response


@page(SECTION)
def import_file(request: HttpRequest) -> HttpResponse:
    check_import_statistics(request.user)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"series": request.GET.get("serie")},
    )
    report = None
    problems: list[Any] = []
    failure = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_statistics(
                upload.read(),
                upload.name,
                user=request.user,
                series=form.cleaned_data["series"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportFailed as error:
            failure = str(error)
        except StatisticsRefused as refused:
            problems = refused.problems
    return render(
        request,
        "statistics/import.html",
        {
            "form": form,
            "report": report,
            "problems": problems,
            "failure": failure,
        },
    )
