"""Figure blocks: from a stored selection to a table and chart data, and back to a chart.

``compute_figure`` runs the analysis for a block and returns plain JSON: ``headers`` and
``rows`` (the table beside the chart), ``chart`` (what is needed to redraw it, or None) and
``note``. The same dict is shown live for a draft and stored in ``ReportBlock.frozen`` on
approval, so an approved version is drawn from its own numbers (``chart_figure``) and never
from live data.

Figures are computed in the installation's language (Swedish): a lägesbild is a Swedish
document whoever approves it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from trygg.accounts.models import AnyUser, Role
from trygg.accounts.scope import Scope, ScopeReader
from trygg.analysis import charts
from trygg.analysis.changes import compare_periods
from trygg.analysis.counts import count_incidents
from trygg.analysis.patterns import WeekdayHour, monthly_profile, weekday_hour
from trygg.analysis.selection import Selection, build_selection
from trygg.analysis.tables import change_table, monthly_table, weekday_hour_table
from trygg.lib.documents import day
from trygg.places.models import AreaTree
from trygg.reports.models import BlockKind, ReportBlock, SituationReport

Frozen = dict[str, Any]


class FigureError(ValueError):
    """The block's selection cannot be computed (e.g. no data, or an unknown series)."""


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def selection_for(block: ReportBlock, user: AnyUser) -> Selection:
    """The block's selection, defaulting to the report's area and period."""
    report: SituationReport = block.report
    params = block.selection or {}
    return build_selection(
        user,
        area_ids=[int(a) for a in params.get("area_ids") or [report.area_id]],
        category_ids=[int(c) for c in params.get("category_ids") or []],
        start=_date(params.get("start")) or report.period_start,
        end=_date(params.get("end")) or report.period_end,
        period_kind=params.get("period_kind") or report.period_kind,
    )


def report_reader(block: ReportBlock) -> AnyUser:
    """Whom a block's figure is computed for: the report's own scope, never its reader's.

    An analyst of the report's area and of the areas the block was given (chosen by an editor
    who may analyse them), so a draft out for comments reads the same for the coordinator, a
    council member and a reporter; who may read the report at all is decided by the report's
    own rules (``reports.permissions``) before any figure is computed.
    """
    report: SituationReport = block.report
    params = block.selection or {}
    areas = {report.area_id, *(int(a) for a in params.get("area_ids") or [])}
    # One tree for all the blocks of a document (they share one report object).
    tree = getattr(report, "_trygg_area_tree", None)
    if tree is None:
        tree = report._trygg_area_tree = AreaTree.load()  # type: ignore[attr-defined]
    return ScopeReader(Scope(tree=tree, roots={Role.ANALYTIKER: areas}))


def compute_figure(block: ReportBlock) -> Frozen | None:
    """The block's figure computed now, as the report's scope allows; None for text blocks."""
    if not block.is_figure:
        return None
    user = report_reader(block)
    kind = _KINDS.get(block.kind)
    if kind is None:
        raise FigureError(_("This kind of figure is not available in this installation."))
    with translation.override(settings.LANGUAGE_CODE):
        figure = kind.compute(block, user)
    figure["computed_at"] = timezone.now().isoformat(timespec="seconds")
    return figure


def _counts(block: ReportBlock, user: AnyUser) -> Frozen:
    """Incidents per category (rows) and period (columns): the council's classic table."""
    selection = selection_for(block, user)
    result = count_incidents(selection, ("category", "period"))
    labels: list[str] = []
    for row in result.rows:
        if row.category and row.category.name not in labels:
            labels.append(row.category.name)
    periods = [p.label for p in result.periods]
    values = {label: [0] * len(periods) for label in labels}
    for row in result.rows:
        if row.category and row.period in result.periods:
            values[row.category.name][result.periods.index(row.period)] += row.count
    headers = [_("Category"), *periods]
    rows = [[label, *values[label]] for label in labels]
    if labels:
        totals = [sum(values[label][i] for label in labels) for i in range(len(periods))]
        rows.append([_("Total"), *totals])
    return {
        "headers": headers,
        "rows": rows,
        "chart": {
            "type": "bars",
            "labels": labels,
            "series": {p: [values[label][i] for label in labels] for i, p in enumerate(periods)},
            "unit": "antal",
        },
        "note": _("Reported incidents in %(areas)s, %(first)s–%(last)s.")
        % {
            "areas": ", ".join(g.name for g in selection.areas),
            "first": day(result.periods[0].start) if result.periods else "",
            "last": day(result.periods[-1].end) if result.periods else "",
        },
    }


def _changes(block: ReportBlock, user: AnyUser) -> Frozen:
    selection = selection_for(block, user)
    comparison = (block.selection or {}).get("comparison", "previous")
    result = compare_periods(selection, group_by=("category",), comparison=comparison)
    if result is None:
        raise FigureError(_("There are no incidents in the selection."))
    headers, rows = change_table(result)
    # The area column is empty when grouping by category only.
    headers, rows = headers[1:], [row[1:] for row in rows]
    labels = [str(row[0]) for row in rows]
    return {
        "headers": headers,
        "rows": rows,
        "chart": {
            "type": "bars",
            "labels": labels,
            "series": {
                str(headers[1]): [row[1] for row in rows],
                str(headers[2]): [row[2] for row in rows],
            },
            "unit": "antal",
        },
        "note": _("The current period against the previous one; p-values from an exact test."),
    }


def _statistics(block: ReportBlock, user: AnyUser) -> Frozen:
    from trygg.statistics.queries import series_values

    report: SituationReport = block.report
    params = block.selection or {}
    series_ids = [int(s) for s in params.get("series_ids") or []]
    values = series_values(
        series_ids=series_ids or None,
        area_ids=[int(a) for a in params.get("area_ids") or [report.area_id]],
        start=_date(params.get("start")) or None,
        end=_date(params.get("end")) or None,
        user=user,
    )
    if not values:
        raise FigureError(_("No official statistics match the selection."))
    labels: list[str] = []
    periods: list[str] = []
    for value in values:
        label = value.category_name or value.series_name
        if label not in labels:
            labels.append(label)
        if value.period_label not in periods:
            periods.append(value.period_label)
    periods.sort()
    table: dict[str, list[float | None]] = {label: [None] * len(periods) for label in labels}
    for value in values:
        label = value.category_name or value.series_name
        table[label][periods.index(value.period_label)] = value.value
    sources = sorted({v.source for v in values if v.source})
    demo = any(v.is_demo for v in values)
    note = _("Source: %(sources)s.") % {"sources": ", ".join(sources) or "–"}
    if demo:
        note += " " + _("Demo figures, not real statistics.")
    return {
        "headers": [_("Category"), *periods],
        "rows": [[label, *table[label]] for label in labels],
        "chart": {
            "type": "bars",
            "labels": labels,
            "series": {p: [table[label][i] for label in labels] for i, p in enumerate(periods)},
            "unit": values[0].unit,
        },
        "note": note,
    }


def _time_pattern(block: ReportBlock, user: AnyUser) -> Frozen:
    selection = selection_for(block, user)
    if (block.selection or {}).get("pattern") == "monthly":
        profile = monthly_profile(selection)
        headers, rows = monthly_table(profile)
        return {
            "headers": headers,
            "rows": rows,
            "chart": {
                "type": "bars",
                "labels": [str(row[0])[:3] for row in rows],
                "series": {str(headers[3]): [row[3] for row in rows]},
                "unit": "medel",
            },
            "note": _("Mean number of incidents per calendar month."),
        }
    pattern = weekday_hour(selection)
    headers, rows = weekday_hour_table(pattern)
    return {
        "headers": headers,
        "rows": rows,
        "chart": {"type": "heatmap", "matrix": [list(r) for r in pattern.matrix]},
        "note": (
            _("Incidents per weekday and hour; %(unknown)s without a known time.")
            % {"unknown": pattern.unknown_time}
            + (
                " "
                + _(
                    "%(windowed)s known only as a time window are spread over the window's "
                    "hours (aoristic weighting)."
                )
                % {"windowed": pattern.windowed}
                if pattern.windowed
                else ""
            )
        ),
    }


def _hotspots(block: ReportBlock, user: AnyUser) -> Frozen:
    from trygg.analysis.hotspots import NoStudyArea, hotspot_summary, hotspots

    selection = selection_for(block, user)
    try:
        found = hotspots(selection)
    except NoStudyArea as error:
        raise FigureError(str(error)) from None
    rows = hotspot_summary(found)["hot_rows"]
    return {
        "headers": [_("Area"), _("Hot cells"), _("Incidents in them"), _("Strongest Gi* z")],
        "rows": [[r["area"], r["cells"], r["count"], round(r["z"], 1)] for r in rows],
        "chart": None,
        "note": _("Cells of %(m)s m with significantly more incidents than their surroundings.")
        % {"m": charts.swedish_number(found.cell_m)},
    }


def _near_repeats(block: ReportBlock, user: AnyUser) -> Frozen:
    """The Knox table of near repeats (observed / expected pairs per distance and time band,
    * where p < 0.05) with its plain verdict."""
    from trygg.analysis.nearrepeat import TooManyEvents, near_repeats, ratio_table, verdict

    selection = selection_for(block, user)
    try:
        found = near_repeats(selection)
    except TooManyEvents as error:
        raise FigureError(str(error)) from None
    if not found.enough:
        raise FigureError(verdict(found))
    headers, rows = ratio_table(found.knox)
    return {
        "headers": headers,
        "rows": rows,
        "chart": None,
        "note": verdict(found)
        + " "
        + _(
            "Knox test of %(n)s incidents with a position, %(perms)s permutations of the days; "
            "* marks p < 0.05."
        )
        % {
            "n": charts.swedish_number(found.knox.n_events),
            "perms": found.knox.permutations,
        },
    }


def _next_meeting(block: ReportBlock, user: AnyUser) -> Frozen:
    from trygg.collaboration.models import Meeting

    report: SituationReport = block.report
    params = block.selection or {}
    meetings = Meeting.objects.filter(is_cancelled=False).select_related("forum")
    if params.get("meeting_id"):
        meeting = meetings.filter(pk=int(params["meeting_id"])).first()
    else:
        meeting = (
            meetings.filter(forum__area=report.area, starts_at__gte=timezone.now())
            .order_by("starts_at")
            .first()
        )
    if meeting is None:
        raise FigureError(_("No coming meeting is planned."))
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at)
    when = f"{date_format(starts, 'l j F Y')} kl. {starts:%H.%M}–{ends:%H.%M}"
    place = ", ".join(p for p in (meeting.address, meeting.room) if p)
    contact = ", ".join(
        p for p in (meeting.contact_name, meeting.contact_phone, meeting.contact_email) if p
    )
    return {
        "headers": [_("Meeting"), _("Time"), _("Place"), _("Contact")],
        "rows": [[str(meeting), when, place, contact]],
        "chart": None,
        "note": str(meeting.forum),
    }


# The figure kinds: computed here from analyses, statistics and meetings; other apps register
# theirs (``trygg.plans.figures`` registers the measures block) when Django starts.


@dataclass(frozen=True)
class SelectionField:
    """A form field a figure kind adds to the block form; its value is stored in the block's
    selection under ``param``."""

    name: str
    param: str
    field: Callable[[AnyUser | None], forms.Field]
    stored: Callable[[Any], Any]


@dataclass(frozen=True)
class FigureKind:
    compute: Callable[[ReportBlock, AnyUser], Frozen]
    fields: tuple[SelectionField, ...] = ()


_KINDS: dict[str, FigureKind] = {}


def register_figure(
    kind: str, compute: Callable[[ReportBlock, AnyUser], Frozen], *fields: SelectionField
) -> None:
    """Make a block kind (one of ``BlockKind``'s figure kinds) computable."""
    _KINDS[kind] = FigureKind(compute, fields)


def registered_figures() -> dict[str, FigureKind]:
    return dict(_KINDS)


register_figure(BlockKind.COUNTS, _counts)
register_figure(BlockKind.CHANGES, _changes)
register_figure(BlockKind.STATISTICS, _statistics)
register_figure(BlockKind.TIME_PATTERN, _time_pattern)
register_figure(BlockKind.HOTSPOTS, _hotspots)
register_figure(BlockKind.NEAR_REPEATS, _near_repeats)
register_figure(BlockKind.NEXT_MEETING, _next_meeting)


# Showing stored figures ------------------------------------------------------------------


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def cell_text(value: Any) -> str:
    """A table cell as a Swedish reader expects it: "1 234,5", "13 oktober 2023", "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return charts.swedish_number(value)
    if isinstance(value, float):
        return charts.swedish_number(value, 0 if value.is_integer() else 1)
    if isinstance(value, dt.date):
        return day(value)
    text = str(value)
    if _ISO_DAY.match(text):
        return day(dt.date.fromisoformat(text))
    return text


def jsonable(value: Any) -> Any:
    """Dates to ISO strings, numpy numbers to Python ones: what JSONField stores."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)
    return value


def chart_figure(chart: dict[str, Any] | None, title: str = "") -> Figure | None:
    """Redraw a chart from its stored numbers (never from live data)."""
    if not chart:
        return None
    if chart["type"] == "heatmap":
        matrix = tuple(tuple(float(v) for v in row) for row in chart["matrix"])
        return charts.weekday_hour_chart(WeekdayHour(matrix, 0), title)
    if chart["type"] == "bars":
        if not chart["labels"]:
            return None
        return charts.series_chart(chart["labels"], chart["series"], title, chart.get("unit", ""))
    raise ValueError(f"unknown chart type {chart['type']!r}")


def chart_notes(figure: Frozen) -> str:
    """The chart's numbers as text lines (the notes under a PPTX slide)."""
    lines = [" | ".join(str(h) for h in figure["headers"])]
    lines += [" | ".join(cell_text(c) for c in row) for row in figure["rows"]]
    if figure.get("note"):
        lines.append(figure["note"])
    return "\n".join(lines)


def block_figure(block: ReportBlock) -> tuple[Frozen | None, str | None]:
    """The figure to show: the frozen one if the block has it, else computed live.

    Returns (figure, None) or (None, a reason to show instead of the figure).
    """
    if not block.is_figure:
        return None, None
    if block.frozen is not None:
        return block.frozen, None
    if block.report.is_locked:
        return None, _("This figure was not stored when the report was approved.")
    try:
        return jsonable(compute_figure(block)), None
    except FigureError as error:
        return None, str(error)
    except PermissionDenied:
        return None, _("You may not see the data behind this figure.")
