"""Open311 GeoReport v2 under ``/open311/v2/``; ``.xml`` paths answer that only JSON is served."""

from django.urls import re_path

from trygg.incidents import open311

app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>json|xml)$", open311.services, name="services"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", open311.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<pk>[^/.]+)\.(?P<fmt>json|xml)$", open311.service_request, name="request"
    ),
]
