"""Many count questions answered from one read: data ranges and window counts for a whole list.

A list of measures asks, for each measure's evaluation and indicator, the same two kinds of
question over different areas, categories and windows: the first and last day with counted
incidents, and the number of counted incidents in a window — whose days depend on the first
answer. :func:`ask` puts every area and category of the questions into one selection
(:class:`Batch`) and reads the incident table twice, grouped by the *stored* (most specific)
area and category: the first and last incidents, then the counts in every window the
questions need. The answer for any group of areas and categories is the sum — or the earliest
and latest — of its members' rows, as ``trygg.analysis.counts`` adds rows up the trees.
Windows may overlap, so each is counted in a column of its own. Five queries, however many
the questions.

The figures equal ``count_incidents`` and ``data_range`` over the same selection: the same
rows (counted statuses, the same area and category members), windows bounded at Stockholm
midnight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from django.db.models import Count, Max, Min, Q

from trygg.accounts.models import AnyUser
from trygg.analysis.counts import filtered_incidents, within
from trygg.analysis.selection import Selection, analysable_area_ids, build_selection, can_analyse
from trygg.lib.periods import Period, local_date

# Windows counted per query: each is one column of the answer.
WINDOWS_PER_QUERY = 250


def may_analyse(user: AnyUser, area_ids: Iterable[int]) -> bool:
    """Whether the user may see aggregates for every one of the areas (as ``build_selection``
    requires)."""
    if not can_analyse(user):
        return False
    allowed = analysable_area_ids(user)
    return all(area_id in allowed for area_id in area_ids)


@dataclass(frozen=True)
class Ranges:
    """The first and last counted incident of each stored area × category."""

    rows: dict[tuple[int, int], tuple[datetime, datetime]]

    def data_range(
        self, area_ids: set[int], category_ids: set[int] | None
    ) -> tuple[date | None, date | None]:
        """The first and last Stockholm day with a counted incident in the areas and
        categories (None: every category)."""
        found = [
            moments
            for (area_id, category_id), moments in self.rows.items()
            if area_id in area_ids and (category_ids is None or category_id in category_ids)
        ]
        if not found:
            return None, None
        return local_date(min(f for f, _l in found)), local_date(max(last for _f, last in found))


@dataclass(frozen=True)
class WindowCounts:
    """Counted incidents of each stored area × category in each window."""

    windows: dict[Period, int]  # window → its column
    rows: dict[tuple[int, int], tuple[int, ...]]

    def count(self, area_ids: set[int], category_ids: set[int] | None, window: Period) -> int:
        column = self.windows[window]
        return sum(
            counts[column]
            for (area_id, category_id), counts in self.rows.items()
            if area_id in area_ids and (category_ids is None or category_id in category_ids)
        )


class Batch:
    """The areas and categories of many questions as one selection (three queries), and the
    members of each question's areas and categories in it.

    Every area must be one the user may analyse (see :func:`may_analyse`); an unknown category
    raises ``SelectionError`` as ``build_selection`` does.
    """

    def __init__(self, user: AnyUser, area_ids: Iterable[int], category_ids: Iterable[int]) -> None:
        self.selection: Selection = build_selection(
            user,
            area_ids=sorted(set(area_ids)),
            category_ids=sorted(set(category_ids)),
        )
        self._areas = {group.id: group.members for group in self.selection.areas}
        self._categories = (
            {group.id: group.members for group in self.selection.categories}
            if self.selection.categories_chosen
            else {}
        )

    def areas(self, area_ids: Iterable[int]) -> set[int]:
        """The stored areas the given areas count: each with everything below it."""
        return set().union(*(self._areas[area_id] for area_id in area_ids))

    def categories(self, category_ids: Sequence[int]) -> set[int] | None:
        """The stored categories the given categories count; None (every category) for none."""
        if not category_ids:
            return None
        return set().union(*(self._categories[category_id] for category_id in category_ids))

    def ranges(self) -> Ranges:
        """The first and last incidents of every category in the areas, in one query."""
        selection = replace(self.selection, categories_chosen=False)
        rows = (
            filtered_incidents(selection)
            .values_list("area_id", "category_id")
            .annotate(first=Min("occurred_at"), last=Max("occurred_at"))
            .order_by()
        )
        return Ranges({(area, category): (first, last) for area, category, first, last in rows})

    def counts(self, windows: Iterable[Period], *, every_category: bool = False) -> WindowCounts:
        """Counts in every window, in one query (per ``WINDOWS_PER_QUERY`` windows)."""
        selection = self.selection
        if every_category:
            selection = replace(selection, categories_chosen=False)
        ordered = list(dict.fromkeys(windows))
        rows: dict[tuple[int, int], list[int]] = {}
        for offset in range(0, len(ordered), WINDOWS_PER_QUERY):
            chunk = ordered[offset : offset + WINDOWS_PER_QUERY]
            bounds = [window.bounds() for window in chunk]
            columns = {
                f"w{index}": Count("id", filter=Q(occurred_at__gte=low, occurred_at__lt=high))
                for index, (low, high) in enumerate(bounds)
            }
            found = (
                filtered_incidents(selection)
                .filter(within("occurred_at", bounds))
                .values_list("area_id", "category_id")
                .annotate(**columns)
                .order_by()
            )
            for area, category, *counts in found:
                row = rows.setdefault((area, category), [0] * len(ordered))
                row[offset : offset + len(chunk)] = counts
        return WindowCounts(
            {window: column for column, window in enumerate(ordered)},
            {key: tuple(counts) for key, counts in rows.items()},
        )


class Questions(Protocol):
    """Questions asked in two steps around one read of window counts (see :func:`ask`)."""

    # Every area and category of the questions the user may ask; ``every_category`` when a
    # question counts every category.
    area_ids: list[int]
    category_ids: list[int]
    every_category: bool

    def windows(self, batch: Batch, ranges: Ranges) -> Iterable[Period]:
        """The windows to count, given the data ranges."""
        ...

    def answer(self, batch: Batch, counts: WindowCounts) -> None:
        """Answer the questions from the counts."""
        ...


def ask(user: AnyUser, *questions: Questions) -> None:
    """Answer every set of questions from the same reads: the selection of all their areas
    and categories, the first and last incidents, and the counts in all their windows."""
    area_ids = [area_id for asked in questions for area_id in asked.area_ids]
    if not area_ids:
        return
    batch = Batch(user, area_ids, [c for asked in questions for c in asked.category_ids])
    ranges = batch.ranges()
    windows = [window for asked in questions for window in asked.windows(batch, ranges)]
    counts = batch.counts(windows, every_category=any(asked.every_category for asked in questions))
    for asked in questions:
        asked.answer(batch, counts)
