"""``/api/v1/…`` resources, ``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (Swagger UI)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from trygg.accounts.api import AreaViewSet, OrganisationViewSet
from trygg.analysis import api as analysis_api
from trygg.collaboration.api import AgreementViewSet, ForumViewSet, MeetingViewSet
from trygg.compliance.api import ComplianceView
from trygg.incidents.api import CategoryViewSet, IncidentViewSet
from trygg.plans.api import ActionPlanViewSet, MeasureViewSet, ProblemViewSet
from trygg.reports.api import SituationReportViewSet
from trygg.statistics.api import StatisticSeriesViewSet


class Router(DefaultRouter):
    """DefaultRouter without format-suffix routes: ``statistics/values.json`` reached an action
    that takes no ``format`` (a TypeError, a 500), and every answer is JSON anyway. Ids in the
    path need no bound here: an id lookup out of the database's range finds no row (a 404)."""

    include_format_suffixes = False


router = Router()
router.register("areas", AreaViewSet, basename="area")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("categories", CategoryViewSet, basename="category")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("statistics", StatisticSeriesViewSet, basename="statistics")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("forums", ForumViewSet, basename="forum")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("problems", ProblemViewSet, basename="problem")
router.register("measures", MeasureViewSet, basename="measure")
router.register("situation-reports", SituationReportViewSet, basename="situation-report")

app_name = "api"
urlpatterns = [
    path("v1/compliance/", ComplianceView.as_view(), name="compliance"),
    path("v1/analysis/counts/", analysis_api.CountsView.as_view(), name="analysis-counts"),
    path("v1/analysis/changes/", analysis_api.ChangesView.as_view(), name="analysis-changes"),
    path("v1/analysis/rates/", analysis_api.RatesView.as_view(), name="analysis-rates"),
    path(
        "v1/analysis/time-pattern/",
        analysis_api.TimePatternView.as_view(),
        name="analysis-time-pattern",
    ),
    path("v1/analysis/hotspots/", analysis_api.HotspotsView.as_view(), name="analysis-hotspots"),
    path(
        "v1/analysis/near-repeats/",
        analysis_api.NearRepeatsView.as_view(),
        name="analysis-near-repeats",
    ),
    path(
        "v1/analysis/evaluation/",
        analysis_api.EvaluationView.as_view(),
        name="analysis-evaluation",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
