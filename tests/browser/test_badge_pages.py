"""In headless Chromium: a fresh credential's page says "Genuine"; revoked, it says "Revoked";
a baked PNG uploaded on the verify page gives the report. Screenshots in test-artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.browser.conftest import screenshot

SAMPLE = (Path(__file__).parents[1] / "vectors/1edtech-validator-ob30/baked/simple-json.png")


def test_genuine_then_revoked(page, live, issue, issuer_http) -> None:
    issued = issue()
    page.goto(f"/credentials/{issued['id']}")
    panel = page.locator("section.panel")
    assert panel.get_attribute("data-state") == "genuine"
    assert panel.locator("h2").inner_text().strip().endswith("Genuine")
    assert page.locator("h1").inner_text() == "Data Analysis with Python"
    assert "Ada Learner" in page.locator(".awarded").inner_text()
    assert page.get_by_role("link", name="Add to LinkedIn profile").is_visible()
    assert page.locator("img.badge-image").evaluate("img => img.naturalWidth") > 0
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    # The copy button is shown by the site's script (allowed by the CSP) and works.
    copy = page.get_by_role("button", name="Copy link")
    copy.click()
    assert page.locator("#copy-status").inner_text() in ("Link copied.",
                                                         "Select the link and copy it.")
    screenshot(page, "badge-page-genuine")

    issuer_http.post(f"/issuers/uni/credentials/{issued['id']}/revoke",
                     json={"reason": "awarded in error"}).raise_for_status()
    page.reload()
    panel = page.locator("section.panel")
    assert panel.get_attribute("data-state") == "revoked"
    assert panel.locator("h2").inner_text().strip().endswith("Revoked")
    assert "The issuer has revoked it." in panel.inner_text()
    # Issue 11.8: nothing on a revoked badge's page invites sharing it.
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0
    assert page.locator("aside.share, img.qr, ul.downloads, [data-copy]").count() == 0
    assert page.get_by_role("alert").inner_text().startswith("This credential has been revoked")
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    screenshot(page, "badge-page-revoked")


def test_phone_layout_and_keyboard(browser, live, issue) -> None:
    issued = issue()
    context = browser.new_context(base_url=live.base_url, viewport={"width": 375, "height": 740},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.goto(f"/credentials/{issued['id']}")
        overflow = tab.evaluate("document.documentElement.scrollWidth") - 375
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        screenshot(tab, "badge-page-phone")
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.textContent") == "Skip to content"
        tab.keyboard.press("Enter")
        assert tab.evaluate("location.hash") == "#main"
    finally:
        context.close()


def test_verify_page_upload(page, live, issue, tmp_path) -> None:
    issued = issue()
    with live.http() as http:
        baked = tmp_path / "badge.png"
        baked.write_bytes(http.get(f"/credentials/{issued['id']}.png").content)
    page.goto("/verify")
    page.get_by_label("Or upload a badge image or file").set_input_files(str(baked))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("section.panel")
    panel = page.locator("section.panel")
    assert panel.get_attribute("data-state") == "genuine"
    assert "Result for badge.png" in page.locator("#result-title").inner_text()
    assert page.locator("section.summary").get_by_text("Data Analysis with Python").count() >= 1
    checks = [" ".join(t.split()) for t in page.locator("li.check").all_text_contents()]
    assert any(text.startswith("Digital signature") and "passed" in text for text in checks)
    screenshot(page, "verify-page-genuine")

    # A baked sample from another issuer: the report says what could not be checked, and why.
    page.goto("/verify")
    page.get_by_label("Or upload a badge image or file").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("section.panel")
    assert page.locator("section.panel").get_attribute("data-state") == "could not check"
    assert page.locator("details.checks").get_attribute("open") is not None
    screenshot(page, "verify-page-1edtech-sample")


def test_verify_page_bad_input_is_friendly(page) -> None:
    page.goto("/verify")
    page.get_by_label("Or paste the credential").fill("this is not a badge")
    page.get_by_role("button", name="Verify").click()
    alert = page.get_by_role("alert")
    assert re.search("No credential found", alert.inner_text())
    assert page.get_by_label("Or paste the credential").input_value() == "this is not a badge"
    screenshot(page, "verify-page-error")


def test_verify_results_fit_a_phone(browser, live, issue) -> None:
    """Issue 11.10: on a 390 px phone the verify page and its results never scroll sideways."""
    issued = issue()
    context = browser.new_context(base_url=live.base_url, viewport={"width": 390, "height": 844},
                                  device_scale_factor=3, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        cases = [
            ("file", str(SAMPLE)),  # another issuer's badge: long ids in the report
            ("credential", json.dumps(issued["credential"])),
            ("url", "https://10.0.0.1/" + "a-very-long-path-segment/" * 12 + "badge.json"),
            ("nothing", ""),
            ("url", f"{live.base_url}/credentials/{issued['id']}"),  # "Result for <url>"
        ]
        for kind, value in cases:
            tab.goto("/verify")
            if kind == "file":
                tab.get_by_label("Or upload a badge image or file").set_input_files(value)
            elif kind == "credential":
                tab.get_by_label("Or paste the credential").fill(value)
            elif kind == "url":
                tab.get_by_label("The badge's URL").fill(value)
            tab.get_by_role("button", name="Verify").click()
            tab.wait_for_selector("section.panel, [role=alert]")
            # A mobile browser zooms out to fit wide content (so innerWidth grows with it):
            # measure against the phone's own width.
            overflow = tab.evaluate("document.documentElement.scrollWidth") - 390
            assert overflow <= 0, f"{kind}: the page is {overflow}px wider than the phone"
            screenshot(tab, f"verify-phone-{kind}-{len(value)}")
    finally:
        context.close()
