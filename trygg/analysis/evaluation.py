"""Did a measure work? Before/after counts in equal windows, with a comparison and a buffer area.

``evaluate`` counts the incidents of the measure's categories in the treated area, and in the
comparison and buffer areas when given, in two windows of equal length: the days from the start
of the measure up to its end (or today, or the last day with recorded incidents), and as many
days just before the start. The statistics come from :mod:`trygg.lib.stats`:

- the rate ratio after/before with its exact conditional 95 % interval, net of the comparison
  area when one is given, and the relative effect in percent;
- the weighted displacement difference (Wheeler & Ratcliffe 2018) with its variance and z when a
  comparison area is given;
- the weighted displacement quotient (Bowers & Johnson 2003) when a buffer area is given too.

``statement`` says in plain Swedish what the numbers say, and what they cannot say;
``weekly_series`` gives the counts per week around the start for the chart and its table.
``evaluate`` answers one question (``/api/v1/analysis/evaluation/``), ``evaluate_many`` and
``Evaluations`` any number in the same few queries (the measure page and the measure list,
``/api/v1/measures/``, through ``trygg.plans.effects``); the areas are limited to those the
user may analyse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.accounts.models import AnyUser
from trygg.analysis.counts import count_incidents
from trygg.analysis.selection import build_selection
from trygg.analysis.stored import Batch, Ranges, WindowCounts, ask, may_analyse
from trygg.lib.periods import Period, PeriodKind
from trygg.lib.stats import (
    WDD,
    WDQ,
    BeforeAfter,
    WDQInterpretation,
    rate_ratio_before_after,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)

SHORT_WINDOW_DAYS = 180
SMALL_COUNT = 20
SIGNIFICANCE = 0.05


class EvaluationError(ValueError):
    """An evaluation that cannot be made (e.g. the measure starts after the last data)."""


@dataclass(frozen=True)
class Counts:
    before: int
    after: int


@dataclass(frozen=True)
class Evaluation:
    before: Period
    after: Period
    treated: Counts
    comparison: Counts | None
    buffer: Counts | None
    rate: BeforeAfter
    wdd: WDD | None
    wdq: WDQ | None
    shortened: bool
    chosen_after_peak: bool
    caveats: list[str] = field(default_factory=list)

    @property
    def significant(self) -> bool:
        return self.rate.p_value < SIGNIFICANCE

    @property
    def statement(self) -> str:
        return statement(self)


def windows(
    start: dt.date,
    *,
    end: dt.date | None,
    today: dt.date,
    first_data: dt.date | None,
    last_data: dt.date | None,
    window_days: int | None = None,
) -> tuple[Period, Period, bool]:
    """Equal before and after windows around ``start``; True when they had to be shortened.

    The after window runs from the start to the end of the measure, today or the last day with
    data, whichever comes first; the before window has as many days just before the start. Both
    shrink when the data does not reach back far enough.
    """
    last = min(day for day in (end, today, last_data) if day is not None)
    if last < start:
        raise EvaluationError(_("The measure starts after the last day with data."))
    days = (last - start).days + 1
    if window_days:
        days = min(days, window_days)
    wanted = days
    if first_data is not None:
        days = min(days, (start - first_data).days)
    if days < 1:
        raise EvaluationError(_("There is no data from before the measure started."))
    after = Period(start, start + dt.timedelta(days=days - 1), PeriodKind.RANGE)
    before = Period(start - dt.timedelta(days=days), start - dt.timedelta(days=1), PeriodKind.RANGE)
    return before, after, days < wanted


def _counts_by_area(
    user: AnyUser, area_ids: Sequence[int], category_ids: Sequence[int], periods: Sequence[Period]
) -> dict[int, tuple[int, ...]]:
    """Incidents of the categories per area and period, in one query for all the areas."""
    selection = build_selection(
        user,
        area_ids=area_ids,
        category_ids=category_ids,
        start=periods[0].start,
        end=periods[-1].end,
        period_kind=PeriodKind.RANGE,
    )
    result = count_incidents(selection, ("area", "period"), periods=periods)
    found = {(row.area.id, row.period): row.count for row in result.rows if row.area}
    return {
        area_id: tuple(found.get((area_id, period), 0) for period in periods)
        for area_id in area_ids
    }


@dataclass(frozen=True)
class Question:
    """What an evaluation asks: the treated area (and the comparison and buffer areas), the
    categories and the measure's days."""

    area_id: int
    category_ids: tuple[int, ...]
    start: dt.date
    end: dt.date | None = None
    comparison_area_id: int | None = None
    buffer_area_id: int | None = None
    window_days: int | None = None
    chosen_after_peak: bool = False

    @property
    def area_ids(self) -> list[int]:
        return [
            a for a in (self.area_id, self.comparison_area_id, self.buffer_area_id) if a is not None
        ]


def evaluate(
    user: AnyUser,
    *,
    area_id: int,
    category_ids: Sequence[int],
    start: dt.date,
    today: dt.date,
    end: dt.date | None = None,
    comparison_area_id: int | None = None,
    buffer_area_id: int | None = None,
    window_days: int | None = None,
    chosen_after_peak: bool = False,
) -> Evaluation:
    """Evaluate a measure; raises PermissionDenied when the user may not analyse an area."""
    question = Question(
        area_id=area_id,
        category_ids=tuple(category_ids),
        start=start,
        end=end,
        comparison_area_id=comparison_area_id,
        buffer_area_id=buffer_area_id,
        window_days=window_days,
        chosen_after_peak=chosen_after_peak,
    )
    [result] = evaluate_many(user, [question], today=today)
    if isinstance(result, Exception):
        raise result
    return result


Result = Evaluation | PermissionDenied | EvaluationError


def evaluate_many(user: AnyUser, questions: Sequence[Question], *, today: dt.date) -> list[Result]:
    """The evaluation of each question, or what stops it: PermissionDenied when the user may
    not analyse one of its areas, EvaluationError when there are no windows to compare.

    Five queries however many the questions (a list of measures evaluates each one); see
    ``trygg.analysis.stored``.
    """
    evaluations = Evaluations(user, questions, today=today)
    ask(user, evaluations)
    return evaluations.results


class Evaluations:
    """Many evaluations, asked through ``trygg.analysis.stored.ask`` (perhaps beside other
    questions, e.g. a measure list's indicators); ``results`` after the asking."""

    def __init__(self, user: AnyUser, questions: Sequence[Question], *, today: dt.date) -> None:
        self.questions = questions
        self.today = today
        self.results: list[Result] = [PermissionDenied() for _question in questions]
        self.asked = [i for i, q in enumerate(questions) if may_analyse(user, q.area_ids)]
        self.area_ids = [a for i in self.asked for a in questions[i].area_ids]
        self.category_ids = [c for i in self.asked for c in questions[i].category_ids]
        self.every_category = any(not questions[i].category_ids for i in self.asked)
        self._windows: dict[int, tuple[Period, Period, bool]] = {}

    def windows(self, batch: Batch, ranges: Ranges) -> list[Period]:
        for i in self.asked:
            question = self.questions[i]
            first_data, last_data = ranges.data_range(
                batch.areas(question.area_ids), batch.categories(question.category_ids)
            )
            try:
                self._windows[i] = windows(
                    question.start,
                    end=question.end,
                    today=self.today,
                    first_data=first_data,
                    last_data=last_data,
                    window_days=question.window_days,
                )
            except EvaluationError as error:
                self.results[i] = error
        return [
            window for before, after, _s in self._windows.values() for window in (before, after)
        ]

    def answer(self, batch: Batch, counts: WindowCounts) -> None:
        for i, (before, after, shortened) in self._windows.items():
            question = self.questions[i]
            categories = batch.categories(question.category_ids)
            by_area = {
                area_id: Counts(
                    counts.count(batch.areas([area_id]), categories, before),
                    counts.count(batch.areas([area_id]), categories, after),
                )
                for area_id in question.area_ids
            }
            self.results[i] = _evaluation(question, before, after, shortened, by_area)


def _evaluation(
    question: Question,
    before: Period,
    after: Period,
    shortened: bool,
    by_area: dict[int, Counts],
) -> Evaluation:
    """The statistics of the counts in the windows, with the caveats."""
    treated = by_area[question.area_id]
    comparison = by_area[question.comparison_area_id] if question.comparison_area_id else None
    buffer = by_area[question.buffer_area_id] if question.buffer_area_id else None
    rate = rate_ratio_before_after(
        treated.before,
        treated.after,
        comparison.before if comparison else None,
        comparison.after if comparison else None,
        exposure_before=before.days,
        exposure_after=after.days,
    )
    wdd = wdq = None
    if comparison is not None:
        wdd = weighted_displacement_difference(
            treated.before, treated.after, comparison.before, comparison.after
        )
        if buffer is not None:
            wdq = weighted_displacement_quotient(
                treated.before,
                treated.after,
                comparison.before,
                comparison.after,
                buffer.before,
                buffer.after,
            )
    evaluation = Evaluation(
        before=before,
        after=after,
        treated=treated,
        comparison=comparison,
        buffer=buffer,
        rate=rate,
        wdd=wdd,
        wdq=wdq,
        shortened=shortened,
        chosen_after_peak=question.chosen_after_peak,
    )
    evaluation.caveats.extend(caveats(evaluation))
    return evaluation


@dataclass(frozen=True)
class WeeklySeries:
    """Incidents per week around the start, in each evaluated area (None: no such area)."""

    start: dt.date
    weeks: tuple[Period, ...]
    treated: tuple[int, ...]
    comparison: tuple[int, ...] | None
    buffer: tuple[int, ...] | None

    @property
    def treated_mean_before(self) -> float:
        """The treated area's mean per week before the start (the first half of the weeks)."""
        half = self.treated[: len(self.weeks) // 2]
        return sum(half) / len(half)

    @property
    def treated_mean_after(self) -> float:
        half = self.treated[len(self.weeks) // 2 :]
        return sum(half) / len(half)


def week_bins(before: Period, after: Period) -> list[Period]:
    """Seven-day bins counted back and forward from the start, so that the start falls on a
    bin's edge; only whole weeks inside the two windows (a leftover of up to six days at each
    outer end is left out)."""
    weeks = min(before.days, after.days) // 7
    start = after.start
    return [
        Period(
            start + dt.timedelta(days=7 * k),
            start + dt.timedelta(days=7 * k + 6),
            PeriodKind.RANGE,
        )
        for k in range(-weeks, weeks)
    ]


def weekly_series(
    user: AnyUser,
    evaluation: Evaluation,
    *,
    area_id: int,
    category_ids: Sequence[int],
    comparison_area_id: int | None = None,
    buffer_area_id: int | None = None,
) -> WeeklySeries | None:
    """The weekly counts behind an evaluation, for its chart; None when the windows are
    shorter than a week."""
    weeks = week_bins(evaluation.before, evaluation.after)
    if not weeks:
        return None
    areas = [a for a in (area_id, comparison_area_id, buffer_area_id) if a is not None]
    by_area = _counts_by_area(user, areas, category_ids, weeks)
    return WeeklySeries(
        start=evaluation.after.start,
        weeks=tuple(weeks),
        treated=by_area[area_id],
        comparison=by_area[comparison_area_id] if comparison_area_id else None,
        buffer=by_area[buffer_area_id] if buffer_area_id else None,
    )


def caveats(evaluation: Evaluation) -> list[str]:
    """What the reader must keep in mind, in plain Swedish (via the catalogue)."""
    found = []
    if evaluation.after.days < SHORT_WINDOW_DAYS:
        found.append(
            _(
                "The windows are short (%(days)s days each); seasons and chance weigh heavily. "
                "Evaluate again when the measure has run longer."
            )
            % {"days": evaluation.after.days}
        )
    if evaluation.shortened:
        found.append(
            _(
                "The windows were shortened to %(days)s days each because the data does not "
                "reach further."
            )
            % {"days": evaluation.after.days}
        )
    counts = [evaluation.treated.before, evaluation.treated.after]
    if min(counts) < SMALL_COUNT:
        found.append(
            _(
                "The counts are small; a few incidents more or less change the result a lot, "
                "and the interval is wide."
            )
        )
    if evaluation.comparison is None:
        found.append(
            _(
                "There is no comparison area, so a change that happened everywhere (a trend, "
                "a season, a change in how incidents are reported) looks like an effect."
            )
        )
    if evaluation.chosen_after_peak:
        found.append(
            _(
                "The place was chosen because problems had peaked there. Counts often fall "
                "back after a peak by themselves (regression to the mean), so part of the "
                "drop may have come anyway."
            )
        )
    return found


def _percent(value: float | None) -> str:
    return "–" if value is None else number_format(abs(value), 0)


def statement(evaluation: Evaluation) -> str:
    """What the evaluation shows, in one plain paragraph."""
    rate, t = evaluation.rate, evaluation.treated
    parts = [
        _(
            "In the treated area %(before)s incidents were recorded in the %(days)s days before "
            "the start and %(after)s in the %(days)s days after."
        )
        % {"before": t.before, "after": t.after, "days": evaluation.after.days}
    ]
    if rate.rate_ratio is None:
        parts.append(_("There are too few incidents to compute a change."))
        return " ".join(parts)
    values = {"percent": _percent(rate.effect_percent)}
    fewer = rate.effect_percent is not None and rate.effect_percent < 0
    if evaluation.comparison is None:
        text = _("That is %(percent)s %% fewer.") if fewer else _("That is %(percent)s %% more.")
    elif fewer:
        text = _("That is %(percent)s %% fewer than the comparison area suggests.")
    else:
        text = _("That is %(percent)s %% more than the comparison area suggests.")
    parts.append(text % values)
    if rate.ci_low is not None and rate.ci_high is not None:
        parts.append(
            _("The 95 %% interval of the rate ratio is %(low)s–%(high)s.")
            % {"low": number_format(rate.ci_low, 2), "high": number_format(rate.ci_high, 2)}
        )
    if evaluation.significant:
        parts.append(_("The change is larger than chance alone would explain."))
    else:
        parts.append(_("The change is within what chance alone could explain."))
    wdq = evaluation.wdq
    if wdq is not None and wdq.interpretation in DISPLACEMENT_TEXT:
        parts.append(str(DISPLACEMENT_TEXT[wdq.interpretation]))
    return " ".join(parts)


DISPLACEMENT_TEXT = {
    WDQInterpretation.DIFFUSION_EXCEEDS_EFFECT: gettext_lazy(
        "The buffer area improved even more than the treated area (diffusion of benefits)."
    ),
    WDQInterpretation.DIFFUSION: gettext_lazy(
        "The buffer area improved too: the benefits spread rather than the problems moving."
    ),
    WDQInterpretation.NO_DISPLACEMENT: gettext_lazy(
        "There is no sign that the problems moved next door."
    ),
    WDQInterpretation.DISPLACEMENT: gettext_lazy(
        "Some problems seem to have moved to the buffer area, fewer than were prevented."
    ),
    WDQInterpretation.DISPLACEMENT_ERASES_EFFECT: gettext_lazy(
        "As many problems or more seem to have moved to the buffer area as were prevented."
    ),
}
