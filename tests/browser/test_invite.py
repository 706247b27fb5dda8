"""A coordinator invites a partner reporter by e-mail; the reporter chooses a password from the
one-time link, signs in and reports an incident, all without Django admin."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import serious_violations
from tests.browser.test_overview import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Solros-i-Liljeholmen-42"


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    return live_server


def test_coordinator_invites_a_reporter_who_signs_in_and_reports(demo_site, browser):
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = desk.new_page()
    sign_in(page, demo_site.url, "samordnare")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Bjud in en användare").click()
    assert serious_violations(page) == []
    page.get_by_label("E-postadress").fill("nora.nyberg@example.se")
    page.get_by_label("Förnamn").fill("Nora")
    page.get_by_label("Efternamn").fill("Nyberg")
    page.get_by_label("Organisation").select_option(label="SHIS Bostäder")
    page.get_by_label("Roll").select_option(label="Rapportör")
    # The tree picker's filter box narrows the areas to the one wanted.
    page.get_by_label("Filtrera på namn").fill("liljeholm")
    assert page.get_by_role("radio", name="Hägersten-Älvsjö", exact=True).is_visible()
    assert not page.get_by_role("radio", name="Västberga").is_visible()
    page.get_by_role("radio", name="Liljeholmen", exact=True).check()
    page.get_by_role("button", name="Skicka inbjudan").click()
    assert page.get_by_text("En inbjudan skickades till nora.nyberg@example.se").is_visible()
    assert page.get_by_role("heading", name="Nora Nyberg", level=1).is_visible()
    desk.close()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith(demo_site.url)

    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="sv-SE")
    page = phone.new_page()
    page.goto(link)
    assert page.get_by_role("heading", name="Välj lösenord").is_visible()
    assert serious_violations(page) == []
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    assert page.get_by_role("heading", name="Lösenordet är sparat").is_visible()
    page.get_by_role("link", name="Logga in").last.click()
    page.get_by_label("Användarnamn").fill("nora.nyberg@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{demo_site.url}/")

    page.get_by_role("link", name="Händelser").click()
    page.get_by_role("link", name="Rapportera en händelse").first.click()
    page.locator("[data-map=report-map][data-ready=true]").wait_for()
    page.get_by_label("Vad hände?").select_option(label="Klotter")
    page.locator("[data-map=report-map]").click()
    page.get_by_label("Beskrivning").fill("Klotter på Noras port")
    page.locator("form.form").get_by_role("button", name="Skicka rapporten").click()
    page.wait_for_url("**/kvitto/")
    assert page.locator(".receipt strong").inner_text().startswith("H-")
    phone.close()

    from trygg.incidents.models import Incident

    incident = Incident.objects.get(description="Klotter på Noras port")
    assert incident.reported_by.email == "nora.nyberg@example.se"
