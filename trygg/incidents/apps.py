from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "trygg.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # Connects the delete receiver that keeps the monthly rollup in step.
        from trygg.incidents import rollup  # noqa: F401
