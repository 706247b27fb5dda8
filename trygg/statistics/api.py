"""``/api/v1/statistics/``: series (read-only) and their values, scoped like the pages.

``/api/v1/statistics/{id}/values/`` gives one series' values and ``/api/v1/statistics/values/``
those of any series (``series=ID``), both filtered by ``area``, ``category`` (ids, repeat the
parameter or separate with commas), ``start`` and ``end`` (dates; values whose whole period
lies within). Answers ``{"rows": [...]}`` in the order of ``series_values``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from trygg.lib.params import ids_param
from trygg.statistics.models import StatisticSeries, StatisticSeriesQuerySet
from trygg.statistics.permissions import visible_series
from trygg.statistics.queries import series_values
from trygg.statistics.serializers import StatisticSeriesSerializer, StatValuesSerializer

VALUE_PARAMETERS = [
    OpenApiParameter(
        "area",
        OpenApiTypes.INT,
        many=True,
        explode=True,
        description="Area id (repeat for several). Exactly these areas: figures are not added "
        "up over sub-areas.",
    ),
    OpenApiParameter(
        "category",
        OpenApiTypes.INT,
        many=True,
        explode=True,
        description="Category id (repeat for several). A value without a category counts as "
        "its series' default category.",
    ),
    OpenApiParameter(
        "start", OpenApiTypes.DATE, description="Values whose period starts on or after this day."
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Values whose period ends on or before this day."
    ),
]
SERIES_PARAMETER = OpenApiParameter(
    "series",
    OpenApiTypes.INT,
    many=True,
    explode=True,
    description="Series id (repeat for several).",
)


def _date(params: QueryDict, name: str) -> dt.date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from None


class StatisticSeriesViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StatisticSeriesSerializer
    # For the schema only (it types the id); requests go through get_queryset.
    queryset = StatisticSeries.objects.none()

    def get_queryset(self) -> StatisticSeriesQuerySet:
        return visible_series(self.request.user).order_by("name", "id")

    def _values(self, request: Request, series_ids: list[int] | None) -> Response:
        params = request.query_params
        start, end = _date(params, "start"), _date(params, "end")
        if start and end and end < start:
            raise ValidationError({"end": [_("The end is before the start.")]})
        rows = series_values(
            series_ids=series_ids,
            area_ids=ids_param(params, "area"),
            category_ids=ids_param(params, "category"),
            start=start,
            end=end,
            user=request.user,
        )
        return Response(StatValuesSerializer({"rows": rows}).data)

    @extend_schema(
        parameters=VALUE_PARAMETERS,
        responses=StatValuesSerializer,
        summary="The values of one series",
        operation_id="v1_statistics_series_values",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def values(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        series = self.get_object()
        return self._values(request, [series.pk])

    @extend_schema(
        parameters=[SERIES_PARAMETER, *VALUE_PARAMETERS],
        responses=StatValuesSerializer,
        summary="The values of any series",
        operation_id="v1_statistics_values",
    )
    @action(detail=False, methods=["get"], url_path="values", pagination_class=None)
    def all_values(self, request: Request) -> Response:
        return self._values(request, ids_param(request.query_params, "series"))
