"""The project's URLs plus two that lose the database: a page and an API view."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trygg.urls import urlpatterns as project_urlpatterns


def lost_page(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


def buggy_page(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


class LostAPIView(APIView):
    permission_classes = ()

    def get(self, request: Request) -> Response:
        raise InterfaceError("connection already closed")


class BrokenSessionMiddleware:
    """Fails in a middleware, the way saving the session does when the database is gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/lost-in-middleware/":
            raise OperationalError("terminating connection due to administrator command")
        return self.get_response(request)


urlpatterns = [
    path("lost/", lost_page),
    path("bug/", buggy_page),
    path("api/v1/lost/", LostAPIView.as_view()),
    *project_urlpatterns,
]
