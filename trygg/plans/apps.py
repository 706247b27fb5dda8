from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "trygg.plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        # Registers problems and measures as records agenda items can link to, and the
        # lägesbild's measures block.
        from trygg.plans import figures, links  # noqa: F401

        figures.register()
