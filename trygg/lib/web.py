"""View decorators shared by the pages of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def page(section: str) -> Callable[[View], View]:
    """A signed-in page belonging to a navigation section (highlighted in the menu)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            request.nav_section = section  # type: ignore[attr-defined]  # read by the menu
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def download(view: View) -> View:
    """A file for signed-in users: from a page (session) or from an API client that sends
    ``Authorization: Token …`` (the export links the API hands out). Without either, browsers go
    to the login page; a wrong token is answered 401."""
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    signed_in = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.headers.get("Authorization", "").startswith("Token "):
            return signed_in(request, *args, **kwargs)
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found is None:
            response = HttpResponse(status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        request.user = found[0]
        request.signed_in_by_token = True  # type: ignore[attr-defined]  # see signed_in_by_token
        return view(request, *args, **kwargs)

    # Read by middleware that checks sessions (accounts.two_factor): a token here is the sign-in.
    wrapper.signs_in_by_token = True  # type: ignore[attr-defined]
    return wrapper


def signed_in_by_token(request: HttpRequest) -> bool:
    """Whether ``download`` signed the request in with an API token: an API client, which
    cannot follow a redirect to a page (pages take only a session)."""
    return getattr(request, "signed_in_by_token", False)
