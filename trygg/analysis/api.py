"""``/api/v1/analysis/…``: counts, tested changes, time patterns and hotspots.

Every endpoint takes the same selection parameters (``area``, ``category``, ``period``,
``start``, ``end``, ``organisation``, ``source``; repeat a parameter or separate values with
commas) and answers with what the Analys page shows, limited to the areas the user may see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trygg.analysis import changes as change_analysis
from trygg.analysis import evaluation as evaluation_analysis
from trygg.analysis.counts import DIMENSIONS, CountError, count_incidents
from trygg.analysis.forms import SelectionForm
from trygg.analysis.hotspots import NoStudyArea, hotspots
from trygg.analysis.nearrepeat import (
    TooManyEvents,
    cell_dicts,
    near_repeats,
    verdict,
)
from trygg.analysis.patterns import monthly_profile, weekday_hour
from trygg.analysis.rates import compare_rates, rate_dicts
from trygg.analysis.selection import Selection, SelectionError, analysable_area_ids, can_analyse
from trygg.analysis.serializers import EvaluationQuerySerializer, EvaluationSerializer
from trygg.analysis.tables import change_dicts, count_dicts, count_json, weekday_hour_dict
from trygg.incidents.models import Source
from trygg.lib.hotspots import (
    ALL_CELLS,
    CELL_CHOICES,
    DEFAULT_Q,
    NORMAL,
    P_VALUE_METHODS,
    PERMUTATION,
    TooDenseForPermutation,
)
from trygg.lib.nearrepeat import DEFAULT_SEED
from trygg.lib.params import choice_param, float_param, int_param
from trygg.lib.periods import PeriodKind

COMPARISONS = ["previous", "mean"]
# Hotspot grid cells: smaller than 25 m is finer than the positions; larger than 5 km says
# nothing about places.
MIN_CELL_M, MAX_CELL_M = 25.0, 5000.0
# Ids are positive; a parameter repeated (or its values separated by commas) gives several.
ID: dict[str, Any] = {"type": "integer", "minimum": 1}
IDS: dict[str, Any] = {"type": "array", "items": ID}

SELECTION_PARAMETERS = [
    OpenApiParameter(
        "area",
        IDS,
        description="Area ids (each with its sub-areas). Default: the user's top areas.",
    ),
    OpenApiParameter(
        "category",
        IDS,
        description="Category ids (each with its sub-categories). Default: every top category.",
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=[k.value for k in PeriodKind],
        description="Period kind (default reporting_year, 1 September – 31 August).",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: first data)."),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Last day, inclusive (default: last data)."
    ),
    OpenApiParameter("organisation", IDS, description="Reporting organisations."),
    OpenApiParameter(
        "source", OpenApiTypes.STR, many=True, enum=Source.values, description="Sources."
    ),
]


def selection_from(request: Request) -> Selection:
    # As the Analys pages and the evaluation: a user without a membership analyses nothing
    # (403), rather than being told that no area of theirs fits (400).
    if not can_analyse(request.user):
        raise PermissionDenied
    form = SelectionForm(request.query_params, user=request.user, api=True)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    try:
        return form.selection()
    except SelectionError as error:
        raise ValidationError({"detail": str(error)}) from error
    except PermissionDenied as error:
        raise ValidationError({"area": [_("You may not analyse this area.")]}) from error


MEASURES = ("count", "harm")


class CountsView(APIView):
    @extend_schema(
        operation_id="analysis_counts",
        parameters=[
            *SELECTION_PARAMETERS,
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                description=(
                    "Comma-separated subset of area, category, period, organisation, source "
                    "(default area,category,period)."
                ),
            ),
            OpenApiParameter(
                "measure",
                OpenApiTypes.STR,
                enum=list(MEASURES),
                description=(
                    "count (default): incidents; harm: their crime harm, each incident "
                    "weighing its category's harm weight, in the unit the answer names."
                ),
            ),
        ],
        responses=inline_serializer(
            "AnalysisCounts",
            {
                "group_by": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.ListField(child=serializers.DictField()),
                "total": serializers.FloatField(
                    help_text="All incidents (a whole number), or their harm."
                ),
                "measure": serializers.ChoiceField(
                    choices=list(MEASURES), required=False, help_text="Given for harm."
                ),
                "unit": serializers.CharField(
                    required=False, help_text="The harm weights' unit; given for harm."
                ),
            },
        ),
        description=(
            "Incident counts (rejected reports excluded) per group. Each row carries the keys "
            "of its groups: area/area_name, category/category_name, period/period_label/"
            "period_start/period_end, organisation/organisation_name, source; then count and, "
            "when grouped by area, rate_per_1000 (null when the population is unknown)."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        selection = selection_from(request)
        # An empty parameter is as if it were not given, like every other.
        raw = request.query_params.get("group_by") or "area,category,period"
        group_by = tuple(part.strip() for part in raw.split(",") if part.strip())
        harm = choice_param(request.query_params, "measure", MEASURES, default="count") == "harm"
        try:
            result = count_incidents(selection, group_by, harm=harm)
        except CountError as error:
            raise ValidationError(
                {"group_by": [str(error)], "choices": list(DIMENSIONS)}
            ) from error
        if harm:
            return Response(
                {
                    "group_by": list(result.group_by),
                    "rows": count_dicts(result),
                    "total": result.total,
                    "measure": "harm",
                    "unit": settings.TRYGG_HARM_UNIT,
                }
            )
        # Written as JSON text from the counts (equal, parsed, to DRF's rendering of
        # ``count_dicts``; a test holds it to that): 18,000 rows in tens of milliseconds.
        return HttpResponse(count_json(result), content_type="application/json")


class ChangesView(APIView):
    @extend_schema(
        operation_id="analysis_changes",
        parameters=[
            *SELECTION_PARAMETERS,
            OpenApiParameter(
                "comparison",
                OpenApiTypes.STR,
                enum=["previous", "mean"],
                description="Against the previous period, or the mean of the previous n.",
            ),
            OpenApiParameter(
                "n",
                {"type": "integer", "minimum": 1, "maximum": 20},
                description="Periods in the mean (default 3).",
            ),
        ],
        responses=inline_serializer(
            "AnalysisChanges",
            {
                "current": serializers.DictField(
                    allow_null=True, help_text="null when there is no data to compare."
                ),
                "baseline": serializers.ListField(child=serializers.DictField()),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description=(
            "The period that holds `end` (or the latest data) per area and category against the "
            "previous period(s): current, previous, change_percent, p_value (exact conditional "
            "test of two Poisson counts), significant (p < 0.05) and a Swedish verdict. When "
            "categories carry harm weights, also harm_current, harm_baseline and "
            "harm_change_percent (crime harm in the installation's unit; not tested)."
        ),
    )
    def get(self, request: Request) -> Response:
        selection = selection_from(request)
        params = request.query_params
        comparison = choice_param(params, "comparison", COMPARISONS, default="previous")
        n = int_param(params, "n", default=3, minimum=1, maximum=20)
        result = change_analysis.compare_periods(
            selection, comparison=comparison or "previous", n_previous=n
        )
        if result is None:
            return Response({"current": None, "baseline": [], "rows": []})
        return Response(
            {
                "current": _window(result.current),
                "baseline": [_window(w) for w in result.baseline],
                "rows": change_dicts(result),
            }
        )


def _window(window: change_analysis.Window) -> dict[str, Any]:
    return {
        "period": window.period.key,
        "label": window.label,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "partial": window.partial,
    }


class TimePatternView(APIView):
    @extend_schema(
        operation_id="analysis_time_pattern",
        parameters=SELECTION_PARAMETERS,
        responses=inline_serializer(
            "AnalysisTimePattern",
            {
                "weekdays": serializers.ListField(child=serializers.CharField()),
                "hours": serializers.ListField(child=serializers.IntegerField()),
                "matrix": serializers.ListField(
                    child=serializers.ListField(child=serializers.FloatField())
                ),
                "total": serializers.IntegerField(),
                "unknown_time": serializers.IntegerField(),
                "windowed": serializers.IntegerField(),
                "months": serializers.ListField(child=serializers.IntegerField()),
            },
        ),
        description=(
            "A 7 × 24 matrix (Monday first, Stockholm hours) of incidents with a known time, "
            "the number with only a date, and counts per calendar month (January first). An "
            "incident with a time window (occurred_until after occurred_at) is spread over the "
            "window's hours by aoristic weights (each hour its share of the duration), so cells "
            "may be fractions; `windowed` is how many incidents were spread."
        ),
    )
    def get(self, request: Request) -> Response:
        selection = selection_from(request)
        body = weekday_hour_dict(weekday_hour(selection))
        body["months"] = list(monthly_profile(selection).counts)
        return Response(body)


class HotspotsView(APIView):
    @extend_schema(
        operation_id="analysis_hotspots",
        parameters=[
            *SELECTION_PARAMETERS,
            OpenApiParameter(
                "cell_m",
                {"type": "number", "minimum": 25, "maximum": 5000},
                description="Cell side in metres (default 200).",
            ),
            OpenApiParameter(
                "q",
                {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "exclusiveMinimum": True,
                    "exclusiveMaximum": True,
                },
                description="False-discovery rate (default 0.05).",
            ),
            OpenApiParameter(
                "cells",
                OpenApiTypes.STR,
                enum=list(CELL_CHOICES),
                description=(
                    "Which cells to return: all (default; every cell of the study area, empty "
                    "ones with count 0), nonzero (cells with at least one incident) or flagged "
                    "(hot or cold cells only). The statistics are always computed over all "
                    "cells; this only shortens the answer."
                ),
            ),
            OpenApiParameter(
                "p_values",
                OpenApiTypes.STR,
                enum=list(P_VALUE_METHODS),
                description=(
                    "normal (default): two-sided p-values from the normal approximation of "
                    "Gi*, as esda's p_norm. permutation: exact p-values by conditional "
                    "randomisation (esda's permutation test, computed instead of sampled); "
                    "use it for sparse maps (around one incident per cell or fewer) or "
                    "skewed counts, where the normal approximation flags too many cells. 400 "
                    "if the counts are too large and varied to compute it quickly."
                ),
            ),
            OpenApiParameter(
                "measure",
                OpenApiTypes.STR,
                enum=list(MEASURES),
                description=(
                    "count (default): Gi* over incidents per cell; harm: over their crime harm "
                    "(each incident weighs its category's harm weight; each cell's count is "
                    "then its summed harm). harm takes the normal p-values only."
                ),
            ),
        ],
        responses=inline_serializer(
            "AnalysisHotspots",
            {
                "type": serializers.CharField(),
                "features": serializers.ListField(child=serializers.DictField()),
                "cell_m": serializers.FloatField(),
                "q": serializers.FloatField(),
                "p_values": serializers.ChoiceField(choices=list(P_VALUE_METHODS)),
                "measure": serializers.ChoiceField(choices=list(MEASURES)),
            },
        ),
        description=(
            "A GeoJSON FeatureCollection of the grid cells over the chosen areas (WGS84 "
            "polygons, empty cells included) with count, gi_z (Getis–Ord Gi* z-score), p_value "
            'and hotspot ("hot", "cold" or null after Benjamini–Hochberg control at q).'
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        selection = selection_from(request)
        params = request.query_params
        cells = choice_param(params, "cells", list(CELL_CHOICES), default=ALL_CELLS) or ALL_CELLS
        p_values = choice_param(params, "p_values", list(P_VALUE_METHODS), default=NORMAL) or NORMAL
        cell_m = float_param(
            params,
            "cell_m",
            default=float(settings.TRYGG_HOTSPOT_CELL_M),
            minimum=MIN_CELL_M,
            maximum=MAX_CELL_M,
        )
        q = float_param(params, "q", default=DEFAULT_Q, minimum=0, maximum=1, inclusive=False)
        measure = choice_param(params, "measure", MEASURES, default="count") or "count"
        if measure == "harm" and p_values == PERMUTATION:
            raise ValidationError(
                {"p_values": [_("Harm maps take the normal p-values; permutation needs counts.")]}
            )
        try:
            found = hotspots(
                selection, cell_m=cell_m, q=q, p_values=p_values, harm=measure == "harm"
            )
        except NoStudyArea as error:
            raise ValidationError({"area": [_("None of the areas has a boundary.")]}) from error
        except TooDenseForPermutation as error:
            raise ValidationError({"p_values": [str(error)]}) from error
        # Written as JSON text from the map's arrays (equal, parsed, to the feature collection
        # rendered by DRF; a test holds it to that): for 5,600 cells this is tens of
        # milliseconds instead of most of a second of dicts and JSON rendering.
        body = found.geojson(
            cells, cell_m=found.cell_m, q=found.q, p_values=p_values, measure=measure
        )
        return HttpResponse(body, content_type="application/json")


class EvaluationView(APIView):
    @extend_schema(
        operation_id="analysis_evaluation",
        parameters=[
            OpenApiParameter("area", ID, required=True, description="Treated area."),
            OpenApiParameter(
                "comparison_area",
                ID,
                description="A similar area without the measure (rate ratio net of it, WDD).",
            ),
            OpenApiParameter(
                "buffer_area",
                ID,
                description="The surroundings problems could move to (WDQ; needs comparison).",
            ),
            OpenApiParameter(
                "category",
                IDS,
                required=True,
                description="Category ids, repeated or comma-separated (with sub-categories).",
            ),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, required=True, description="The measure's first day."
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="The measure's last day (default: today)."
            ),
            OpenApiParameter(
                "window_days",
                {"type": "integer", "minimum": 1, "maximum": 3660},
                description="At most this many days per window.",
            ),
            OpenApiParameter(
                "chosen_after_peak",
                OpenApiTypes.BOOL,
                description="The place was chosen after a peak (adds the regression caveat).",
            ),
        ],
        responses=EvaluationSerializer,
        description=(
            "Before/after evaluation of a measure: incidents of the categories in equal windows "
            "before and after `start` (the after window runs to `end`, today or the last day "
            "with data, at most `window_days`) in the treated, comparison and buffer areas; the "
            "rate ratio with its exact conditional 95 % interval, the weighted displacement "
            "difference and quotient, caveats and a plain statement. 400 for bad parameters "
            "or areas the user may not analyse."
        ),
    )
    def get(self, request: Request) -> Response:
        if not can_analyse(request.user):
            raise PermissionDenied
        query = EvaluationQuerySerializer.from_query(request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        allowed = analysable_area_ids(request.user)
        for name in ("area", "comparison_area", "buffer_area"):
            if data.get(name) is not None and data[name] not in allowed:
                raise ValidationError({name: [_("You may not analyse this area.")]})
        try:
            result = evaluation_analysis.evaluate(
                request.user,
                area_id=data["area"],
                category_ids=data["category"],
                start=data["start"],
                end=data.get("end"),
                today=timezone.localdate(),
                comparison_area_id=data.get("comparison_area"),
                buffer_area_id=data.get("buffer_area"),
                window_days=data.get("window_days"),
                chosen_after_peak=data["chosen_after_peak"],
            )
        except SelectionError as error:
            raise ValidationError({"category": [str(error)]}) from error
        except evaluation_analysis.EvaluationError as error:
            raise ValidationError({"start": [str(error)]}) from error
        return Response(EvaluationSerializer(result).data)


# Near-repeat bands: from finer than positions to wider than a neighbourhood; at most 20 × 20.
NEAR_REPEAT_BOUNDS = {
    "distance_band_m": (10, 1000, 100),
    "distance_bands": (1, 20, 10),
    "time_band_days": (1, 90, 7),
    "time_bands": (1, 20, 10),
    "permutations": (9, 999, None),
    "seed": (0, 2**31 - 1, DEFAULT_SEED),
}


def _bounded(name: str, description: str) -> OpenApiParameter:
    low, high, _default = NEAR_REPEAT_BOUNDS[name]
    return OpenApiParameter(
        name, {"type": "integer", "minimum": low, "maximum": high}, description=description
    )


class NearRepeatsView(APIView):
    @extend_schema(
        operation_id="analysis_near_repeats",
        parameters=[
            *SELECTION_PARAMETERS,
            _bounded("distance_band_m", "Width of each distance band in metres (default 100)."),
            _bounded("distance_bands", "Number of distance bands (default 10)."),
            _bounded("time_band_days", "Width of each time band in days (default 7)."),
            _bounded("time_bands", "Number of time bands (default 10)."),
            _bounded(
                "permutations",
                "Monte Carlo permutations of the times (default the installation's "
                "TRYGG_NEAR_REPEAT_PERMUTATIONS, 99).",
            ),
            _bounded("seed", "Seed of the permutations: the same seed, the same p-values."),
        ],
        responses=inline_serializer(
            "AnalysisNearRepeats",
            {
                "distance_band_m": serializers.FloatField(),
                "time_band_days": serializers.FloatField(),
                "distance_bands": serializers.ListField(
                    child=serializers.ListField(child=serializers.FloatField())
                ),
                "time_bands": serializers.ListField(
                    child=serializers.ListField(child=serializers.FloatField())
                ),
                "cells": serializers.ListField(child=serializers.DictField()),
                "events": serializers.IntegerField(),
                "without_position": serializers.IntegerField(),
                "pairs": serializers.IntegerField(),
                "permutations": serializers.IntegerField(),
                "seed": serializers.IntegerField(),
                "classes": serializers.DictField(child=serializers.IntegerField()),
                "verdict": serializers.CharField(),
            },
        ),
        description=(
            "The Knox test of near repeats over the selection's incidents with a position "
            "(days in Stockholm time): for each distance band × time band (band 1 is 0 to the "
            "width inclusive, band k is above (k − 1)·width up to k·width) the observed pairs, "
            "the expected pairs (mean over Monte Carlo permutations of the times), their ratio "
            "(null when none is expected), the p-value (1 + permutations with at least as many "
            "pairs) / (1 + permutations) and significant (p < 0.05 and more pairs than "
            "expected). classes counts the incidents as originator, repeat (the same place), "
            "near_repeat or isolated within the first band's distance and days. 400 for bad "
            "parameters or a selection of more than 60,000 incidents with a position."
        ),
    )
    def get(self, request: Request) -> Response:
        selection = selection_from(request)
        params = request.query_params
        values: dict[str, int] = {}
        for name, (low, high, default) in NEAR_REPEAT_BOUNDS.items():
            fallback = default if default is not None else settings.TRYGG_NEAR_REPEAT_PERMUTATIONS
            values[name] = int_param(params, name, default=fallback, minimum=low, maximum=high)
        try:
            found = near_repeats(
                selection,
                distance_band_m=values["distance_band_m"],
                distance_bands=values["distance_bands"],
                time_band_days=values["time_band_days"],
                time_bands=values["time_bands"],
                permutations=values["permutations"],
                seed=values["seed"],
            )
        except TooManyEvents as error:
            raise ValidationError({"detail": str(error)}) from error
        knox = found.knox
        return Response(
            {
                "distance_band_m": knox.distance_band_m,
                "time_band_days": knox.time_band_days,
                "distance_bands": [list(b) for b in knox.distance_bands],
                "time_bands": [list(b) for b in knox.time_bands],
                "cells": cell_dicts(knox),
                "events": knox.n_events,
                "without_position": found.without_position,
                "pairs": knox.n_pairs,
                "permutations": knox.permutations,
                "seed": knox.seed,
                "classes": found.classes,
                "verdict": verdict(found),
            }
        )


class _PeriodSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The period's key, e.g. 2022/23.")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    partial = serializers.BooleanField(help_text="The period is not over (counted so far).")


class _RateFigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Incidents, or reported crimes (statistics).")
    person_years = serializers.FloatField(
        help_text="Inhabitants × years: each year's population times its share of the period."
    )
    rate_per_100000 = serializers.FloatField(
        allow_null=True, help_text="count / person_years × 100,000 (per inhabitants and year)."
    )
    population_years = serializers.ListField(
        child=serializers.IntegerField(), help_text="The population years used."
    )


class _RateRowSerializer(serializers.Serializer):
    comparison = serializers.ChoiceField(choices=["group", "county", "country"])
    name = serializers.CharField(help_text="The group's, county's or country's name.")
    source = serializers.ChoiceField(
        choices=["trygg", "statistics"],
        allow_null=True,
        help_text=(
            "Where both sides' counts come from: trygg (incidents in Trygg) or statistics (an "
            "official count series); null when there is nothing to compare with."
        ),
    )
    source_label = serializers.CharField(help_text="The source as the page names it.")
    is_demo = serializers.BooleanField(help_text="The figures are made up for the demo.")
    area_figure = _RateFigureSerializer(allow_null=True)
    comparison_figure = _RateFigureSerializer(
        allow_null=True, help_text="The whole group, county or country."
    )
    tested_against = _RateFigureSerializer(
        allow_null=True,
        help_text="The comparison without the area (what the area is tested against).",
    )
    rate_ratio = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(
        allow_null=True, help_text="Exact conditional test of two Poisson rates."
    )
    significant = serializers.BooleanField(help_text="p < alpha.")
    direction = serializers.ChoiceField(choices=["higher", "lower", "none"])
    verdict = serializers.CharField(help_text="In the user's language, e.g. Swedish.")
    left_out = serializers.ListField(
        child=serializers.CharField(), help_text="Group members without figures, not counted."
    )
    note = serializers.CharField(help_text="Why there is no comparison, when there is none.")


class _RateSubjectSerializer(serializers.Serializer):
    area = serializers.IntegerField(help_text="The area compared (the chosen one or its kommun).")
    area_name = serializers.CharField()
    chosen_area = serializers.IntegerField()
    chosen_area_name = serializers.CharField()
    comparison_group = serializers.CharField(allow_null=True)
    rows = _RateRowSerializer(many=True)


class _RatesSerializer(serializers.Serializer):
    period = _PeriodSerializer(allow_null=True)
    alpha = serializers.FloatField()
    subjects = _RateSubjectSerializer(many=True)


class RatesView(APIView):
    @extend_schema(
        operation_id="analysis_rates",
        parameters=SELECTION_PARAMETERS,
        responses=_RatesSerializer,
        description=(
            "Each chosen area (a district or neighbourhood through its municipality) against "
            "its comparison group, its county and the country in the period that holds `end` "
            "(or the latest data): incidents per 100,000 inhabitants and year on both sides "
            "and the exact Poisson test of the area against the rest of each comparison. Both "
            "sides of a row come from one source: Trygg's incidents when the installation "
            "holds incidents for every area in the row that the user may analyse, else an "
            "official count series (e.g. the police's reported crimes)."
        ),
    )
    def get(self, request: Request) -> Response:
        selection = selection_from(request)
        result = compare_rates(selection, request.user)
        if result is None:
            return Response({"period": None, "alpha": 0.05, "subjects": []})
        return Response(rate_dicts(result))
