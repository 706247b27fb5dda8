"""A meeting's agenda and minutes to download as DOCX or PDF, for whoever may see the meeting
page; API clients fetch the same links with their token."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from trygg.collaboration.exports import RENDERERS, Kind, meeting_document
from trygg.collaboration.models import Meeting
from trygg.collaboration.permissions import check_meeting
from trygg.lib.documents import attachment
from trygg.lib.web import download


@download
def meeting_export(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if fmt not in RENDERERS or kind not in Kind:
        raise Http404
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    check_meeting(request.user, meeting)
    with translation.override(settings.LANGUAGE_CODE):  # Swedish documents, whatever the UI
        content = RENDERERS[fmt](meeting_document(meeting, Kind(kind)))
    started = timezone.localtime(meeting.starts_at)
    name = f"{kind}-{meeting.display_title}-{started:%Y-%m-%d}"
    return attachment(content, fmt, name, kind)
