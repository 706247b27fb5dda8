"""Links to a record's documents in API answers: ``exports: {"docx": URL, "pdf": URL}``.

The links are absolute and work with the same token as the API (see
``trygg.front.decorators.download``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

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
