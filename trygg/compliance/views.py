"""The checklist page: the law's duties for an area, computed live."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
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
    date_error = ""
    try:
        area, day = selection(request.user, request.GET)
    except BadSelection:
        # The only value selection refuses so is ?datum=: the normal page as of today, with
        # the error at the date field and the answer a 400.
        query = request.GET.copy()
        query.pop("datum", None)
        area, day = selection(request.user, query)
        date_error = _("Enter a real date (YYYY-MM-DD).")
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
            "date_error": date_error,
            "bad_date": request.GET.get("datum", "") if date_error else "",
        },
        status=400 if date_error else 200,
    )
