"""Brå's traffic lights (grön, gul, röd): the follow-up status of a measure or a citizen promise.

The one home of the lights: the value stored in the database, the colour's name (so that a
status never depends on colour alone, not even on a black-and-white print), what the light
means, and its colours as hex without "#" (the cell or badge fill and the text on it).

Everything else asks this module: the models' choices
(``trygg.collaboration.models.FollowUpStatus``, which ``trygg.plans.models.TrafficLight`` is),
the åtgärdsplan's DOCX, the lägesbild's measures block and its DOCX and PPTX, and the PDF
templates (``{% light_styles %}`` from ``trygg.front.templatetags.lights`` writes their
``.light--gron …`` rules).

The pages' stylesheet cannot import Python, so it mirrors the colours by hand:
``.status--gron``, ``.status--gul`` and ``.status--rod`` in ``trygg/static/trygg/trygg.css``
(``color`` is ``text``, ``background`` is ``fill``). ``tests/lib/test_lights.py`` reads the
stylesheet and fails if the two drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Light:
    value: str
    colour: str | Promise  # the colour's name: "Green"
    label: str | Promise  # what it means: "on track"
    fill: str  # hex, e.g. "E9F6EC"
    text: str  # hex, readable on ``fill`` (WCAG AA)


GRON = Light("gron", _("Green"), _("on track"), fill="E9F6EC", text="1D6B34")
GUL = Light("gul", _("Yellow"), _("at risk"), fill="FFF4D6", text="7A4B00")
ROD = Light("rod", _("Red"), _("off track"), fill="FDE8E8", text="A4161A")

LIGHTS: tuple[Light, ...] = (GRON, GUL, ROD)
_BY_VALUE = {light.value: light for light in LIGHTS}


def light(value: str) -> Light:
    """The light stored as ``value`` ("gron", "gul" or "rod"); KeyError for anything else."""
    return _BY_VALUE[value]


def is_light(value: str) -> bool:
    return value in _BY_VALUE
