"""The lägesbild as an A4 PDF, printed by WeasyPrint from an HTML template."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from trygg.reports.content import DocumentView


def render(doc: DocumentView) -> bytes:
    from weasyprint import HTML  # needs Pango; imported late so the rest works without it

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("reports/print.html", {"doc": doc})
    return HTML(string=html).write_pdf()
