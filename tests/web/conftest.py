"""Page tests: the real ASGI app on real SQLite and PostgreSQL, as a browser and as a program."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (  # noqa: F401
    BASE_URL,
    admin,
    api_key,
    assessment,
    bearer,
    make_achievement,
    make_issuer,
    services,
)
from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import TokenBuckets
from vcissuer.issuance.context import Services
from vcissuer.web import page_verifier

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
                     "image/avif,image/webp,*/*;q=0.8"}


async def no_network(host: str, port: int) -> list[str]:
    """Tests never leave the machine: any outbound fetch fails at once."""
    raise OSError(f"no network in tests ({host})")


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services, max_body_bytes=2 * 1024 * 1024)
    app.state.page_verifier = page_verifier(services, resolve=no_network)
    app.state.rate_limit = TokenBuckets(rate=1000, burst=1000)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def issuer_headers(client: TestClient, services: Services, admin: dict[str, str]
                   ) -> dict[str, str]:
    make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni"))


def issue(client: TestClient, headers: dict[str, str], achievement: dict[str, Any],
          ref: str = "lms-42", **changes: Any) -> dict[str, Any]:
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], ref=ref, **changes))
    assert response.status_code == 201, response.text
    return response.json()


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def state_of(html: str) -> str:
    """The verification panel's state (data-state attribute)."""
    marker = 'data-state="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]
