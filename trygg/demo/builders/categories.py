"""Demo categories: the default taxonomy, as every new installation has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.incidents.defaults import ensure_default_categories
from trygg.incidents.models import Category

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext


def build(demo: DemoContext) -> None:
    added = ensure_default_categories(Category)
    demo.log(_("%(n)s categories") % {"n": added})
