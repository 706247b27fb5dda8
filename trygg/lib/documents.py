"""Documents to download (DOCX and PDF): the Swedish date, the PDF printed by WeasyPrint from an
HTML template, the attachment response, and the links to a record's documents in API answers
(``exports: {"docx": URL, "pdf": URL}``, absolute, and working with the same token as the API,
see ``trygg.lib.web.download``).

The lägesbild, the åtgärdsplan and meeting agendas and minutes all render through these, so
they share fonts, page set-up and the page-number footer (``templates/print/base.html``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import slugify
from rest_framework import serializers

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def day(value: dt.date | dt.datetime | None) -> str:
    """ "13 oktober 2023" (in the active language); "–" for no date."""
    if value is None:
        return "–"
    return date_format(value, "j F Y")


def pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template printed to PDF by WeasyPrint, in the site's language."""
    from weasyprint import HTML  # needs Pango; imported late so the rest works without it

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def attachment(content: bytes, fmt: str, name: str, fallback: str) -> HttpResponse:
    """A download named after the document ("atgardsplan-2023-2024.docx")."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stem = slugify(name.replace("–", "-").replace("—", "-")) or fallback
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# What the API links to for each record with documents.
FORMATS = ("docx", "pdf")


class DocumentLinksSerializer(serializers.Serializer):
    docx = serializers.URLField(help_text="Word (DOCX).")
    pdf = serializers.URLField(help_text="PDF (A4).")


def document_links(context: dict[str, Any], url_name: str, *args: object) -> dict[str, str]:
    """Absolute URLs of the DOCX and PDF at ``url_name`` (whose last argument is the format)."""
    request = context.get("request")
    links = {}
    for fmt in FORMATS:
        path = reverse(url_name, args=[*args, fmt])
        links[fmt] = request.build_absolute_uri(path) if request else path
    return links
