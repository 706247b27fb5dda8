"""Errors in the API's own language and format: JSON bodies, Swedish messages.

Two ways an error reaches a client, and both are handled here:

- ``exception_handler`` (REST_FRAMEWORK's EXCEPTION_HANDLER) for what a view raises: DRF's own
  exceptions get Trygg's messages (DRF's Swedish catalogue lacks some, e.g. the JSON parse
  error and the throttle's wait, and Django's ``No Incident matches the given query.`` is
  English and names the model), a bad query parameter (``BadParameter``) is a 400 like an
  invalid field, and a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413.
- ``bad_request``, ``permission_denied``, ``page_not_found`` and ``server_error``, Django's
  handler400/403/404/500 (``trygg.urls``), for what happens outside a DRF view: an unknown URL,
  a body refused before the view, an unhandled exception. Under ``/api/`` they answer JSON;
  elsewhere the Swedish pages ``400.html``, ``403.html``, ``404.html`` and ``500.html``.

Every JSON error body is ``{"detail": "…"}``, except validation errors, which name the fields
(``{"field": ["…"]}``), as DRF has them.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied as DjangoPermissionDenied,
)
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from trygg.lib.params import BadParameter

API_PREFIX = "/api/"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def not_found_message() -> str:
    # The same words whether the row does not exist or the caller may not see it.
    return _("There is nothing here, or you may not see it.")


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request body is too large: at most %(megabytes)s MB.") % {
        "megabytes": f"{limit / 1_000_000:.1f}".replace(".", ",")
    }


def bad_request_message() -> str:
    return _("The request could not be read.")


def _is_default(exc: exceptions.APIException) -> bool:
    return str(exc.detail) == str(exc.default_detail)


def _message(exc: exceptions.APIException, method: str) -> str | None:
    """Trygg's message for ``exc`` where DRF's is English, generic or names a model; None to
    keep the detail (validation errors, a view's own message)."""
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if isinstance(exc, exceptions.ParseError):
        if detail.startswith("JSON parse error"):
            return _("The request body is not valid JSON.")
        return bad_request_message()
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Sign in: send a token (Authorization: Token …) or use a signed-in session.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("The token is not valid, or its user may no longer sign in.")
    if isinstance(exc, exceptions.PermissionDenied):
        if detail.startswith("CSRF Failed"):
            return _("The session's CSRF token is missing or wrong (send the X-CSRFToken header).")
        return _("You may not do this.") if _is_default(exc) else None
    if isinstance(exc, exceptions.NotFound):
        return not_found_message() if _is_default(exc) else None
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("The method %(method)s is not allowed here.") % {"method": method}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The API answers in JSON: ask for application/json (Accept).")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the request body as JSON (Content-Type: application/json).")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is None:
            return _("Too many requests: try again later.")
        seconds = max(1, math.ceil(exc.wait))
        return _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": seconds}
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's handler, with Swedish messages and the exceptions DRF leaves to Django."""
    request = context.get("request")
    method = request.method if request is not None and request.method else "?"
    if isinstance(exc, BadParameter):
        exc = exceptions.ValidationError({exc.name: [exc.message]})
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(too_large_message())
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(not_found_message())
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(bad_request_message())
    if isinstance(exc, exceptions.APIException):
        # The detail is replaced in place: DRF has set what else the answer carries on the
        # exception (WWW-Authenticate, a 403 instead of a 401, the throttle's wait).
        message = _message(exc, method)
        if message is not None:
            exc.detail = exceptions.ErrorDetail(message, code=exc.default_code)
    response = drf_exception_handler(exc, context)
    if response is None or request is None:
        return response
    headers = {k: v for k, v in response.items() if k.lower() != "content-type"}
    # JSON whatever the view renders otherwise (the Swagger page renders HTML only, which
    # would turn its 429 into a page).
    return JsonResponse(response.data, status=response.status_code, headers=headers, safe=False)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(message: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request refused before (or outside) a view, e.g. a body over the limit."""
    too_large = isinstance(exception, RequestDataTooBig)
    if isinstance(exception, BadParameter):
        message = exception.message
    elif too_large:
        message = too_large_message()
    else:
        message = bad_request_message()
    if _is_api(request):
        if isinstance(exception, BadParameter):
            return JsonResponse({exception.name: [message]}, status=400)
        return _json(message, 413 if too_large else 400)
    template = loader.get_template("400.html")
    try:
        # The site's page (header, menu) when the request got far enough to have a user; a
        # bad parameter on a page is answered in the page's frame.
        body = template.render({"message": message}, request=request)
    except Exception:  # a request refused before the middleware set it up
        body = template.render({"message": message})
    return HttpResponse(body, status=413 if too_large else 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if _is_api(request):
        return _json(_("You may not do this."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ an unknown URL answers like an unknown row."""
    if _is_api(request):
        return _json(not_found_message(), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (the error is logged by Django before this is called)."""
    if _is_api(request):
        return _json(_("Something went wrong in Trygg; the error is logged. Try again."), 500)
    body = loader.get_template("500.html").render({})
    return HttpResponse(body, status=500)
