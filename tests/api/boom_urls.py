"""Trygg's URLs plus two views that fail, under /api/ and outside it, for the 500 tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from trygg.urls import handler400, handler403, handler404, handler500, urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom/", boom), path("boom/", boom), *urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
