"""Analys (counts, changes, statistics, time patterns), its exports, and Karta."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trygg.accounts.scope import scope_for
from trygg.analysis import charts, tables
from trygg.analysis.cache import shared_figure
from trygg.analysis.changes import (
    MEAN,
    PREVIOUS,
    compare_periods,
)
from trygg.analysis.counts import (
    count_incidents,
    filtered_incidents,
    harm_weights,
    resolve_range,
    selection_periods,
    within,
)
from trygg.analysis.forms import SelectionForm
from trygg.analysis.hotspots import NoStudyArea, hotspot_summary, hotspots
from trygg.analysis.nearrepeat import (
    TooManyEvents,
    class_labels,
    near_repeats,
    p_value_table,
    ratio_table,
    verdict,
)
from trygg.analysis.overview import data_version
from trygg.analysis.patterns import monthly_profile, weekday_hour
from trygg.analysis.rates import compare_rates
from trygg.analysis.selection import (
    Selection,
    SelectionError,
    build_selection,
    can_analyse,
    with_areas,
)
from trygg.incidents.models import Category
from trygg.incidents.permissions import visible_incidents
from trygg.lib.csvio import write_csv, write_xlsx
from trygg.lib.params import int_param
from trygg.lib.periods import Period, PeriodKind
from trygg.lib.web import page
from trygg.places.maps import feature_collection, map_areas_for_roots
from trygg.places.models import Area

if TYPE_CHECKING:
    from matplotlib.figure import Figure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selection(request: HttpRequest) -> tuple[SelectionForm, Selection | None]:
    if not can_analyse(request.user):
        raise PermissionDenied
    form = SelectionForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    try:
        selection = form.selection() if request.GET else build_selection(request.user)
    except SelectionError as error:
        form.add_error(None, str(error))
        return form, None
    # Without a chosen start, the page covers the latest reporting years, not all data.
    return form, resolve_range(selection, years=settings.TRYGG_ANALYSIS_DEFAULT_YEARS)


def _status(form: SelectionForm) -> int:
    """400 for a selection the form refused (its errors are shown at the fields), else 200."""
    return 400 if form.is_bound and form.errors else 200


def _comparison(request: HttpRequest) -> str:
    return MEAN if request.GET.get("jamforelse") == "medel" else PREVIOUS


def _svg(figure: Figure) -> str:
    return mark_safe(charts.render(figure, "svg"))


@page("analysis")
def analysis(request: HttpRequest) -> HttpResponse:
    form, selection = _selection(request)
    context: dict[str, Any] = {
        "form": form,
        "selection": selection,
        "query": request.GET.urlencode(),
        "default_years": settings.TRYGG_ANALYSIS_DEFAULT_YEARS,
    }
    if selection is not None:
        # Every figure but the user's official statistics depends only on the selection, so
        # all users asking the same question share one computation (charts are most of it).
        comparison = _comparison(request)
        breakdown = _breakdown(request, selection)
        context.update(
            shared_figure(
                "analysis",
                (repr(selection), repr(breakdown), comparison),
                data_version(),
                lambda: _figures(selection, breakdown, comparison),
            ),
            statistics=_statistics(request, selection),
            # Which source each row may use depends on the user's areas and roles.
            rates=compare_rates(selection, request.user),
        )
    return render(request, "analysis/analysis.html", context, status=_status(form))


def _figures(selection: Selection, breakdown: Selection, comparison: str) -> dict[str, Any]:
    """Analys's counts, changes and time patterns with their tables and charts."""
    by_category = count_incidents(selection, ("category", "period"))
    by_area = count_incidents(breakdown, ("area", "period"))
    changes = compare_periods(selection, comparison=comparison)
    pattern = weekday_hour(selection)
    profile = monthly_profile(selection)
    return {
        **_harm_figures(selection, breakdown),
        "by_category": by_category,
        "by_category_table": tables.count_table(by_category),
        "by_category_chart": _svg(charts.counts_chart(by_category)) if by_category.rows else None,
        "by_area_table": tables.count_table(by_area),
        "changes": changes,
        "changes_table": tables.change_table(changes) if changes else None,
        "comparison": comparison,
        "pattern": pattern,
        "pattern_table": tables.weekday_hour_table(pattern),
        "pattern_chart": _svg(charts.weekday_hour_chart(pattern)) if pattern.total else None,
        "profile": profile,
        "profile_table": tables.monthly_table(profile),
        "profile_chart": _svg(charts.monthly_chart(profile)) if profile.total else None,
    }


def _harm_figures(selection: Selection, breakdown: Selection) -> dict[str, Any]:
    """Crime harm beside the counts, when categories carry harm weights."""
    weights = harm_weights()
    if not weights:
        return {"harm": None}
    by_category = count_incidents(selection, ("category", "period"), harm=True)
    by_area = count_incidents(breakdown, ("area", "period"), harm=True)
    weighed = Category.objects.filter(pk__in=weights).order_by("-harm_weight", "name")
    return {
        "harm": {
            "unit": settings.TRYGG_HARM_UNIT,
            "total": by_category.total,
            "by_category_table": tables.count_table(by_category),
            "by_category_chart": (
                _svg(charts.counts_chart(by_category)) if by_category.total else None
            ),
            "by_area_table": tables.count_table(by_area),
            "weights": [(c.name, c.harm_weight, c.harm_source) for c in weighed],
        }
    }


def _breakdown(request: HttpRequest, selection: Selection) -> Selection:
    """For one chosen area with sub-areas, the per-area table lists the sub-areas."""
    if len(selection.areas) != 1 or selection.area_tree is None:
        return selection
    children = sorted(selection.area_tree.children.get(selection.areas[0].id, []))
    if not children:
        return selection
    return with_areas(selection, request.user, children)


def _statistics(request: HttpRequest, selection: Selection) -> list[dict[str, Any]]:
    """Official statistics for the chosen areas, one chart and table per series."""
    try:
        from trygg.statistics.queries import series_values
    except ImportError:  # pragma: no cover - the statistics app is part of every installation
        return []
    values = series_values(
        area_ids=[g.id for g in selection.areas],
        category_ids=[g.id for g in selection.categories] if selection.categories_chosen else None,
        start=selection.start,
        end=selection.end,
        user=request.user,
    )
    by_series: dict[Any, list] = {}
    for value in values:
        by_series.setdefault(value.series_id, []).append(value)
    result = []
    for items in by_series.values():
        first = items[0]

        # One group per category (or per area when the series has no categories).
        def label(v: Any) -> str:
            if v.category_name:
                return (
                    v.category_name
                    if len(selection.areas) == 1
                    else f"{v.category_name} ({v.area_name})"
                )
            return v.area_name

        labels = list(dict.fromkeys(label(v) for v in items))
        periods = list(
            dict.fromkeys(v.period_label for v in sorted(items, key=lambda v: v.period_start))
        )
        grid: dict[str, list[float | None]] = {p: [None] * len(labels) for p in periods}
        for v in items:
            grid[v.period_label][labels.index(label(v))] = v.value
        result.append(
            {
                "series": first,
                "chart": _svg(charts.series_chart(labels, grid, unit=first.unit)),
                "headers": [_("Group"), *periods],
                "rows": [[lab, *[grid[p][i] for p in periods]] for i, lab in enumerate(labels)],
            }
        )
    return result


EXPORTS = {
    "antal": lambda s, r: tables.count_table(count_incidents(s, ("area", "category", "period"))),
    "forandringar": lambda s, r: _change_export(s, r),
    "tidsmonster": lambda s, r: tables.weekday_hour_table(weekday_hour(s)),
    "manader": lambda s, r: tables.monthly_table(monthly_profile(s)),
}

EXPORT_TITLES = {
    "antal": "Antal",
    "forandringar": "Förändringar",
    "tidsmonster": "Veckodag och timme",
    "manader": "Månader",
}


def _change_export(selection: Selection, request: HttpRequest) -> tuple[list[str], list]:
    result = compare_periods(selection, comparison=_comparison(request))
    if result is None:
        return [_("Area"), _("Category")], []
    return tables.change_table(result)


@page("analysis")
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    form, selection = _selection(request)
    if selection is None:
        return render(
            request,
            "analysis/analysis.html",
            {
                "form": form,
                "selection": None,
                "default_years": settings.TRYGG_ANALYSIS_DEFAULT_YEARS,
            },
            status=400,
        )
    headers, rows = EXPORTS[table](selection, request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(headers, rows, EXPORT_TITLES[table]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="analys-{table}-{stamp}.{fmt}"'
    return response


MAP_POINT_LIMIT = 20_000


@page("analysis")
def analysis_map(request: HttpRequest) -> HttpResponse:
    """Area boundaries, the selection's incidents (clustered) and its hotspot cells."""
    form, selection = _selection(request)
    context: dict[str, Any] = {
        "form": form,
        "selection": selection,
        "query": request.GET.urlencode(),
    }
    if selection is not None:
        scope = scope_for(request.user)
        roots = list(Area.objects.filter(pk__in=[g.id for g in selection.areas]))
        context["map_data"] = feature_collection(map_areas_for_roots(roots, scope.tree, levels=2))
        context["points"] = _map_points(request, selection)
        context["limited"] = len(context["points"]) >= MAP_POINT_LIMIT
        context["map_limit"] = MAP_POINT_LIMIT
        context["map_labels"] = {
            "incidents": _("Incidents"),
            "hotspots": _("Hotspots"),
            "hot": _("Hotspot"),
            "cold": _("Cold spot"),
            "incidents_n": _("incidents"),
        }
        harm = request.GET.get("matt") == "skada" and bool(harm_weights())
        context["harm"] = harm
        context["can_weigh"] = bool(harm_weights())
        context["harm_unit"] = settings.TRYGG_HARM_UNIT
        query = request.GET.copy()
        query.pop("matt", None)
        context["query_without_measure"] = query.urlencode()
        if harm:
            context["map_labels"]["incidents_n"] = settings.TRYGG_HARM_UNIT
        try:
            found = hotspots(selection, harm=harm)
        except NoStudyArea:
            context["hotspot_error"] = _(
                "None of the chosen areas has a boundary to lay a grid over."
            )
        else:
            context.update(hotspot_summary(found))
    return render(request, "analysis/map.html", context, status=_status(form))


def _map_points(request: HttpRequest, selection: Selection) -> list[dict[str, Any]]:
    """Points of the incidents the user may see one by one (others appear only in hotspots)."""
    visible = visible_incidents(request.user).values("pk")
    queryset = (
        filtered_incidents(selection)
        .filter(pk__in=visible, latitude__isnull=False)
        .order_by("-occurred_at")
    )
    periods = selection_periods(selection) if (selection.start or selection.end) else []
    if periods:
        span = Period(periods[0].start, periods[-1].end, PeriodKind.RANGE)
        queryset = queryset.filter(within("occurred_at", [span.bounds()]))
    return [
        {"lat": round(lat, 6), "lon": round(lon, 6), "id": pk}
        for pk, lat, lon in queryset.values_list("pk", "latitude", "longitude")[:MAP_POINT_LIMIT]
        if lat is not None and lon is not None  # the query and the rules exclude them
    ]


@page("analysis")
def near_repeat_page(request: HttpRequest) -> HttpResponse:
    """The Knox test of near repeats for the selection, in the Near Repeat Calculator's form."""
    form, selection = _selection(request)
    band_m = int_param(request.GET, "avstand", default=100, minimum=10, maximum=1000)
    band_days = int_param(request.GET, "dagar", default=7, minimum=1, maximum=90)
    context: dict[str, Any] = {
        "form": form,
        "selection": selection,
        "query": request.GET.urlencode(),
        "band_m": band_m,
        "band_days": band_days,
        "permutations": settings.TRYGG_NEAR_REPEAT_PERMUTATIONS,
    }
    if selection is not None:
        try:
            found = near_repeats(selection, distance_band_m=band_m, time_band_days=band_days)
        except TooManyEvents as error:
            context["error"] = str(error)
        else:
            labels = class_labels()
            context.update(
                found=found,
                knox=found.knox,
                verdict=verdict(found),
                ratio_table=ratio_table(found.knox),
                p_table=p_value_table(found.knox),
                class_headers=[_("Kind"), _("Incidents")],
                class_rows=[[labels[name], n] for name, n in found.classes.items()],
            )
    return render(request, "analysis/near_repeats.html", context, status=_status(form))
