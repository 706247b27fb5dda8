"""Rates against peers: an area's incidents per 100,000 inhabitants and year beside those of
its comparison group, its county and the country, each difference tested.

The comparison covers the period the changes table looks at (``changes.current_window``). A
rate is a count over person-years: the population of each calendar year the period touches
(``places.Population``, nearest year when one is missing; ``Area.population`` when an area
has no rows) times the share of that year inside the period, summed.

Where the counts come from — one source per row, so that both sides of a test are counted
the same way:

1. **Trygg's incidents**, when the user may analyse every area in the row (the area and the
   comparator's areas) and each of them holds at least one counted incident in the period:
   an installation that covers those areas (a region's municipalities all in one Trygg).
2. Otherwise **official statistics**: the first count series (unit *antal*, e.g. the police's
   reported crimes imported with ``trygg import-statistics``) that has a figure for exactly
   the period for the area and for the comparator (its total, or the chosen categories).
   Published figures of other municipalities, counties and the country are public, so they
   are read whatever the user's areas; users who may not see official statistics at all
   (reporters, council members) get Trygg's counts only.
3. Otherwise the row says that there is nothing to compare with.

The test compares the area with the *rest* of the comparator (the comparator less the area,
when the area is part of it), because the exact conditional test of two Poisson rates
(``lib.stats.poisson_exact_tests``, exposures the person-years) needs two separate counts;
the rate shown for the comparator is the whole comparator's. The area is above the whole
exactly when it is above the rest, so the verdict's direction is the same.

The subject is the chosen area when it names a comparison group or is a municipality, county
or country; a district or neighbourhood is compared through its municipality.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser
from trygg.analysis.changes import DEFAULT_ALPHA, Window, current_window
from trygg.analysis.counts import count_incidents
from trygg.analysis.selection import Group, Selection, analysable_area_ids
from trygg.lib.stats import poisson_exact_tests
from trygg.lib.tree import Tree
from trygg.places.models import Area, AreaKind, AreaTree, Population
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit
from trygg.statistics.permissions import can_view_statistics

PER = 100_000
TRYGG = "trygg"
STATISTICS = "statistics"
GROUP, COUNTY, COUNTRY = "group", "county", "country"
COUNTRY_CODE = "00"


@dataclass(frozen=True)
class Figure:
    """A count over person-years for one side of a row."""

    name: str
    count: int
    person_years: float
    population_years: tuple[int, ...] = ()

    @property
    def rate(self) -> float | None:
        """Per 100,000 inhabitants and year."""
        return self.count / self.person_years * PER if self.person_years > 0 else None

    @property
    def rate_shown(self) -> float | int | None:
        """The rate as a table shows it: whole numbers from 100, else one decimal."""
        rate = self.rate
        if rate is None:
            return None
        return round(rate) if rate >= 100 else round(rate, 1)


@dataclass(frozen=True)
class Comparison:
    kind: str  # GROUP, COUNTY or COUNTRY
    name: str  # the comparator's name ("Storstäder", "Stockholms län", "Riket")
    source: str | None = None  # TRYGG or STATISTICS; None when there is nothing to compare
    source_label: str = ""
    is_demo: bool = False
    subject: Figure | None = None
    comparator: Figure | None = None
    rest: Figure | None = None  # what the subject was tested against
    rate_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    significant: bool = False
    left_out: tuple[str, ...] = ()  # group members without figures, not counted
    note: str = ""

    @property
    def direction(self) -> str:
        if not self.significant or self.subject is None or self.rest is None:
            return "none"
        subject, rest = self.subject.rate or 0, self.rest.rate or 0
        return "higher" if subject > rest else "lower"

    @property
    def verdict(self) -> str:
        if self.p_value is None:
            return ""
        verdicts = {
            (GROUP, "higher"): _("higher than the group, statistically supported"),
            (GROUP, "lower"): _("lower than the group, statistically supported"),
            (COUNTY, "higher"): _("higher than the county, statistically supported"),
            (COUNTY, "lower"): _("lower than the county, statistically supported"),
            (COUNTRY, "higher"): _("higher than the country, statistically supported"),
            (COUNTRY, "lower"): _("lower than the country, statistically supported"),
        }
        return verdicts.get((self.kind, self.direction), _("no supported difference"))


@dataclass(frozen=True)
class Subject:
    area_id: int
    name: str
    chosen_id: int
    chosen_name: str
    group_name: str | None
    rows: tuple[Comparison, ...]

    @property
    def population_years(self) -> tuple[int, ...]:
        """The years whose population the rates of the rows used."""
        years = {
            y for row in self.rows for f in (row.subject, row.rest) if f for y in f.population_years
        }
        return tuple(sorted(years))

    @property
    def through_municipality(self) -> bool:
        return self.area_id != self.chosen_id


@dataclass(frozen=True)
class RatesResult:
    window: Window
    alpha: float
    subjects: tuple[Subject, ...] = field(default=())


# -- person-years --------------------------------------------------------------------------


def _years(start: date, end: date) -> list[tuple[int, float]]:
    """(calendar year, share of that year inside [start, end]) for each year it touches."""
    shares = []
    for year in range(start.year, end.year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        length = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        shares.append((year, ((last - first).days + 1) / length))
    return shares


class Populations:
    """Population per area and year, read once for the areas of a comparison."""

    def __init__(self, area_ids: Iterable[int]) -> None:
        ids = set(area_ids)
        self.by_area: dict[int, dict[int, int]] = {}
        for area_id, year, population in Population.objects.filter(area__in=ids).values_list(
            "area_id", "year", "population"
        ):
            self.by_area.setdefault(area_id, {})[year] = population
        # Areas without population rows: their latest figure, for its year.
        for pk, latest, latest_year in Area.objects.filter(
            pk__in=ids - set(self.by_area), population__isnull=False
        ).values_list("id", "population", "population_year"):
            if latest:
                self.by_area[pk] = {int(latest_year or date.today().year): int(latest)}

    def person_years(self, area_id: int, start: date, end: date) -> tuple[float, tuple[int, ...]]:
        """Person-years of the area over [start, end] and the population years used; (0, ())
        when its population is unknown. A year without a figure takes the nearest year's."""
        known = self.by_area.get(area_id)
        if not known:
            return 0.0, ()
        total, used = 0.0, []
        for year, share in _years(start, end):
            nearest = min(known, key=lambda y: (abs(y - year), -y))
            total += known[nearest] * share
            used.append(nearest)
        return total, tuple(sorted(set(used)))


# -- which areas ---------------------------------------------------------------------------


def subject_area(area: Area, tree: Tree, areas: dict[int, Area]) -> Area:
    """The area itself when it names a group or is a municipality, county or country; else
    its municipality (nearest ancestor of kind kommun), else itself."""
    if area.comparison_group_id or area.kind in (AreaKind.KOMMUN, AreaKind.LAN, AreaKind.LAND):
        return area
    for ancestor in tree.ancestors(area.pk):
        if areas[ancestor].kind == AreaKind.KOMMUN:
            return areas[ancestor]
    return area


def _region_code(area: Area, tree: Tree, areas: dict[int, Area]) -> str:
    """The official code of the area or of its nearest ancestor that has one."""
    for pk in (area.pk, *tree.ancestors(area.pk)):
        if areas[pk].code:
            return areas[pk].code.strip()
    return ""


def county_of(area: Area, tree: Tree, areas: dict[int, Area]) -> Area | None:
    """The county whose code starts the area's code (0180… → 01), or an ancestor county."""
    for ancestor in tree.ancestors(area.pk):
        if areas[ancestor].kind == AreaKind.LAN:
            return areas[ancestor]
    code = _region_code(area, tree, areas)
    if len(code) < 4 or area.kind in (AreaKind.LAN, AreaKind.LAND):
        return None
    counties = [a for a in areas.values() if a.kind == AreaKind.LAN and a.code == code[:2]]
    return counties[0] if counties else None


def country_of(area: Area, areas: dict[int, Area]) -> Area | None:
    if area.kind == AreaKind.LAND:
        return None
    countries = sorted(
        (a for a in areas.values() if a.kind == AreaKind.LAND),
        key=lambda a: (a.code != COUNTRY_CODE, a.name),
    )
    return countries[0] if countries else None


# -- counts --------------------------------------------------------------------------------


class _TryggCounts:
    """Counted incidents per area (with its sub-areas) in the window, for the user's areas."""

    def __init__(self, selection: Selection, window: Window, tree: Tree, user: AnyUser) -> None:
        self.selection, self.window, self.tree = selection, window, tree
        self.allowed = analysable_area_ids(user)
        self._counts: dict[int, int] = {}

    def counts(self, areas: Sequence[Area]) -> dict[int, int] | None:
        """Each area's count, or None when the user may not analyse one of them or one holds
        no incident in the window (the installation does not cover it)."""
        if any(a.pk not in self.allowed for a in areas):
            return None
        missing = [a for a in areas if a.pk not in self._counts]
        if missing:
            groups = tuple(
                Group(a.pk, a.name, frozenset(self.tree.descendants(a.pk) & self.allowed))
                for a in missing
            )
            result = count_incidents(
                replace(self.selection, areas=groups), ("area",), periods=[self.window.span]
            )
            for row in result.rows:
                assert row.area is not None  # counted by area
                self._counts[row.area.id] = int(row.count)
        found = {a.pk: self._counts.get(a.pk, 0) for a in areas}
        return found if all(found.values()) else None


class _StatisticsCounts:
    """Official count series' figures for exactly the window's period."""

    def __init__(self, selection: Selection, window: Window, user: AnyUser) -> None:
        self.series: list[StatisticSeries] = []
        self.values: dict[int, dict[int, Decimal]] = {}  # series → area → summed value
        if window.partial or not can_view_statistics(user):
            return
        chosen = [g.id for g in selection.categories] if selection.categories_chosen else []
        values = StatisticValue.objects.filter(
            series__unit=Unit.ANTAL,
            period_start=window.start,
            period_end=window.end,
        ).select_related("series")
        if chosen:
            values = values.filter(
                Q(category__in=chosen)
                | Q(category__isnull=True, series__default_category__in=chosen)
            )
        else:
            values = values.filter(category__isnull=True, series__default_category__isnull=True)
        found: dict[tuple[int, int], set[int | None]] = {}
        for value in values:
            category = value.category_id or value.series.default_category_id
            series = self.values.setdefault(value.series_id, {})
            series[value.area_id] = series.get(value.area_id, Decimal(0)) + value.value
            found.setdefault((value.series_id, value.area_id), set()).add(category)
            if value.series not in self.series:
                self.series.append(value.series)
        # An area counts only when it has a figure for every chosen category.
        for (series_id, area_id), categories in found.items():
            if chosen and len(categories) < len(chosen):
                del self.values[series_id][area_id]
        self.series.sort(key=lambda s: s.name.casefold())

    def counts(
        self, subject: Area, areas: Sequence[Area], *, all_needed: bool
    ) -> tuple[StatisticSeries, dict[int, int]] | None:
        """The first series with figures for the subject and the areas (or, ``all_needed``
        false, for the subject and at least one of them)."""
        for series in self.series:
            figures = self.values.get(series.pk, {})
            if subject.pk not in figures:
                continue
            have = {a.pk: int(figures[a.pk]) for a in areas if a.pk in figures}
            if (len(have) == len(areas)) if all_needed else have:
                return series, {subject.pk: int(figures[subject.pk]), **have}
        return None


# -- the comparison ------------------------------------------------------------------------


def _figure(
    name: str, pks: Sequence[int], counts: dict[int, int], populations: Populations, w: Window
) -> Figure:
    count, person_years = 0, 0.0
    years: set[int] = set()
    for pk in pks:
        py, used = populations.person_years(pk, w.start, w.end)
        count += counts[pk]
        person_years += py
        years.update(used)
    return Figure(name, count, person_years, tuple(sorted(years)))


def _row(
    kind: str,
    name: str,
    subject: Area,
    members: Sequence[Area],
    contains_subject: dict[str, bool],
    trygg: _TryggCounts,
    official: _StatisticsCounts,
    populations: Populations,
    window: Window,
    alpha: float,
) -> Comparison:
    with_population = [a for a in members if a.pk in populations.by_area]
    if subject.pk not in populations.by_area:
        return Comparison(kind, name, note=_("The area's population is not known."))
    left_out = [a.name for a in members if a.pk not in populations.by_area]
    candidates = [a for a in with_population if a.pk != subject.pk]
    needed = [subject, *candidates]
    source, label, is_demo = None, "", False
    counts = trygg.counts(needed)
    used = candidates
    if counts is not None:
        source, label, contains = TRYGG, _("Incidents reported in Trygg"), contains_subject[TRYGG]
    else:
        found = official.counts(subject, candidates, all_needed=kind != GROUP)
        if found is not None:
            series, counts = found
            source, is_demo = STATISTICS, series.is_demo
            label = f"{series.name} ({series.source})" if series.source else series.name
            contains = contains_subject[STATISTICS]
            used = [a for a in candidates if a.pk in counts]
            left_out += [a.name for a in candidates if a.pk not in counts]
    if source is None or counts is None or not used:
        return Comparison(
            kind,
            name,
            note=_(
                "No counts for this comparison in the period, neither in Trygg nor in "
                "official statistics."
            ),
        )
    subject_figure = _figure(subject.name, [subject.pk], counts, populations, window)
    member_pks = [a.pk for a in used]
    if contains and kind == GROUP:  # the group's members include the subject
        whole = _figure(name, [subject.pk, *member_pks], counts, populations, window)
        rest = _figure(name, member_pks, counts, populations, window)
    elif contains:  # a county's or the country's own figure includes the subject's
        whole = _figure(name, member_pks, counts, populations, window)
        rest = Figure(
            name,
            whole.count - subject_figure.count,
            whole.person_years - subject_figure.person_years,
            whole.population_years,
        )
    else:
        whole = rest = _figure(name, member_pks, counts, populations, window)
    base = Comparison(
        kind,
        name,
        source,
        label,
        is_demo,
        subject_figure,
        whole,
        rest,
        left_out=tuple(sorted(set(left_out))),
    )
    if rest.count < 0 or rest.person_years <= 0 or subject_figure.person_years <= 0:
        return replace(base, note=_("The comparator is no larger than the area; nothing to test."))
    tests = poisson_exact_tests(
        subject_figure.count, subject_figure.person_years, rest.count, rest.person_years
    )
    p_value = float(tests.p_value)
    return replace(
        base,
        rate_ratio=_finite(tests.rate_ratio),
        ci_low=_finite(tests.ci_low),
        ci_high=_finite(tests.ci_high),
        p_value=p_value,
        significant=p_value < alpha,
    )


def _finite(value: np.ndarray | float) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def compare_rates(
    selection: Selection, user: AnyUser, *, alpha: float = DEFAULT_ALPHA
) -> RatesResult | None:
    """Each chosen area (or its municipality) against its group, county and country."""
    window = current_window(selection)
    if window is None:
        return None
    tree = AreaTree.load()
    areas = {a.pk: a for a in Area.objects.select_related("comparison_group")}
    trygg = _TryggCounts(selection, window, tree, user)
    official = _StatisticsCounts(selection, window, user)
    subjects: list[Subject] = []
    seen: set[int] = set()
    for chosen in selection.areas:
        subject = subject_area(areas[chosen.id], tree, areas)
        if subject.pk in seen:
            continue
        seen.add(subject.pk)
        plan: list[tuple[str, str, list[Area], dict[str, bool]]] = []
        group = subject.comparison_group
        if group is not None:
            members = [areas[pk] for pk in group.members.values_list("pk", flat=True)]
            inside = any(m.pk == subject.pk for m in members)
            plan.append((GROUP, group.name, members, {TRYGG: inside, STATISTICS: inside}))
        for kind, comparator in (
            (COUNTY, county_of(subject, tree, areas)),
            (COUNTRY, country_of(subject, areas)),
        ):
            if comparator is not None:
                in_tree = comparator.pk in tree.ancestors(subject.pk)
                plan.append(
                    (kind, comparator.name, [comparator], {TRYGG: in_tree, STATISTICS: True})
                )
        populations = Populations(
            {subject.pk, *(a.pk for _k, _n, members, _c in plan for a in members)}
        )
        rows = tuple(
            _row(
                kind, name, subject, members, contains, trygg, official, populations, window, alpha
            )
            for kind, name, members, contains in plan
        )
        subjects.append(
            Subject(
                subject.pk,
                subject.name,
                chosen.id,
                chosen.name,
                group.name if group else None,
                rows,
            )
        )
    return RatesResult(window, alpha, tuple(subjects))


# -- as data -------------------------------------------------------------------------------


def _figure_dict(figure: Figure | None) -> dict[str, object] | None:
    if figure is None:
        return None
    rate = figure.rate
    return {
        "name": figure.name,
        "count": figure.count,
        "person_years": round(figure.person_years, 1),
        "rate_per_100000": round(rate, 2) if rate is not None else None,
        "population_years": list(figure.population_years),
    }


def rate_dicts(result: RatesResult) -> dict[str, object]:
    """The comparison as the API answers it."""
    window = result.window
    return {
        "period": {
            "period": window.period.key,
            "label": window.label,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "partial": window.partial,
        },
        "alpha": result.alpha,
        "subjects": [
            {
                "area": subject.area_id,
                "area_name": subject.name,
                "chosen_area": subject.chosen_id,
                "chosen_area_name": subject.chosen_name,
                "comparison_group": subject.group_name,
                "rows": [
                    {
                        "comparison": row.kind,
                        "name": row.name,
                        "source": row.source,
                        "source_label": row.source_label,
                        "is_demo": row.is_demo,
                        "area_figure": _figure_dict(row.subject),
                        "comparison_figure": _figure_dict(row.comparator),
                        "tested_against": _figure_dict(row.rest),
                        "rate_ratio": _rounded(row.rate_ratio),
                        "ci_low": _rounded(row.ci_low),
                        "ci_high": _rounded(row.ci_high),
                        "p_value": row.p_value,
                        "significant": row.significant,
                        "direction": row.direction,
                        "verdict": row.verdict,
                        "left_out": list(row.left_out),
                        "note": row.note,
                    }
                    for row in subject.rows
                ],
            }
            for subject in result.subjects
        ],
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None
