"""The lägesbild as an A4 PDF, printed by WeasyPrint from an HTML template."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from trygg.reports.content import DocumentView, Progress


def render(doc: DocumentView, progress: Progress | None = None) -> bytes:
    """Steps: each block's chart drawn, then the pages laid out, then the file written."""
    from weasyprint import HTML  # needs Pango; imported late so the rest works without it

    report = progress or (lambda done, total: None)
    blocks = doc.blocks
    total = len(blocks) + 2
    for done, block in enumerate(blocks, start=1):
        block.png_data_uri  # noqa: B018 – draws and keeps the chart (a cached property)
        report(done, total)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("reports/print.html", {"doc": doc})
    laid_out = HTML(string=html).render()
    report(total - 1, total)
    content = laid_out.write_pdf()
    report(total, total)
    return content
