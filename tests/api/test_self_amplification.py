"""Issue 12.6: verification reads our own documents locally and never calls itself.

The real app under uvicorn on loopback, its default verifier (nothing injected), and an ASGI
wrapper that records every request the server receives: a verification of our own
``/verify?url=...`` URL must reach the server once (the request itself), not 38-40 times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.live import serving
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import Limit
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.net.fetch import USER_AGENT
from vcissuer.store import Database

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


class Recorder:
    """ASGI middleware: the path and query of every HTTP request the server receives."""

    def __init__(self, app: ASGIApp, *, hits: list[str]) -> None:
        self.app, self.hits = app, hits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").decode()
            self.hits.append(scope["path"] + ("?" + query if query else ""))
        await self.app(scope, receive, send)


@dataclass
class Live:
    base: str
    http: httpx.Client
    hits: list[str]
    issued: dict[str, Any]


@pytest.fixture
def live(db: Database, tmp_path: Path) -> Iterator[Live]:
    keys = tmp_path / "keys"
    hits: list[str] = []

    def make(base_url: str) -> FastAPI:
        app = create_app(Services(db=db, keyring=Keyring(keys, passphrase=None),
                                  lookup=LookupKey(keys), base_url=base_url),
                         rate_limits={"verify": Limit(0)})
        app.add_middleware(Recorder, hits=hits)
        return app

    with serving(make) as (base_url, app), \
            httpx.Client(base_url=base_url, timeout=30) as http:
        services = app.state.services
        make_issuer(http, bearer(api_key(services)))
        headers = bearer(api_key(services, issuer_slug="uni"))
        issued = http.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(make_achievement(http, headers)["id"])).json()
        hits.clear()
        yield Live(base_url, http, hits, issued)


def _verify_url(base: str, url: str) -> str:
    return f"{base}/verify?url={quote(url, safe='')}"


def test_our_own_credential_verifies_without_a_request_to_ourselves(live: Live) -> None:
    """The DID document and the status list the credential names are read locally."""
    own = f"{live.base}/credentials/{live.issued['id']}"
    response = live.http.get("/verify", params={"url": own})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    response = live.http.post("/credentials/verify",
                              json={"verifiableCredential": live.issued["credential"]})
    assert response.status_code == 200, response.text
    baked = live.http.post("/verify/url", json={"url": own + ".png"})
    assert baked.status_code == 200, baked.text
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [live.issued["credential"]]}
    response = live.http.post("/presentations/verify",
                              json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    assert [hit.partition("?")[0] for hit in live.hits] == \
        ["/verify", "/credentials/verify", "/verify/url", "/presentations/verify"]


@pytest.mark.parametrize("depth", [1, 3])
def test_verifying_our_own_verify_url_sends_no_request_to_it(live: Live, depth: int) -> None:
    """One request of our own /verify URL reaches /verify once: refused as problem+json
    naming the URL and the rule, with no request to ourselves."""
    url = f"{live.base}/credentials/{live.issued['id']}"
    for _ in range(depth):
        url = _verify_url(live.base, url)
    response = live.http.get("/verify", params={"url": url})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "url"
    assert problem["errors"][0]["rule"] == "fetch-policy"
    assert "does not send requests to itself" in problem["detail"]
    assert len(live.hits) == 1 and live.hits[0].startswith("/verify?url=")

    live.hits.clear()
    assert live.http.post("/verify/url", json={"url": url}).status_code == 400
    assert live.hits == ["/verify/url"]


def test_the_verify_page_does_not_call_itself_either(live: Live) -> None:
    url = _verify_url(live.base, f"{live.base}/credentials/{live.issued['id']}")
    response = live.http.get("/verify", params={"url": url}, headers=BROWSER)
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"].startswith("text/html")
    assert len(live.hits) == 1


def test_a_verifiers_fetcher_may_not_ask_us_to_verify(live: Live) -> None:
    """Another name of this service (an alias, its address) is not recognised as ours; a
    request from a verifier's fetcher to a verification route ends that loop at once."""
    url = f"{live.base}/credentials/{live.issued['id']}"
    response = live.http.get("/verify", params={"url": url}, headers={"User-Agent": USER_AGENT})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:vcissuer:problem:verification-loop"
    # What a verifier legitimately fetches from us is still served to it.
    document = live.http.get("/issuers/uni/did.json", headers={"User-Agent": USER_AGENT})
    assert document.status_code == 200


def test_a_status_list_named_at_our_own_verify_url_could_not_be_checked(live: Live) -> None:
    """A credential that names our /verify as its status list: that check is "could not
    check" (the report says why), and the list is not requested."""
    credential = dict(live.issued["credential"])
    credential["credentialStatus"] = {
        **credential["credentialStatus"],
        "statusListCredential": _verify_url(live.base, f"{live.base}/credentials/x")}
    response = live.http.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 422, response.text
    status = next(c for c in response.json()["checks"] if c["check"] == "status")
    assert status["outcome"] == "could not check", status
    assert "does not send requests to itself" in str(status)
    assert live.hits == ["/credentials/verify"]
