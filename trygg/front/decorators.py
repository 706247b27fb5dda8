"""View decorators shared by the pages of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def page(section: str) -> Callable[[View], View]:
    """A signed-in page belonging to a navigation section (highlighted in the menu)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.nav_section = section  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate
