"""Charts as functions from an analysis result to a picture: SVG for pages, PNG for documents.

The same function draws the page's chart and the lägesbild's, with Swedish labels and numbers
("1 234,5"). Text stays text in the SVG (searchable, readable by screen readers beside the
``aria-label`` the template gives), and every chart on a page has its numbers in a table too.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Literal, overload

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from trygg.analysis.counts import CountResult
from trygg.analysis.evaluation import WeeklySeries
from trygg.analysis.patterns import MonthlyProfile, WeekdayHour
from trygg.analysis.tables import month_names, weekday_names
from trygg.lib.periods import Period

# Colours that stay apart for common colour-vision deficiencies (Okabe & Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlesize": 11,
    }
)


def swedish_number(value: float, decimals: int = 0) -> str:
    """1234.5 → "1 234,5" (narrow no-break space between thousands, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


_integer_axis = FuncFormatter(lambda value, _pos: swedish_number(value))


@overload
def render(figure: Figure, fmt: Literal["svg"] = "svg") -> str: ...
@overload
def render(figure: Figure, fmt: Literal["png"]) -> bytes: ...
def render(figure: Figure, fmt: str = "svg") -> str | bytes:
    """The figure as SVG markup (str, without the XML prologue) or PNG bytes (150 dpi)."""
    buffer = io.BytesIO()
    if fmt == "png":
        figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
        plt.close(figure)
        return buffer.getvalue()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


def counts_chart(result: CountResult, title: str = "") -> Figure:
    """Bars per category (or area), one colour per period: the council's classic chart."""
    by = "category" if "category" in result.group_by else "area"
    groups: list = []
    for row in result.rows:
        group = getattr(row, by)
        if group not in groups:
            groups.append(group)
    periods: list[Period | None] = list(result.periods) if "period" in result.group_by else [None]
    values = np.zeros((len(periods), len(groups)))
    index = {g: i for i, g in enumerate(groups)}
    for row in result.rows:
        p = periods.index(row.period) if row.period in periods else 0
        values[p, index[getattr(row, by)]] += row.count
    figure, axes = plt.subplots(figsize=(max(6.0, 0.9 * len(groups) + 2), 3.8))
    width = 0.8 / max(1, len(periods))
    x = np.arange(len(groups))
    for p, period in enumerate(periods):
        bars = axes.bar(
            x + (p - (len(periods) - 1) / 2) * width,
            values[p],
            width,
            label=period.label if period else None,
            color=PALETTE[p % len(PALETTE)],
        )
        if len(groups) * len(periods) <= 40:
            axes.bar_label(
                bars, labels=[swedish_number(v) for v in values[p]], fontsize=7, padding=1
            )
    axes.set_xticks(x, [_wrap(g.name if g else "") for g in groups], fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(_integer_axis)
    if periods[0] is not None:
        axes.legend(frameon=False, fontsize=8, ncols=min(len(periods), 5))
    if title:
        axes.set_title(title, loc="left")
    figure.tight_layout()
    return figure


def weekday_hour_chart(pattern: WeekdayHour, title: str = "") -> Figure:
    matrix = np.array(pattern.matrix, dtype=float)
    figure, axes = plt.subplots(figsize=(8.5, 3.0))
    image = axes.imshow(matrix, aspect="auto", cmap="Blues", interpolation="nearest")
    axes.set_yticks(range(7), weekday_names(), fontsize=8)
    axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)], fontsize=8)
    axes.spines[:].set_visible(False)
    colorbar = figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02)
    # Aoristic weights make fractions: ticks with a decimal then, or 1,5 would read "2".
    whole = bool(np.all(matrix == np.round(matrix)))
    colorbar.ax.yaxis.set_major_formatter(
        _integer_axis if whole else FuncFormatter(lambda v, _p: swedish_number(v, 1))
    )
    colorbar.ax.tick_params(labelsize=7)
    if title:
        axes.set_title(title, loc="left")
    figure.tight_layout()
    return figure


def monthly_chart(profile: MonthlyProfile, title: str = "") -> Figure:
    means = [m if m is not None else 0 for m in profile.means]
    figure, axes = plt.subplots(figsize=(7.5, 3.0))
    bars = axes.bar(range(12), means, color=PALETTE[0])
    axes.bar_label(bars, labels=[swedish_number(m, 1) for m in means], fontsize=7, padding=1)
    axes.set_xticks(range(12), [name[:3] for name in month_names()], fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: swedish_number(v, 0)))
    if title:
        axes.set_title(title, loc="left")
    figure.tight_layout()
    return figure


def series_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    title: str = "",
    unit: str = "",
) -> Figure:
    """Grouped bars for official statistics: one group per label (category or area), one colour
    per period."""
    figure, axes = plt.subplots(figsize=(max(6.0, 0.9 * len(labels) + 2), 3.8))
    width = 0.8 / max(1, len(series))
    x = np.arange(len(labels))
    decimals = 1 if unit and unit != "antal" else 0
    for i, (name, values) in enumerate(series.items()):
        heights = [v if v is not None else 0 for v in values]
        bars = axes.bar(
            x + (i - (len(series) - 1) / 2) * width, heights, width, label=name,
            color=PALETTE[i % len(PALETTE)],
        )  # fmt: skip
        if len(labels) * len(series) <= 40:
            axes.bar_label(
                bars,
                labels=[swedish_number(v, decimals) if v is not None else "–" for v in values],
                fontsize=7,
                padding=1,
            )
    axes.set_xticks(x, [_wrap(label) for label in labels], fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: swedish_number(v, 0)))
    axes.legend(frameon=False, fontsize=8, ncols=min(len(series), 5))
    if title:
        axes.set_title(title, loc="left")
    figure.tight_layout()
    return figure


def _wrap(text: str, width: int = 14) -> str:
    """Break long category names over lines so the axis stays readable."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def evaluation_chart(
    series: WeeklySeries,
    names: dict[str, str],
    title: str = "",
) -> Figure:
    """Incidents per week before and after a measure started, the start marked by a line.

    ``names`` gives the legend's area names for "treated", "comparison" and "buffer"; the
    treated area is drawn thickest, with its mean per week in each window as a dotted step.
    """
    # The x values are dates: matplotlib plots them (its date converter), its stubs refuse them.
    middles = [week.start + dt.timedelta(days=3) for week in series.weeks]
    figure, axes = plt.subplots(figsize=(8.5, 3.4))
    lines = [
        ("treated", series.treated, 2.0),
        ("comparison", series.comparison, 1.2),
        ("buffer", series.buffer, 1.2),
    ]
    for index, (key, values, width) in enumerate(lines):
        if values is None:
            continue
        axes.plot(
            middles,  # type: ignore[arg-type]  # dates, see above
            values,
            label=names.get(key, key),
            color=PALETTE[index],
            linewidth=width,
        )
    half = len(series.weeks) // 2
    for part in (slice(0, half), slice(half, None)):
        values = series.treated[part]
        if values:
            mean = sum(values) / len(values)
            weeks = series.weeks[part]
            axes.plot(
                [weeks[0].start, weeks[-1].end + dt.timedelta(days=1)],  # type: ignore[arg-type]
                [mean, mean],
                color=PALETTE[0],
                linestyle=":",
                linewidth=1.2,
            )
    axes.axvline(series.start, color="#000000", linestyle="--", linewidth=1)  # type: ignore[arg-type]
    axes.annotate(
        _("Start %(day)s") % {"day": series.start.isoformat()},
        xy=(series.start, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    months = month_names()

    def month_label(value: float, _pos: int) -> str:
        day = mdates.num2date(value)
        return f"{months[day.month - 1][:3]} {day.year}"

    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=9))
    axes.xaxis.set_major_formatter(FuncFormatter(month_label))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(_integer_axis)
    axes.set_ylabel(_("Incidents per week"), fontsize=8)
    # Below the plot, so that it never hides the weeks around the start.
    axes.legend(frameon=False, fontsize=8, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    if title:
        axes.set_title(title, loc="left", pad=14)
    figure.tight_layout()
    return figure
