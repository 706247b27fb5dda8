"""Open311 GeoReport v2 intake, so that existing reporting apps can send reports to Trygg.

Services are the active leaf categories; a service request is an incident. JSON only.
``api_key`` is a REST API token (``trygg createtoken USERNAME``) and its user is the reporter;
reading also works with a signed-in session. Reports are written through
``record_incidents`` with the source "open311", so every check of the other ways in holds.
Errors follow the specification: a list of ``{"code": …, "description": …}`` with the HTTP
status as code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from trygg.accounts.models import AnyUser
from trygg.accounts.permissions import visible_areas
from trygg.incidents.actions import IncidentDraft, IncidentsRefused, record_incidents
from trygg.incidents.models import Category, Incident, Source, Status
from trygg.incidents.permissions import can_report, visible_categories, visible_incidents

# When a search names no start date, it covers the last 90 days, as the specification says.
DEFAULT_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000
# The actions name problems with model field names; Open311 clients know their own.
PARAMETER_FOR_FIELD = {
    "category": "service_code",
    "occurred_at": "requested_datetime",
    "occurred_until": "requested_datetime",
    "latitude": "lat",
    "longitude": "long",
    "area": "address_string",
    "place": "address_string",
}
OPEN_STATUSES = {Status.NY}
CLOSED_STATUSES = {Status.GRANSKAD, Status.AVVISAD}


class Open311Error(Exception):
    def __init__(self, code: int, *descriptions: str) -> None:
        self.code = code
        self.descriptions = descriptions
        super().__init__("; ".join(descriptions))


def _errors(code: int, descriptions: tuple[str, ...] | list[str]) -> JsonResponse:
    return JsonResponse(
        [{"code": code, "description": d} for d in descriptions], status=code, safe=False
    )


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """An Open311 view: JSON only, errors in the specification's shape, no CSRF (api_key)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if fmt != "json":
                return _errors(400, [_("format not supported; use .json")])
            try:
                return view(request, **kwargs)
            except Open311Error as error:
                return _errors(error.code, error.descriptions)

        return wrapper

    return decorate


def _parameters(request: HttpRequest) -> dict[str, str]:
    if request.method == "GET":
        return {key: request.GET.get(key, "") for key in request.GET}
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise Open311Error(400, _("the request body is not valid JSON")) from None
        if not isinstance(body, dict):
            raise Open311Error(400, _("the request body must be a JSON object"))
        return {key: "" if value is None else str(value) for key, value in body.items()}
    return {key: request.POST.get(key, "") for key in request.POST}


def _reporter(request: HttpRequest, parameters: dict[str, str], *, key_required: bool) -> Any:
    key = (parameters.get("api_key") or request.GET.get("api_key", "")).strip()
    if key:
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None or not token.user.is_active:
            raise Open311Error(403, _("invalid api_key"))
        return token.user
    if not key_required and request.user.is_authenticated:
        return request.user
    raise Open311Error(403, _("an api_key is required"))


def open_categories(user: AnyUser) -> list[Category]:
    """Active categories without active sub-categories, under active parents only."""
    categories = visible_categories(user).active().select_related("parent")
    active = {c.pk: c for c in categories.order_by("sort_order", "name")}
    with_children = {c.parent_id for c in active.values()}

    def reachable(category: Category) -> bool:
        node = category
        while node.parent_id is not None:
            if node.parent_id not in active:
                return False
            node = active[node.parent_id]
        return True

    return [c for c in active.values() if c.pk not in with_children and reachable(c)]


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent else "",
    }


def _timestamp(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _service_request(incident: Incident) -> dict[str, Any]:
    return {
        "service_request_id": str(incident.pk),
        "status": "open" if incident.status in OPEN_STATUSES else "closed",
        "service_name": incident.category.name,
        "service_code": incident.category.code,
        "description": incident.description,
        "requested_datetime": _timestamp(incident.occurred_at),
        "updated_datetime": _timestamp(incident.updated_at),
        "address": incident.place,
        "lat": incident.latitude,
        "long": incident.longitude,
    }


def _datetime(parameters: dict[str, str], name: str) -> dt.datetime | None:
    text = parameters.get(name, "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(400, _("%(name)s must be an ISO 8601 date and time") % {"name": name})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _coordinate(parameters: dict[str, str], name: str) -> float:
    try:
        value = float(parameters.get(name, "").replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Open311Error(400, _("%(name)s must be a number of degrees") % {"name": name})
    return value


@endpoint("GET")
def services(request: HttpRequest) -> HttpResponse:
    user = _reporter(request, _parameters(request), key_required=False)
    return JsonResponse([_service(c) for c in open_categories(user)], safe=False)


@endpoint("GET", "POST")
def service_requests(request: HttpRequest) -> HttpResponse:
    parameters = _parameters(request)
    if request.method == "POST":
        return _create(request, parameters)
    user = _reporter(request, parameters, key_required=False)
    incidents = visible_incidents(user).select_related("category")
    ids = parameters.get("service_request_id", "").strip()
    if ids:
        # The specification: with service_request_id, every other parameter is ignored.
        try:
            wanted = [int(i) for i in ids.split(",") if i.strip()]
        except ValueError:
            raise Open311Error(
                400, _("service_request_id must be a comma-separated list of numbers")
            ) from None
        incidents = incidents.filter(pk__in=wanted)
    else:
        codes = [c.strip() for c in parameters.get("service_code", "").split(",") if c.strip()]
        if codes:
            incidents = incidents.filter(category__code__in=codes)
        start = _datetime(parameters, "start_date")
        end = _datetime(parameters, "end_date")
        if start is None:
            start = (end or timezone.now()) - DEFAULT_SPAN
        incidents = incidents.between(start, end)
        wanted_statuses: set[str] = set()
        for name in (s.strip() for s in parameters.get("status", "").split(",") if s.strip()):
            if name == "open":
                wanted_statuses |= OPEN_STATUSES
            elif name == "closed":
                wanted_statuses |= CLOSED_STATUSES
            else:
                raise Open311Error(400, _("status must be open or closed"))
        if wanted_statuses:
            incidents = incidents.filter(status__in=wanted_statuses)
    found = incidents.order_by("-occurred_at", "-id")[:MAX_REQUESTS]
    return JsonResponse([_service_request(i) for i in found], safe=False)


@endpoint("GET")
def service_request(request: HttpRequest, pk: str) -> HttpResponse:
    user = _reporter(request, _parameters(request), key_required=False)
    incident = (
        visible_incidents(user).select_related("category").filter(pk=pk).first()
        if pk.isdigit()
        else None
    )
    if incident is None:
        raise Open311Error(404, _("there is no service request %(id)s") % {"id": pk})
    return JsonResponse([_service_request(incident)], safe=False)


def _create(request: HttpRequest, parameters: dict[str, str]) -> HttpResponse:
    user = _reporter(request, parameters, key_required=True)
    if not can_report(user):
        raise Open311Error(403, _("the api_key's user may not report incidents"))
    code = parameters.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required"))
    category = next((c for c in open_categories(user) if c.code == code), None)
    if category is None:
        raise Open311Error(404, _("there is no service %(code)s") % {"code": code})

    address = parameters.get("address_string", "").strip()
    draft = IncidentDraft(
        category=category,
        occurred_at=_datetime(parameters, "requested_datetime") or timezone.now(),
        place=address,
        description=parameters.get("description", ""),
    )
    if parameters.get("lat", "").strip() or parameters.get("long", "").strip():
        draft.latitude = _coordinate(parameters, "lat")
        draft.longitude = _coordinate(parameters, "long")
    elif address:
        areas = list(visible_areas(user).filter(name__iexact=address)[:2])
        if len(areas) != 1:
            raise Open311Error(
                400,
                _("address_string “%(address)s” does not name one of your areas; give lat and long")
                % {"address": address},
            )
        draft.area = areas[0]
    else:
        raise Open311Error(400, _("give lat and long, or address_string"))

    try:
        result = record_incidents([draft], source=Source.OPEN311, user=user)
    except IncidentsRefused as refused:
        raise Open311Error(
            400,
            *(
                f"{PARAMETER_FOR_FIELD.get(p.field, p.field)}: {p.message}"
                for p in refused.problems
            ),
        ) from None
    incident = result.created[0]
    return JsonResponse(
        [{"service_request_id": str(incident.pk), "service_notice": "", "account_id": None}],
        status=201,
        safe=False,
    )
