"""A reporter reports on a phone in well under a minute; the coordinator sees it at once."""

import time

import pytest

from tests.browser.conftest import serious_violations
from tests.browser.test_overview import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    return live_server


def test_reporter_reports_on_a_phone_and_the_coordinator_sees_it(demo_site, browser):
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="sv-SE")
    page = phone.new_page()
    sign_in(page, demo_site.url, "rapportor")
    started = time.monotonic()
    page.get_by_role("link", name="Händelser").click()
    page.get_by_role("link", name="Rapportera en händelse").first.click()
    page.locator("[data-map=report-map][data-ready=true]").wait_for()
    assert serious_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form scrolls sideways at phone width ({width}px)"

    page.get_by_label("Vad hände?").select_option(label="Klotter")
    # Tap the middle of Liljeholmens centrum on the map.
    page.locator("[data-map=report-map]").click()
    assert page.locator("#id_latitude").input_value() != ""
    page.get_by_label("Beskrivning").fill("Nytt klotter vid entrén")
    page.locator("form.form").get_by_role("button", name="Skicka rapporten").click()
    page.wait_for_url("**/kvitto/")
    receipt = page.locator(".receipt strong").inner_text()
    assert receipt.startswith("H-")
    assert time.monotonic() - started < 60
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = desk.new_page()
    sign_in(page, demo_site.url, "samordnare")
    page.goto(f"{demo_site.url}/handelser/?q=Nytt+klotter+vid")
    assert page.get_by_role("link", name=receipt).is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Visa på kartan").click()
    page.locator("[data-map=incident-map][data-points]").wait_for()
    assert page.locator("[data-map=incident-map]").get_attribute("data-points") == "1"
    assert serious_violations(page) == []
    desk.close()
