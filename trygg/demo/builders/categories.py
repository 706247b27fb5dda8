"""Demo categories: the default taxonomy, as every new installation has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.incidents.defaults import ensure_default_categories
from trygg.incidents.models import Category

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext


# Demo harm weights in days of prison, rounded guesses at a usual sentence so the demo can
# show harm beside counts: not an established index. An installation sets its own (e.g.
# from a Swedish harm index built from average sentences) on the categories' pages.
DEMO_HARM_DAYS = {
    "vald-offentlig-miljo": 90, "vald-nara-relation": 180, "hot-vald-anstallda": 60,
    "olaga-hot": 30, "dodligt-vald": 3650, "skjutning-sprangning": 1460, "ran": 365,
    "personran": 365, "tillgrepp": 10, "inbrott": 180, "stold": 10, "skadegorelse": 5,
    "klotter": 2, "brand": 60, "narkotika": 30, "narkotikabrott": 30,
    "narkotikaforsaljning": 180, "bedrageri": 60, "bedrageri-aldre": 120,
    "ordningsstorning": 1, "nedskrapning": 0.5, "otillaten-bosattning": 1, "extremism": 90,
    "rekrytering": 365,
}  # fmt: skip
DEMO_HARM_SOURCE = "Demovikter (ungefärliga dagar fängelse), inte ett vedertaget skadeindex"


def build(demo: DemoContext) -> None:
    added = ensure_default_categories(Category)
    for code, days in DEMO_HARM_DAYS.items():
        Category.objects.filter(code=code).update(harm_weight=days, harm_source=DEMO_HARM_SOURCE)
    demo.log(_("%(n)s categories") % {"n": added})
