"""In headless Chromium: a learner's progress page and a qualification's badge page render
with no script error or Content-Security-Policy violation (the ``page`` fixture fails on
either), and the progress page fits a phone. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot

FHEQ7 = [{"targetName": "FHEQ level 7", "targetFramework": "FHEQ", "targetCode": "7",
          "targetUrl": "https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks"}]
LEARNER = {"email": "grace@example.org", "name": "Grace Learner"}


def _module(http: Any, name: str, **changes: Any) -> str:
    response = http.post("/issuers/uni/achievements", json={
        "name": name, "description": f"{name}.", "criteria": {"narrative": "Pass."},
        "creditsAvailable": 20, "alignment": FHEQ7,
        "creditScheme": {"targetName": "UK Credit (CATS)", "targetFramework": "CATS",
                         "targetUrl": "https://www.qaa.ac.uk/"}, **changes})
    response.raise_for_status()
    return response.json()["id"]


def test_progress_and_qualification_pages(page, browser, live, issuer_http) -> None:
    modules = [_module(issuer_http, f"Browser module {n}") for n in ("A", "B", "C")]
    target = _module(issuer_http, "Browser PgCert", achievementType="Certificate",
                     creditsAvailable=60)
    pathway = issuer_http.post("/issuers/uni/pathways", json={
        "targetAchievementId": target,
        "rules": {"totalCredits": 60, "required": [{"achievementId": m} for m in modules]}})
    pathway.raise_for_status()
    pathway_id = pathway.json()["id"]
    for i, module in enumerate(modules[:2]):
        issuer_http.post("/issuers/uni/credentials", json={
            "achievementId": module, "recipient": LEARNER, "creditsEarned": 20,
            "assessmentRef": f"browser-{i}"}).raise_for_status()
    link = issuer_http.post(f"/issuers/uni/pathways/{pathway_id}/progress-links",
                            json={"learner": "grace@example.org"}).json()

    page.goto(f"/progress/{link['token']}")
    assert "Browser module C (required)" in page.locator("ul.missing").inner_text()
    assert page.locator("table.constituents tbody tr").count() == 2
    screenshot(page, "progress-page")
    phone = browser.new_context(base_url=live.base_url, viewport={"width": 375, "height": 740},
                                is_mobile=True)
    try:
        tab = phone.new_page()
        tab.goto(f"/progress/{link['token']}")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(tab, "progress-page-phone")
    finally:
        phone.close()

    issuer_http.post("/issuers/uni/credentials", json={
        "achievementId": modules[2], "recipient": LEARNER, "creditsEarned": 20,
        "assessmentRef": "browser-2"}).raise_for_status()
    awarded = issuer_http.get(f"/issuers/uni/pathways/{pathway_id}/progress",
                              params={"learner": "grace@example.org"}).json()["award"]
    page.goto(f"/credentials/{awarded['credentialId']}")
    assert page.locator("table.constituents tbody tr").count() == 3
    screenshot(page, "qualification-page")
    page.goto(f"/pathways/{pathway_id}")
    assert "Browser module A, Browser module B and Browser module C are required." in \
        page.locator("ul.rules").inner_text()
