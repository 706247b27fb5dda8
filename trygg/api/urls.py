"""``/api/v1/…`` resources, ``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (Swagger UI)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from trygg.accounts.api import OrganisationViewSet
from trygg.incidents.api import CategoryViewSet, IncidentViewSet
from trygg.places.api import AreaViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("categories", CategoryViewSet, basename="category")
router.register("incidents", IncidentViewSet, basename="incident")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
