"""``{% light_styles %}``: the traffic lights' CSS rules for the PDF templates, from
``trygg.lib.lights`` so that a printed light has the same colours as the DOCX and PPTX."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from trygg.lib.lights import LIGHTS

register = template.Library()


@register.simple_tag
def light_styles() -> SafeString:
    """``.light--gron { background: #E9F6EC; color: #1D6B34; }`` and so on, one per light."""
    rules = (
        f".light--{light.value} {{ background: #{light.fill}; color: #{light.text}; }}"
        for light in LIGHTS
    )
    return mark_safe("\n  ".join(rules))  # only the constants above
