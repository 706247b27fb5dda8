"""The Content-Security-Policy holds on real pages: no violations, and the scripts still work."""

import pytest

from tests.browser.test_overview import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    return live_server


def test_pages_run_their_scripts_under_the_policy_without_violations(demo_site, page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, demo_site.url, "samordnare")
    response = page.goto(f"{demo_site.url}/handelser/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The "choose all" box is wired by a static script (it was inline before the policy).
    page.locator("[data-check-all]").check()
    boxes = page.locator("input[name=ids]")
    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.goto(f"{demo_site.url}/")
    page.locator("[data-map][data-ready=true]").first.wait_for()
    page.goto(f"{demo_site.url}/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert violations == []
