"""The åtgärdsplan to download as DOCX or PDF (Brå's table), for whoever may read the plan page;
API clients fetch the same links with their token."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation

from trygg.lib.documents import attachment
from trygg.lib.web import download
from trygg.plans.exports import RENDERERS, plan_document
from trygg.plans.models import ActionPlan
from trygg.plans.permissions import check_plan


@download
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in RENDERERS:
        raise Http404
    plan = get_object_or_404(ActionPlan.objects.select_related("area", "situation_report"), pk=pk)
    check_plan(request.user, plan)
    with translation.override(settings.LANGUAGE_CODE):  # Swedish documents, whatever the UI
        content = RENDERERS[fmt](plan_document(plan, request.user))
    return attachment(content, fmt, plan.title, "atgardsplan")
