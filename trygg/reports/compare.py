"""What changed between two versions of a lägesbild: text line by line, figures cell by cell.

Blocks are matched across versions by their lineage (a new version copies it), so a moved or
retitled block is still "the same block". Figures are compared on their frozen values, or live
for a draft that has none yet.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from trygg.reports.actions import ordered_blocks
from trygg.reports.figures import block_figure, cell_text
from trygg.reports.models import ReportBlock, SituationReport


@dataclass(frozen=True)
class CellChange:
    row: str
    column: str
    old: str
    new: str


@dataclass
class BlockDiff:
    title: str
    change: str  # "same", "changed", "added", "removed"
    text: list[tuple[str, str]] = field(default_factory=list)  # ("+" | "-" | " ", line)
    cells: list[CellChange] = field(default_factory=list)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The lines of both texts, marked "+" (new), "-" (removed) or " " (kept)."""
    lines = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        if line.startswith("? "):
            continue
        lines.append((line[0], line[2:]))
    return lines


def _row_key(row: list[Any], key_columns: int | None = None) -> str:
    """A row is named by its text cells (category, period…), not by position; a figure whose
    text cells change (a measure's status) names its rows by its first ``key_columns``."""
    if key_columns:
        return " · ".join(str(c) for c in row[:key_columns])
    labels = [str(c) for c in row if isinstance(c, str)]
    return " · ".join(labels) if labels else str(row[0])


def figure_diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> BlockDiff:
    diff = BlockDiff(title="", change="same")
    if not old or not new:
        return diff
    keys = new.get("key_columns")
    old_rows = {_row_key(r, keys): r for r in old["rows"]}
    new_rows = {_row_key(r, keys): r for r in new["rows"]}
    old_columns = {str(h): i for i, h in enumerate(old["headers"])}
    for key, row in new_rows.items():
        if key not in old_rows:
            diff.rows_added.append(key)
            continue
        for j, header in enumerate(new["headers"]):
            i = old_columns.get(str(header))
            if i is None or i >= len(old_rows[key]) or j >= len(row):
                continue
            before, after = old_rows[key][i], row[j]
            if before != after:
                diff.cells.append(CellChange(key, str(header), cell_text(before), cell_text(after)))
    diff.rows_removed = [key for key in old_rows if key not in new_rows]
    return diff


def compare(old: SituationReport, new: SituationReport) -> list[BlockDiff]:
    old_blocks = {b.lineage: b for b in ordered_blocks(old)}
    result: list[BlockDiff] = []
    seen = set()
    for block in ordered_blocks(new):
        before: ReportBlock | None = old_blocks.get(block.lineage)
        if before is None:
            result.append(BlockDiff(str(block), "added", text_diff("", block.text)))
            continue
        seen.add(block.lineage)
        diff = BlockDiff(str(block), "same")
        if block.is_figure:
            figure = figure_diff(block_figure(before)[0], block_figure(block)[0])
            diff.cells, diff.rows_added, diff.rows_removed = (
                figure.cells,
                figure.rows_added,
                figure.rows_removed,
            )
        diff.text = text_diff(before.text, block.text)
        changed_text = any(op != " " for op, _line in diff.text)
        if (
            changed_text
            or diff.cells
            or diff.rows_added
            or diff.rows_removed
            or str(before) != str(block)
        ):
            diff.change = "changed"
        result.append(diff)
    for lineage, block in old_blocks.items():
        if lineage not in seen:
            result.append(BlockDiff(str(block), "removed", text_diff(block.text, "")))
    return result
