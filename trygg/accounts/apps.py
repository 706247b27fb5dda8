from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trygg.accounts"
    verbose_name = _("Organisations and users")

    def ready(self) -> None:
        from trygg.accounts import audit

        audit.connect()
