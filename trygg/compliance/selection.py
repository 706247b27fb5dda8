"""Which area and day a checklist request asks for (``?omrade=`` and ``?datum=``)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from trygg.accounts.models import AnyUser
from trygg.compliance.permissions import check_checklist, default_area
from trygg.lib.params import Query, id_param
from trygg.places.models import Area


class BadSelection(ValueError):
    """A parameter could not be read."""


def selection(user: AnyUser, params: Query) -> tuple[Area, dt.date]:
    """The area (checked against the user's scope) and the day; Http404 without any area."""
    area_id = id_param(params, "omrade")  # BadParameter (a 400) when it is no id
    if area_id is not None:
        area = Area.objects.filter(pk=area_id).first()
        if area is None:
            raise Http404
    else:
        area = default_area(user)
        if area is None:
            raise Http404
    check_checklist(user, area)
    raw_day = (params.get("datum") or "").strip()
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else timezone.localdate()
    except ValueError:
        raise BadSelection("datum") from None
    return area, day
