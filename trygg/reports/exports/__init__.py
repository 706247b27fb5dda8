"""The lägesbild as files: DOCX (the formal document), PPTX (the council deck) and PDF (A4).

Each exporter renders a ``content.DocumentView`` (frozen figures for an approved version) in
Swedish. Exports are small enough to answer directly; large background exports through
Django's task framework are not built yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trygg.reports.content import DocumentView
from trygg.reports.exports import docx, pdf, pptx


@dataclass(frozen=True)
class Exporter:
    label: str
    content_type: str
    render: Callable[[DocumentView], bytes]


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
    "pdf": Exporter("PDF", "application/pdf", pdf.render),
}
