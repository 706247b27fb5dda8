"""Database outages answered as 503 with ``Retry-After`` instead of a 500.

A database restart or fail-over (``pg_terminate_backend`` does the same) drops every open
connection. ``CONN_HEALTH_CHECKS`` makes the first query of a request test a kept connection
and open a new one, so an idle worker does not notice; a connection that drops *during* a
request raises ``OperationalError`` or ``InterfaceError``. This middleware answers that as
503 Service Unavailable with ``Retry-After`` — JSON ``{"detail": …}`` under ``/api/`` (and to
clients that ask for JSON), a page elsewhere — and Django closes the broken connection when
the request finishes, so the next request opens a new one and succeeds by itself.

A view's exception reaches ``process_exception``. An exception raised in another middleware
(saving the session, say) has already been turned into a 500 by the handler around that
middleware; the ``got_request_exception`` signal notes it on the request and the 500 is
replaced on its way out. Neither path touches the database: the page is rendered without the
request's context processors, which read the signed-in user.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again: a restart or fail-over takes seconds.
RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)
_NOTED = "_trygg_database_outage"


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return True
    preferred = request.get_preferred_type(["text/html", "application/json"])
    return preferred == "application/json"


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, as JSON or as a page, built without the database."""
    message = _("The database cannot be reached just now. Try again in a moment.")
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        body = render_to_string("503.html", {"message": message})
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember on the request that the exception behind its 500 was a database outage."""
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, _NOTED, True)


got_request_exception.connect(_note_outage, dispatch_uid="trygg.lib.outage")


class DatabaseOutageMiddleware:
    """First in ``MIDDLEWARE``, so that it sees every other middleware's answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _NOTED, False):
            return outage_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning(
            "database unavailable for %s %s: %s", request.method, request.path, exception
        )
        return outage_response(request)
