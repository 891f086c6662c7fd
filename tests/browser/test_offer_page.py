"""In headless Chromium: an offer's interaction URL is a page with both QR codes and wallet
buttons, within the pages' Content-Security-Policy (the ``page`` fixture fails on any console
error, where Chromium reports violations)."""

from __future__ import annotations

from tests.api.conftest import assessment
from tests.browser.conftest import screenshot


def test_offer_page(page, live, issuer_http, achievement) -> None:
    response = issuer_http.post("/issuers/uni/offers", json={
        "assessment": assessment(achievement["id"], ref="browser-offer"), "txCode": True})
    response.raise_for_status()
    offer = response.json()
    page.goto(offer["interactionUrl"])
    assert page.locator("h1").inner_text() == "Add Data Analysis with Python to your wallet"
    qr_codes = page.locator("img.qr")
    assert qr_codes.count() == 2
    for index in range(2):
        assert qr_codes.nth(index).evaluate("img => img.naturalWidth") > 0
    button = page.get_by_role("link", name="Open in my wallet app")
    assert button.get_attribute("href") == offer["deepLink"]
    assert page.get_by_role("heading", name="You will need a 6-digit code").is_visible()
    screenshot(page, "offer-page")
