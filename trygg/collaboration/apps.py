from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "trygg.collaboration"
    verbose_name = _("Collaboration")

    def ready(self) -> None:
        # Registers agreements as a target agenda items can link to.
        from trygg.collaboration import links  # noqa: F401
