"""A marker row saying that this database was built by ``trygg demo``.

Only a database with this marker may be wiped and rebuilt by the demo command, and only such a
database holds the demo users with their shared password.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoBuild(models.Model):
    built_at = models.DateTimeField(_("built"), auto_now_add=True)
    seed = models.PositiveIntegerField(_("random seed"))

    class Meta:
        verbose_name = _("demo build")
        verbose_name_plural = _("demo builds")

    def __str__(self) -> str:
        return f"Demo {self.built_at:%Y-%m-%d %H:%M}"
