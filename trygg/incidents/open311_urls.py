"""Open311 GeoReport v2 under ``/open311/v2/``: every method as ``.xml`` and ``.json``.

Any other suffix reaches the views too, which answer the specification's 404 error in XML.
"""

from django.urls import re_path

from trygg.incidents import open311

app_name = "open311"
FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"
urlpatterns = [
    re_path(rf"^discovery{FORMAT}", open311.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}", open311.services, name="services"),
    re_path(rf"^services/(?P<code>[-\w]+){FORMAT}", open311.service_definition, name="service"),
    re_path(rf"^requests{FORMAT}", open311.service_requests, name="requests"),
    re_path(rf"^requests/(?P<pk>[^/.]+){FORMAT}", open311.service_request, name="request"),
]
