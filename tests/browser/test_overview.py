"""A coordinator signs in, sees Översikt with the district on a map, and opens the area map."""

import pytest

from tests.browser.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    return live_server


def sign_in(page, base_url, username="samordnare"):
    page.goto(f"{base_url}/logga-in/")
    assert serious_violations(page) == []
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("trygg-demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base_url}/")


def test_coordinator_sees_the_district_on_the_overview_map(demo_site, page):
    sign_in(page, demo_site.url)
    assert page.get_by_role("heading", name="Översikt", level=1).is_visible()
    map_element = page.locator("[data-map=overview-map]")
    map_element.and_(page.locator("[data-ready=true]")).wait_for()
    # 17 stadsdelar, the district, 9 named places and Älvsjö/Solberga.
    assert int(map_element.get_attribute("data-feature-count")) == 28
    assert page.locator("path.leaflet-interactive").count() == 28
    assert page.get_by_role("link", name="Polisen").is_visible()
    assert page.get_by_text("Narkotikabrott").first.is_visible()
    assert serious_violations(page) == []


def test_clicking_an_area_on_the_map_opens_its_page(demo_site, page):
    sign_in(page, demo_site.url)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Områden").click()
    page.locator("[data-map=area-map][data-ready=true]").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fruängen", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Fruängen")
    page.locator("[data-map=area-map][data-ready=true]").wait_for()
    # Fruängen's own outline and its two places; clicking a place on the map opens it.
    page.locator("path.leaflet-interactive").last.click()
    page.wait_for_url("**/omraden/*/")
    assert page.get_by_role("heading", level=1).inner_text().split()[0] in {"Fruängens", "SHIS"}
    assert serious_violations(page) == []


def test_phone_width_keeps_the_menu_and_map_usable(demo_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="sv-SE")
    page = context.new_page()
    sign_in(page, demo_site.url)
    page.locator("[data-map=overview-map][data-ready=true]").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways at phone width ({width}px)"
    assert page.get_by_role("link", name="Områden").is_visible()
    context.close()
