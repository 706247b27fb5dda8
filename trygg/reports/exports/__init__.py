"""The lägesbild as files: DOCX (the formal document), PPTX (the council deck) and PDF (A4).

Each exporter renders a ``content.DocumentView`` (frozen figures for an approved version) in
Swedish and reports its progress block by block. Small exports answer the request directly;
large ones run as background jobs (``trygg.reports.jobs``). What counts as large
(``is_large``), measured on the demo lägesbild on a loaded two-core machine: a chart costs
0.15–0.25 s to draw, the rest of a DOCX or PPTX well under 0.2 s, and WeasyPrint's layout of
the PDF 1–3 s whatever the content. So a PDF is always a job, and a DOCX or PPTX is a job when
it draws more than ``TRYGG_EXPORT_DIRECT_CHARTS`` charts (default 4, about a second).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from trygg.reports.content import DocumentView, Progress
from trygg.reports.exports import docx, pdf, pptx
from trygg.reports.models import BlockKind, SituationReport

# Blocks that draw a chart (the costly part of a DOCX or PPTX).
CHART_KINDS = (BlockKind.COUNTS, BlockKind.CHANGES, BlockKind.STATISTICS, BlockKind.TIME_PATTERN)


@dataclass(frozen=True)
class Exporter:
    label: str
    content_type: str
    render: Callable[..., bytes]  # (doc, progress=None) -> bytes
    # Steps after the blocks: saving the file; for the PDF laying out the pages, then writing.
    final_steps: int = 1
    always_background: bool = False

    def steps(self, doc: DocumentView) -> int:
        return len(doc.blocks) + self.final_steps

    def export(self, doc: DocumentView, progress: Progress | None = None) -> bytes:
        return self.render(doc, progress)


EXPORTERS: dict[str, Exporter] = {
    "docx": Exporter(
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx.render,
    ),
    "pptx": Exporter(
        "PowerPoint (PPTX)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        pptx.render,
    ),
    "pdf": Exporter("PDF", "application/pdf", pdf.render, final_steps=2, always_background=True),
}


def direct_chart_limit() -> int:
    return int(getattr(settings, "TRYGG_EXPORT_DIRECT_CHARTS", 4))


def is_large(report: SituationReport, fmt: str) -> bool:
    """Whether the export runs as a background job rather than in the request."""
    if EXPORTERS[fmt].always_background:
        return True
    charts = report.blocks.filter(kind__in=CHART_KINDS).count()
    return charts > direct_chart_limit()
