"""Open311 GeoReport v2, so that existing reporting apps can list Trygg's services and report.

Services are the active leaf categories; a service request is an incident. Every method
answers XML (the specification's required format) or JSON, as the path's suffix asks, with
the specification's element names; the JSON is the XML by the Spark convention (a container
of repeated elements is an array, and an array's root element is dropped). The discovery
document, the service list and the service definitions are public, as the specification has
them; ``jurisdiction_id`` is ignored, as an endpoint serving one jurisdiction may.

``api_key`` is a REST API token (``trygg createtoken USERNAME``) and its user is the reporter.
Creating a request always needs one. Reading requests needs one, or a signed-in session, and
shows what that user may see on the pages, unless ``TRYGG_OPEN311_PUBLIC_REQUESTS`` opens the
public view to callers without either: every counted incident without its description,
reporter or place text, located by its area's name and the centre of its square kilometre,
timed to the hour. Reports are written through ``record_incidents`` with the source
"open311", so every check of the other ways in holds. Errors follow the specification:
``errors`` of ``error`` with the HTTP status as ``code`` and a ``description``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from trygg.accounts.models import AnyUser, User
from trygg.accounts.permissions import visible_areas
from trygg.incidents.actions import IncidentDraft, IncidentsRefused, record_incidents
from trygg.incidents.models import Category, Incident, IncidentQuerySet, Source, Status
from trygg.incidents.permissions import can_report, visible_incidents
from trygg.lib.grid import lattice_centres
from trygg.lib.params import parse_id

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# By the path's suffix; the discovery document lists the MIME types without the charset.
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The Spark convention: the elements of an array are named for their container.
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry, even escaped; dropped from text rather than breaking a file.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The discovery document's changeset while the taxonomy has not changed since installation.
FIRST_CHANGESET = "1970-01-01T00:00:00Z"

# When a search names no start date, it covers the last 90 days, as the specification says.
DEFAULT_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000
# The public view places a request at the centre of its square of the national grid.
PUBLIC_CELL_M = 1000
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
CLOSED_STATUSES = {Status.GRANSKAD, Status.AVVISAD, Status.SAMMANSLAGEN}


class Open311Error(Exception):
    def __init__(self, code: int, *descriptions: str) -> None:
        self.code = code
        self.descriptions = descriptions
        super().__init__("; ".join(descriptions))


@dataclass(frozen=True)
class Answer:
    """What a method answers, in either format: the XML root element and what it holds."""

    root: str
    content: Any
    status: int = 200


def _errors(code: int, descriptions: Iterable[str]) -> Answer:
    return Answer("errors", [{"code": code, "description": d} for d in descriptions], code)


def _element(name: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        element.extend(_element(key, child) for key, child in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEM_ELEMENTS[name], child) for child in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
    return element


def as_xml(answer: Answer) -> bytes:
    """The answer as the specification's XML: UTF-8, declared, without a namespace."""
    root = _element(answer.root, answer.content)
    ElementTree.indent(root)
    tree = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{tree}\n'.encode()


def render(answer: Answer, fmt: str) -> HttpResponse:
    if fmt == "xml":
        body = as_xml(answer)
    else:
        body = json.dumps(answer.content, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=answer.status)


def endpoint(*methods: str) -> Callable[[Callable[..., Answer]], Callable[..., HttpResponse]]:
    """An Open311 method: XML or JSON by the suffix, errors in the specification's shape, no
    CSRF check (an ``api_key`` comes with every write)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: Callable[..., Answer]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in CONTENT_TYPES:
                # The required format answers for a resource that does not exist.
                message = _("there is no .%(format)s format; use .xml or .json") % {"format": fmt}
                return render(_errors(404, [message]), "xml")
            if request.method not in allowed:
                message = _("the method must be %(methods)s") % {"methods": ", ".join(methods)}
                response = render(_errors(405, [message]), fmt)
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                answer = view(request, **kwargs)
            except Open311Error as error:
                answer = _errors(error.code, error.descriptions)
            return render(answer, fmt)

        return wrapper

    return decorate


def _parameters(request: HttpRequest) -> dict[str, str]:
    """The request's parameters as text, refused (as the forms and the API do) if any holds
    a null character, which no database text can."""
    parameters = _given(request)
    for name, value in parameters.items():
        if "\x00" in value:
            raise Open311Error(400, f"{name}: {ProhibitNullCharactersValidator.message}")
    return parameters


def _given(request: HttpRequest) -> dict[str, str]:
    if request.method in ("GET", "HEAD"):
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


def _key_user(request: HttpRequest, parameters: dict[str, str]) -> User | None:
    """The user of the request's ``api_key``; None without one; 403 for a key that is not."""
    key = (parameters.get("api_key") or request.GET.get("api_key", "")).strip()
    if not key:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    user = token.user if token is not None else None
    if not isinstance(user, User) or not user.is_active:
        raise Open311Error(403, _("invalid api_key"))
    return user


def _reporter(request: HttpRequest, parameters: dict[str, str]) -> User:
    """Who reports: only an ``api_key`` says, even beside a signed-in session."""
    user = _key_user(request, parameters)
    if user is None:
        raise Open311Error(403, _("an api_key is required"))
    return user


def _reader(request: HttpRequest, parameters: dict[str, str]) -> AnyUser | None:
    """Whose view of the requests a search gets: the ``api_key``'s user, else the signed-in
    user, else None for the public view where the installation has opened it."""
    user = _key_user(request, parameters)
    if user is not None:
        return user
    if request.user.is_authenticated:
        return request.user
    if settings.TRYGG_OPEN311_PUBLIC_REQUESTS:
        return None
    raise Open311Error(403, _("an api_key is required"))


def open_categories() -> list[Category]:
    """Active categories without active sub-categories, under active parents only.

    The taxonomy is the installation's, the same for every member, and the specification
    lists it without a key.
    """
    active = {c.pk: c for c in Category.objects.active().select_related("parent")}
    with_children = {c.parent_id for c in active.values()}

    def reachable(category: Category) -> bool:
        node = category
        while node.parent_id is not None:
            if node.parent_id not in active:
                return False
            node = active[node.parent_id]
        return True

    return [c for c in active.values() if c.pk not in with_children and reachable(c)]


def _open_category(code: str) -> Category:
    category = next((c for c in open_categories() if c.code == code), None)
    if category is None:
        raise Open311Error(404, _("there is no service %(code)s") % {"code": code})
    return category


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


def _changeset() -> str:
    """When the service list or a definition last changed, as a sortable UTC time."""
    latest = Category.history.aggregate(latest=Max("history_date"))["latest"]
    if latest is None:
        return FIRST_CHANGESET
    return latest.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(incident: Incident) -> dict[str, str]:
    return {
        "status": "open" if incident.status in OPEN_STATUSES else "closed",
        "status_notes": incident.get_status_display(),
    }


def _service_request(incident: Incident) -> dict[str, Any]:
    return {
        "service_request_id": str(incident.pk),
        **_status(incident),
        "service_name": incident.category.name,
        "service_code": incident.category.code,
        "description": incident.description,
        "requested_datetime": _timestamp(incident.occurred_at),
        "updated_datetime": _timestamp(incident.updated_at),
        "address": incident.place or incident.area.name,
        "lat": incident.latitude,
        "long": incident.longitude,
    }


def _to_the_hour(value: dt.datetime) -> str:
    return _timestamp(timezone.localtime(value).replace(minute=0, second=0, microsecond=0))


def public_requests() -> IncidentQuerySet:
    """The incidents the public view shows when it is open: what the analyses count."""
    return Incident.objects.counted()


def _public_service_requests(incidents: list[Incident]) -> list[dict[str, Any]]:
    """The requests without free text or reporter, placed by their area and square."""
    with_point = [i for i in incidents if i.has_point]
    lat, lon = lattice_centres(
        [i.latitude for i in with_point], [i.longitude for i in with_point], PUBLIC_CELL_M
    )
    squares = {
        i.pk: (round(float(a), 5), round(float(o), 5))
        for i, a, o in zip(with_point, lat, lon, strict=True)
        if math.isfinite(a) and math.isfinite(o)
    }
    return [
        {
            "service_request_id": str(incident.pk),
            **_status(incident),
            "service_name": incident.category.name,
            "service_code": incident.category.code,
            "description": None,
            "requested_datetime": _to_the_hour(incident.occurred_at),
            "updated_datetime": _to_the_hour(incident.updated_at),
            "address": incident.area.name,
            "lat": squares.get(incident.pk, (None, None))[0],
            "long": squares.get(incident.pk, (None, None))[1],
        }
        for incident in incidents
    ]


def _readable(user: AnyUser | None) -> IncidentQuerySet:
    incidents = public_requests() if user is None else visible_incidents(user)
    return incidents.select_related("category", "area")


def _as_requests(user: AnyUser | None, incidents: Iterable[Incident]) -> Answer:
    found = list(incidents)
    if user is None:
        return Answer("service_requests", _public_service_requests(found))
    return Answer("service_requests", [_service_request(i) for i in found])


def _request_id(text: str) -> int | None:
    """A service_request_id as Trygg's ids are: digits within the database's integers."""
    return parse_id(text)


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
def discovery(request: HttpRequest) -> Answer:
    """The service discovery document: where the endpoint is, its formats, how to get a key."""
    changeset = _changeset()
    return Answer(
        "discovery",
        {
            "changeset": changeset,
            "contact": settings.TRYGG_OPEN311_CONTACT
            or _("Ask the municipality's coordinator of crime prevention."),
            "key_service": _(
                "An api_key is the API token of a Trygg user with a reporting role; the "
                "installation's administrators make one with “trygg createtoken USERNAME”."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    # The methods lie beside this document.
                    "url": request.build_absolute_uri(request.path.rsplit("/", 1)[0]),
                    "changeset": changeset,
                    "type": "test" if settings.DEBUG else "production",
                    "formats": [t.split(";")[0] for t in CONTENT_TYPES.values()],
                }
            ],
        },
    )


@endpoint("GET")
def services(request: HttpRequest) -> Answer:
    return Answer("services", [_service(c) for c in open_categories()])


@endpoint("GET")
def service_definition(request: HttpRequest, code: str) -> Answer:
    """A service's extra fields: none, as every service's ``metadata`` says."""
    category = _open_category(code)
    return Answer("service_definition", {"service_code": category.code, "attributes": []})


@endpoint("GET", "POST")
def service_requests(request: HttpRequest) -> Answer:
    parameters = _parameters(request)
    if request.method == "POST":
        return _create(request, parameters)
    user = _reader(request, parameters)
    incidents = _readable(user)
    ids = parameters.get("service_request_id", "").strip()
    if ids:
        # The specification: with service_request_id, every other parameter is ignored.
        given = [i for i in ids.split(",") if i.strip()]
        wanted = [n for n in map(_request_id, given) if n is not None]
        if len(wanted) < len(given):
            raise Open311Error(
                400, _("service_request_id must be a comma-separated list of numbers")
            )
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
    return _as_requests(user, incidents.order_by("-occurred_at", "-id")[:MAX_REQUESTS])


@endpoint("GET")
def service_request(request: HttpRequest, pk: str) -> Answer:
    user = _reader(request, _parameters(request))
    wanted = _request_id(pk)
    answer = _as_requests(user, _readable(user).filter(pk=wanted) if wanted else [])
    if not answer.content:
        raise Open311Error(404, _("there is no service request %(id)s") % {"id": pk})
    return answer


def _create(request: HttpRequest, parameters: dict[str, str]) -> Answer:
    user = _reporter(request, parameters)
    if not can_report(user):
        raise Open311Error(403, _("the api_key's user may not report incidents"))
    code = parameters.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required"))
    category = _open_category(code)

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
    # A realtime service: the id at once, so no token.
    receipt = {"service_request_id": str(incident.pk), "service_notice": "", "account_id": None}
    return Answer("service_requests", [receipt], status=201)
