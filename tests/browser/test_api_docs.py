"""In headless Chromium: /docs (Swagger UI) and /redoc (ReDoc) render the API reference with
nothing loaded from elsewhere and no Content-Security-Policy violation (the ``page`` fixture
fails a test on any console error, which is where Chromium reports violations)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot


def _watch(tab: Any, base_url: str) -> list[str]:
    """URLs of requests that leave this origin (data: and blob: stay in the page)."""
    elsewhere: list[str] = []

    def on_request(request: Any) -> None:
        url = request.url
        if not (url.startswith(base_url + "/") or url.startswith(("data:", "blob:"))):
            elsewhere.append(url)

    tab.on("request", on_request)
    return elsewhere


def test_swagger_ui_offline(page, live) -> None:
    elsewhere = _watch(page, live.base_url)
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", state="visible")
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert any("/issuers/{slug}/achievements" in path for path in paths), paths
    # The examples are there: open "Issue one credential" and read its example body.
    page.locator("#operations-credentials-issue_issuers__slug__credentials_post").click()
    page.wait_for_selector("text=ada.lovelace@example.org")
    screenshot(page, "api-docs-swagger")
    assert elsewhere == []


def test_redoc_offline(page, live) -> None:
    elsewhere = _watch(page, live.base_url)
    page.goto("/redoc")
    page.wait_for_selector("h1:has-text('vcissuer')")
    page.locator("h2", has_text="Create an issuer (admin key)").first.wait_for()
    assert page.locator("[data-section-id^='operation/']").count() > 20
    screenshot(page, "api-docs-redoc")
    assert elsewhere == []


def test_documentation_pages_headers(live) -> None:
    with live.http() as http:
        swagger, redoc = http.get("/docs"), http.get("/redoc")
        asset = http.get("/static/docs/swagger-ui-bundle.js")
        missing = http.get("/static/docs/core.py")
        redoc_js = http.get("/static/docs/redoc.standalone.js").text
    for response in (swagger, redoc):
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "connect-src 'self'" in policy
        assert "cdn" not in response.text.lower()
    assert "style-src 'self';" in swagger.headers["content-security-policy"]
    assert "worker-src" not in swagger.headers["content-security-policy"]
    # Only ReDoc needs inline styles and a blob: worker.
    assert "style-src 'self' 'unsafe-inline'" in redoc.headers["content-security-policy"]
    assert "worker-src blob:" in redoc.headers["content-security-policy"]
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    assert missing.status_code == 404
    # ReDoc's one reference to its CDN (a logo) is replaced in the copy served.
    assert "cdn.redoc.ly" not in redoc_js
