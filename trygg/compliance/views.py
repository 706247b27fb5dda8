"""The checklist page: the law's duties for an area, computed live."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.collaboration.permissions import can_collaborate
from trygg.compliance.duties import Status, checklist
from trygg.compliance.permissions import checklist_areas
from trygg.compliance.selection import BadSelection, selection
from trygg.lib.web import page


@page("collaboration")
def checklist_page(request: HttpRequest) -> HttpResponse:
    if not can_collaborate(request.user):
        raise PermissionDenied
    try:
        area, day = selection(request.user, request.GET)
    except BadSelection as error:
        return HttpResponseBadRequest(_("Bad value for %(name)s.") % {"name": str(error)})
    duties = checklist(area, day)
    counts = {status: sum(1 for d in duties if d.status is status) for status in Status}
    return render(
        request,
        "compliance/checklist.html",
        {
            "area": area,
            "day": day,
            "is_today": day == timezone.localdate(),
            "duties": duties,
            "counts": [(status, counts[status]) for status in Status],
            "areas": checklist_areas(request.user).order_by("name"),
            "months": settings.TRYGG_LAGESBILD_REVIEW_MONTHS,
            "years": settings.TRYGG_AGREEMENT_REVIEW_YEARS,
        },
    )
