"""A report as it is read: sections of blocks with their HTML, paragraphs, tables and charts.

The page, the DOCX, the PPTX and the PDF all render this one structure, so they tell the same
story. Figures come frozen for an approved version and live for a draft (see
``figures.block_figure``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from trygg.analysis.charts import render
from trygg.reports.actions import SECTION_ORDER, ordered_blocks
from trygg.reports.figures import block_figure, cell_text, chart_figure, chart_notes
from trygg.reports.markup import Paragraph, paragraphs, render_markdown
from trygg.reports.models import ReportBlock, Section, SituationReport

# An export's progress: called with (steps done, steps in all) as each block is rendered.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Cell:
    """A table cell as shown: its text, whether it is a number, and a traffic light or "" (its
    value in ``trygg.lib.lights``)."""

    text: str
    numeric: bool = False
    status: str = ""


@dataclass
class BlockView:
    block: ReportBlock
    figure: dict[str, Any] | None
    error: str | None

    @property
    def title(self) -> str:
        return self.block.title or str(self.block.get_kind_display())

    @cached_property
    def html(self) -> SafeString:
        return render_markdown(self.block.text)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        return paragraphs(self.block.text)

    @property
    def headers(self) -> list[str]:
        return [str(h) for h in self.figure["headers"]] if self.figure else []

    @cached_property
    def rows(self) -> list[list[str]]:
        """Table cells as Swedish text; numeric cells are marked by ``numeric_columns``."""
        return [[cell_text(c) for c in row] for row in self.figure["rows"]] if self.figure else []

    @cached_property
    def numeric_columns(self) -> set[int]:
        if not self.figure:
            return set()
        return {
            i
            for row in self.figure["rows"]
            for i, c in enumerate(row)
            if isinstance(c, int | float) and not isinstance(c, bool)
        }

    @cached_property
    def statuses(self) -> list[str]:
        """The traffic light of each row (a measures block), else empty."""
        return list(self.figure.get("statuses") or []) if self.figure else []

    @property
    def status_column(self) -> int | None:
        return self.figure.get("status_column") if self.figure and self.statuses else None

    @cached_property
    def cells(self) -> list[list[Cell]]:
        """The rows as cells for the page and the PDF: numbers marked, lights coloured."""
        numeric = self.numeric_columns
        status_column = self.status_column
        statuses = self.statuses
        return [
            [
                Cell(
                    text,
                    i in numeric,
                    statuses[r] if i == status_column and r < len(statuses) else "",
                )
                for i, text in enumerate(row)
            ]
            for r, row in enumerate(self.rows)
        ]

    @cached_property
    def groups(self) -> list[tuple[str, list[list[Cell]]]]:
        """A measures block's rows under their priority (the first column), in order."""
        found: list[tuple[str, list[list[Cell]]]] = []
        for row in self.cells:
            if not found or found[-1][0] != row[0].text:
                found.append((row[0].text, []))
            found[-1][1].append(row[1:])
        return found

    @property
    def note(self) -> str:
        return self.figure.get("note", "") if self.figure else ""

    @property
    def has_chart(self) -> bool:
        return bool(
            self.figure and self.figure.get("chart") and self.figure["chart"].get("labels", True)
        )

    @cached_property
    def svg(self) -> SafeString:
        figure = chart_figure(self.figure.get("chart")) if self.figure else None
        return mark_safe(render(figure, "svg")) if figure else mark_safe("")  # our own SVG

    @cached_property
    def png(self) -> bytes | None:
        figure = chart_figure(self.figure.get("chart")) if self.figure else None
        return render(figure, "png") if figure else None

    @cached_property
    def png_data_uri(self) -> str:
        png = self.png
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""

    @property
    def notes(self) -> str:
        return chart_notes(self.figure) if self.figure else ""


@dataclass
class SectionView:
    key: str
    label: str
    blocks: list[BlockView] = field(default_factory=list)


@dataclass
class DocumentView:
    report: SituationReport
    sections: list[SectionView]

    @property
    def blocks(self) -> list[BlockView]:
        return [b for s in self.sections for b in s.blocks]

    @property
    def period_line(self) -> str:
        return _("Period: %(first)s – %(last)s") % {
            "first": date_format(self.report.period_start, "j F Y"),
            "last": date_format(self.report.period_end, "j F Y"),
        }

    @property
    def status_line(self) -> str:
        report = self.report
        if report.approved_at:
            return _("Approved by %(body)s on %(day)s") % {
                "body": report.approved_body,
                "day": date_format(report.approved_at, "j F Y"),
            }
        return _("%(status)s – figures are computed from the current data") % {
            "status": report.get_status_display().capitalize()
        }


SECTION_NUMBERS = {Section.KARTLAGGNING: 1, Section.ANNAN_INFORMATION: 2, Section.ANALYS: 3}


def document(report: SituationReport) -> DocumentView:
    """The report as every reader reads it: figures frozen or computed in its own scope."""
    blocks = ordered_blocks(report)
    sections = []
    for section in SECTION_ORDER:
        view = SectionView(section.value, f"{SECTION_NUMBERS[section]}. {section.label}")
        for block in blocks:
            if block.section == section:
                block.report = report  # one report object for all blocks
                view.blocks.append(BlockView(block, *block_figure(block)))
        sections.append(view)
    return DocumentView(report, sections)
