"""Browser tests: the service under uvicorn on 127.0.0.1, driven by headless Chromium.

Chromium is Debian's ``chromium`` package and Playwright drives it by executable path (its own
browser download is never used); ``scripts/browser-deps`` installs both. Without them these tests
skip, saying why. Screenshots go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import MICRO_CREDENTIAL, api_key, assessment, bearer
from tests.live import serving
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.web import page_verifier


async def no_network(host: str, port: int) -> list[str]:
    raise OSError(f"no network in tests ({host})")

CHROMIUM = os.environ.get("VCISSUER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not installed at {CHROMIUM} (run scripts/browser-deps)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (run scripts/browser-deps)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    if reason is None:
        return
    if os.environ.get("VCISSUER_REQUIRE_BROWSER"):  # set by .ci/run: CI never skips these
        raise pytest.UsageError(f"browser tests required but {reason}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class LiveService:
    """The app under uvicorn on loopback, and HTTP clients for it."""

    base_url: str
    services: Services

    def http(self, headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=headers or {}, timeout=30,
                            trust_env=False)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    if _skip_reason() is not None:
        pytest.skip(_skip_reason() or "")
    directory = tmp_path_factory.mktemp("live")

    def make(base_url: str) -> FastAPI:
        services = Services.create(database_url=f"sqlite:///{directory / 'db.sqlite3'}",
                                   key_dir=directory / "keys", passphrase=None,
                                   base_url=base_url)
        app = create_app(services)
        # Everything these tests verify is this service's own: nothing may leave the machine.
        app.state.page_verifier = page_verifier(services, resolve=no_network)
        return app

    with serving(make) as (base_url, app):
        service = LiveService(base_url, app.state.services)
        with service.http(bearer(api_key(service.services))) as admin:
            admin.post("/issuers", json={"slug": "uni", "name": "Example University",
                                         "url": "https://www.example.ac.uk",
                                         "description": "A university that issues micro-"
                                                        "credentials."}).raise_for_status()
        yield service
    service.services.db.dispose()


@pytest.fixture(scope="module")
def issuer_http(live: LiveService) -> Iterator[httpx.Client]:
    with live.http(bearer(api_key(live.services, issuer_slug="uni"))) as client:
        yield client


@pytest.fixture(scope="module")
def achievement(issuer_http: httpx.Client) -> dict[str, Any]:
    response = issuer_http.post("/issuers/uni/achievements",
                                json={**MICRO_CREDENTIAL, "suspendable": False})
    response.raise_for_status()
    return response.json()


@pytest.fixture
def issue(issuer_http: httpx.Client, achievement: dict[str, Any], request: pytest.FixtureRequest):
    def issue_one(**changes: Any) -> dict[str, Any]:
        ref = f"{request.node.name}-{time.monotonic_ns()}"
        body = assessment(achievement["id"], ref=ref,
                          validUntil="2099-06-30T00:00:00Z", **changes)
        response = issuer_http.post("/issuers/uni/credentials", json=body)
        response.raise_for_status()
        return response.json()

    return issue_one


# Module scope: the sync Playwright API keeps an event loop running in the main thread while
# open, which would break every later test that calls asyncio.run().
@pytest.fixture(scope="module")
def browser(live: LiveService) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live: LiveService) -> Iterator[Any]:
    """A fresh page; any Content-Security-Policy violation or script error fails the test."""
    context = browser.new_context(base_url=live.base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.base_url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    expected = "Failed to load resource: the server responded with a status of 400"

    def on_console(message: Any) -> None:
        # The friendly error page of the verify page is itself a 400: that one is expected.
        if message.type == "error" and not message.text.startswith(expected):
            problems.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    context.close()
    assert problems == [], problems


def screenshot(tab: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
