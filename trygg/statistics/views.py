"""Pages for official statistics: the series, one series as a table, export, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format

from trygg.front.decorators import page
from trygg.lib.periods import Period
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


def display_value(value: Decimal, unit: str) -> str:
    """A figure as a Swedish reader expects it: "774", "23,5 %", "6,2"."""
    text = number_format(exports.plain_number(value), use_l10n=True)
    return f"{text} %" if unit == Unit.ANDEL else text


@page(SECTION)
def series_list(request: HttpRequest) -> HttpResponse:
    check_view_statistics(request.user)
    summary = {
        row["series"]: row
        for row in visible_values(request.user)
        .values("series")
        .annotate(count=Count("id"), areas=Count("area", distinct=True))
        .annotate(first=Min("period_start"), last=Max("period_end"))
    }
    rows = []
    for series in visible_series(request.user).select_related("default_category"):
        found = summary.get(series.pk)
        rows.append({"series": series, "summary": found})
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
    """Areas (and categories) down, periods across."""
    periods: set[Period] = set()
    rows: dict[tuple[int, int | None], _Row] = {}
    for value in values:
        period = stored_period(value.period_kind, value.period_start, value.period_end)
        periods.add(period)
        row = rows.setdefault((value.area_id, value.category_id), _Row(value.area, value.category))
        row.cells[period] = display_value(value.value, series.unit)
    columns = sorted(periods, key=lambda p: (p.start, p.end, p.kind))
    return {
        "columns": columns,
        "rows": [
            {"area": r.area, "category": r.category, "cells": [r.cells.get(p, "") for p in columns]}
            for r in rows.values()
        ],
        "has_category": any(r.category is not None for r in rows.values()),
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
