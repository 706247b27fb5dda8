"""A coordinator edits a measure's measurable target: the form shows only the fields that apply
to what the indicator is computed from, and every field without JavaScript."""

from decimal import Decimal

import pytest

from tests.browser.conftest import serious_violations
from tests.browser.test_overview import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The fields that apply to some kinds only, by their Swedish labels.
ONLY_SOME = ["Områden", "Kategorier", "Period (dagar)", "Statistikserie", "Senaste värde",
             "Senaste värde per"]  # fmt: skip
SHOWN = {
    "handelser": {"Områden", "Kategorier", "Period (dagar)"},
    "statistik": {"Områden", "Kategorier", "Statistikserie"},
    "manuell": {"Senaste värde", "Senaste värde per"},
}
ALWAYS = ["Indikator", "Utgångsvärde", "Utgångsvärde per", "Målvärde", "Måldatum"]


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    return live_server


@pytest.fixture
def measure(demo_site):
    from trygg.plans.models import Measure

    return Measure.objects.get(title="Samverkan Fokus Älvsjö/Solberga")


def _visible(page, label: str) -> bool:
    return page.get_by_label(label, exact=True).first.is_visible()


def test_the_form_shows_the_fields_of_the_chosen_kind(demo_site, measure, page):
    from trygg.plans.models import Indicator, IndicatorKind

    sign_in(page, demo_site.url)
    page.goto(f"{demo_site.url}/atgardsplan/atgard/{measure.pk}/indikator/")
    # The demo's indicator counts incidents; the form opens with that kind's fields.
    assert page.locator("input[name=kind]:checked").get_attribute("value") == "handelser"
    for kind in ("statistik", "manuell", "handelser", "statistik", "manuell"):
        page.locator(f"input[name=kind][value={kind}]").check()
        shown = {label for label in ONLY_SOME if _visible(page, label)}
        assert shown == SHOWN[kind], kind
        assert all(_visible(page, label) for label in ALWAYS), kind
    assert serious_violations(page) == []

    # Entered by hand: the hidden fields keep their values and the server ignores them.
    page.get_by_label("Utgångsvärde", exact=True).fill("150")
    page.get_by_label("Utgångsvärde per", exact=True).fill("2022-08-31")
    page.get_by_label("Senaste värde", exact=True).fill("118")
    page.get_by_label("Senaste värde per", exact=True).fill("2024-06-30")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{demo_site.url}{measure.get_absolute_url()}")
    assert page.get_by_text("Indikatorn sparades.").is_visible()
    indicator = Indicator.objects.get(measure=measure)
    assert indicator.kind == IndicatorKind.MANUAL
    assert indicator.baseline == Decimal(150) and indicator.manual_value == Decimal(118)
    assert str(indicator.manual_value_on) == "2024-06-30"


def test_a_field_the_server_refuses_stays_in_sight(demo_site, measure, page):
    sign_in(page, demo_site.url)
    page.goto(f"{demo_site.url}/atgardsplan/atgard/{measure.pk}/indikator/")
    page.get_by_label("Period (dagar)").fill("")
    page.locator("input[name=kind][value=manuell]").check()
    page.get_by_label("Utgångsvärde", exact=True).fill("150")
    page.get_by_role("button", name="Spara").click()
    page.locator(".field--error").first.wait_for()
    # The window is refused although it does not apply to an indicator entered by hand.
    assert page.locator("input[name=kind]:checked").get_attribute("value") == "manuell"
    assert _visible(page, "Period (dagar)")
    assert not _visible(page, "Statistikserie")


def test_without_javascript_every_field_shows(demo_site, measure, browser):
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    # sign_in runs axe-core, which needs JavaScript: sign in by hand.
    page.goto(f"{demo_site.url}/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("trygg-demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{demo_site.url}/")
    page.goto(f"{demo_site.url}/atgardsplan/atgard/{measure.pk}/indikator/")
    assert all(_visible(page, label) for label in ONLY_SOME + ALWAYS)
    context.close()
