"""The traffic lights have one home (trygg.lib.lights); the stylesheet mirrors its colours."""

import re
from pathlib import Path

import pytest
from django.template import engines

from trygg.lib import lights
from trygg.plans.models import TrafficLight

CSS = Path(__file__).resolve().parents[2] / "trygg" / "static" / "trygg" / "trygg.css"


def _declarations(css: str, selector: str) -> dict[str, str]:
    """The declarations of the one rule whose selector is exactly ``selector``."""
    rules = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if selector in (s.strip() for s in selectors.split(","))
    ]
    assert len(rules) == 1, f"{selector} should be styled in one rule, found {len(rules)}"
    return {
        name.strip(): value.strip()
        for name, value in (d.split(":", 1) for d in rules[0].split(";") if d.strip())
    }


def _colour(css: str, value: str) -> str:
    """A colour as RRGGBB in upper case, resolving ``var(--name)`` from ``:root``."""
    variables = _declarations(css, ":root")
    while match := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = variables[match.group(1)]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value[1:].upper()


@pytest.mark.parametrize("light", lights.LIGHTS, ids=lambda light: light.value)
def test_the_stylesheet_badge_has_the_lights_colours(light):
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    rule = _declarations(css, f".status--{light.value}")
    assert _colour(css, rule["color"]) == light.text
    assert _colour(css, rule["background"]) == light.fill


def test_the_pdf_styles_come_from_the_lights():
    css = engines["django"].from_string("{% load lights %}{% light_styles %}").render({})
    for light in lights.LIGHTS:
        rule = _declarations(css, f".light--{light.value}")
        assert rule == {"background": f"#{light.fill}", "color": f"#{light.text}"}


def test_the_model_choices_are_the_lights():
    assert TrafficLight.choices == [(light.value, light.label) for light in lights.LIGHTS]


def test_a_light_is_found_by_its_stored_value_and_only_by_it():
    assert lights.light("gul") is lights.GUL
    assert lights.is_light("rod") and not lights.is_light("blå")
    with pytest.raises(KeyError):
        lights.light("blå")
