"""Verification over HTTP: VC-API verify endpoints, verify-by-URL, rate limits; and end to end
against the real service on loopback (did:web and status lists fetched from it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.conftest import load_json
from tests.live import serving
from tests.net.fakeweb import FakeWeb
from tests.verify.issuing import clock, did_web_issuer, status_entry
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import TokenBuckets
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.net import FetchPolicy
from vcissuer.proofs import Authentication
from vcissuer.store import Database
from vcissuer.verify import Verifier

SAMPLES = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30"
LIST_URL = "https://issuer.example/status/acme/list-1"
CREDENTIAL_URL = "https://badges.example/credentials/1"


@pytest.fixture
def world():
    web = FakeWeb()
    issuer = did_web_issuer(web)
    web.add(LIST_URL, issuer.status_list(LIST_URL, set_bits=(9,)))
    good = issuer.credential(status=status_entry(LIST_URL, 1))
    revoked = issuer.credential(status=status_entry(LIST_URL, 9))
    web.add(CREDENTIAL_URL, good, content_type="application/vc+ld+json")
    web.add("https://badges.example/baked.png", (SAMPLES / "baked/simple-json.png").read_bytes(),
            content_type="image/png")
    return web, issuer, good, revoked


@pytest.fixture
def verify_client(services: Services, world) -> Iterator[TestClient]:
    web = world[0]
    app = create_app(services)
    app.state.verifier = web.verifier(clock=clock, trust_embedded_keys=True)
    with TestClient(app) as client:
        yield client


def _is_report(body: dict[str, Any]) -> None:
    assert {"verified", "verdict", "checks", "problems"} <= set(body)
    assert [c["check"] for c in body["checks"]][:6] == [
        "structure", "proof", "issuer key", "status", "validity period", "endorsements"]


def test_verify_credential_200(verify_client: TestClient, world) -> None:
    response = verify_client.post("/credentials/verify",
                                  json={"verifiableCredential": world[2], "options": {}})
    assert response.status_code == 200, response.text
    body = response.json()
    _is_report(body)
    assert body["verified"] is True and body["verdict"] == "verified"


def test_verify_revoked_credential_422_with_the_report(verify_client: TestClient, world) -> None:
    response = verify_client.post("/credentials/verify", json={"verifiableCredential": world[3]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    _is_report(body)
    assert body["verified"] is False and body["revoked"] is True
    assert body["verdict"] == "not verified"
    status = next(c for c in body["checks"] if c["check"] == "status")
    assert status["outcome"] == "failed" and status["problems"][0]["code"] == "REVOKED"


def test_verify_tampered_credential_422(verify_client: TestClient, world) -> None:
    tampered = {**world[2], "name": "Forged"}
    body = verify_client.post("/credentials/verify",
                              json={"verifiableCredential": tampered}).json()
    assert "PROOF_VERIFICATION_ERROR" in {p["code"] for p in body["problems"]}


def test_verify_vc_jwt_string(verify_client: TestClient) -> None:
    from vcissuer.baking import unbake

    token = unbake((SAMPLES / "baked/simple-jwt.png").read_bytes())
    response = verify_client.post("/credentials/verify", json={"verifiableCredential": token})
    assert response.status_code == 200, response.text
    assert response.json()["format"] == "jwt"


@pytest.mark.parametrize("body", [{"verifiableCredential": "not a token"},
                                  {"verifiableCredential": "a.b"}])
def test_unparseable_credential_400(verify_client: TestClient, body) -> None:
    response = verify_client.post("/credentials/verify", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_malformed_json_400_and_missing_member_422(verify_client: TestClient) -> None:
    response = verify_client.post("/credentials/verify", content=b"{nope",
                                  headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    response = verify_client.post("/credentials/verify", json={"credential": {}})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_not_a_credential_object_is_a_422_report(verify_client: TestClient) -> None:
    response = verify_client.post("/credentials/verify", json={"verifiableCredential": {}})
    assert response.status_code == 422
    assert response.json()["verdict"] == "not verified"


def test_verify_presentation(verify_client: TestClient, world) -> None:
    _, issuer, good, revoked = world
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"], "holder": issuer.did,
          "verifiableCredential": [good]}
    signed = issuer.sign(vp, purpose=Authentication(challenge="n-1", domain="hr.example"))
    ok = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": signed,
        "options": {"challenge": "n-1", "domain": "hr.example"}})
    assert ok.status_code == 200, ok.text
    assert ok.json()["credentialResults"][0]["verified"] is True
    replayed = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": "n-2"}})
    assert replayed.status_code == 422
    assert replayed.json()["presentationResult"]["verified"] is False
    unsigned = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": {**vp, "verifiableCredential": [good, revoked]}})
    assert unsigned.status_code == 422
    assert [r["verified"] for r in unsigned.json()["credentialResults"]] == [True, False]


@pytest.mark.parametrize("how", ["get", "post"])
def test_verify_by_url(verify_client: TestClient, how: str) -> None:
    def call(url: str) -> httpx.Response:
        if how == "get":
            return verify_client.get("/verify", params={"url": url})
        return verify_client.post("/verify/url", json={"url": url})

    response = call(CREDENTIAL_URL)
    assert response.status_code == 200, response.text
    assert response.json()["url"] == CREDENTIAL_URL
    baked = call("https://badges.example/baked.png")
    assert baked.status_code == 200, baked.text
    missing = call("https://badges.example/credentials/404")
    assert missing.status_code == 422
    check = missing.json()["checks"][0]
    assert check["check"] == "retrieval" and check["outcome"] == "could not check"
    assert "404" in check["problems"][0]["message"]
    for refused in ("http://10.0.0.1/credential", "https://169.254.169.254/latest",
                    "file:///etc/passwd", "https://[::1]/x"):
        response = call(refused)
        assert response.status_code == 400, refused
        assert response.headers["content-type"] == "application/problem+json"


def test_rate_limit_per_client_address(verify_client: TestClient, world) -> None:
    verify_client.app.state.rate_limit = TokenBuckets(rate=0.5, burst=2)
    body = {"verifiableCredential": world[2]}
    codes = [verify_client.post("/credentials/verify", json=body).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = verify_client.get("/verify", params={"url": CREDENTIAL_URL})
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["status"] == 429
    # Other endpoints are not counted.
    assert verify_client.get("/issuers/nobody").status_code == 404


def test_token_buckets_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate=2.0, burst=2, monotonic=lambda: now[0])
    assert [buckets.take("a") for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0.0
    now[0] = 0.5
    assert buckets.take("a") == 0.0


def test_default_verifier_trusts_only_its_own_origin(services: Services) -> None:
    with TestClient(create_app(services)) as client:
        verifier = client.app.state.verifier
        assert verifier.fetcher.policy.trusted_origins == frozenset({"http://testserver:80"})
        assert not verifier.fetcher.policy.allow_http
    assert not hasattr(client.app.state, "verifier")


# --- end to end: the real service on loopback -------------------------------------------------


@dataclass
class _Service:
    base: str
    services: Services


@pytest.fixture
def service(db: Database, tmp_path: Path) -> Iterator[_Service]:
    """The real app under uvicorn on 127.0.0.1:<free port>, in a thread."""
    keys = tmp_path / "keys"

    def make(base_url: str) -> FastAPI:
        app = create_app(Services(db=db, keyring=Keyring(keys, passphrase=None),
                                  lookup=LookupKey(keys), base_url=base_url))
        # Its own verifier: trusts its own origin (the default) and keeps no status list.
        app.state.verifier = Verifier.create(FetchPolicy.for_service(base_url), status_ttl=0)
        return app

    with serving(make) as (base_url, app):
        yield _Service(base_url, app.state.services)


async def test_issued_credentials_verify_over_did_web_from_the_running_service(
        service: _Service) -> None:
    with httpx.Client(base_url=service.base, timeout=10) as http:
        make_issuer(http, bearer(api_key(service.services)))
        headers = bearer(api_key(service.services, issuer_slug="uni"))
        achievement = make_achievement(http, headers)
        issued = http.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"])).json()
        jwt = http.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"], ref="jwt", format="jwt")).json()
        credential = issued["credential"]
        assert credential["issuer"]["id"].startswith("did:web:127.0.0.1%3A")

        verifier = Verifier.create(FetchPolicy.for_service(service.base), status_ttl=0)
        try:
            for secured in (credential, jwt["jwt"]):
                report = await verifier.verify_credential(secured)
                assert report.verified, report.to_json()
                assert report.check("issuer key").detail == credential["issuer"]["id"]
            # The DID document came from the service over loopback, through the guard.
            verifier.retriever.clear()
            fetched = (await verifier.retriever.retrieve(credential)).fetched
            assert any(url.endswith("/issuers/uni/did.json") for url in fetched)
            # A verifier that does not trust the service's origin refuses to fetch from it.
            stranger = Verifier.create(FetchPolicy(allow_http=True))
            try:
                report = await stranger.verify_credential(credential)
                assert not report.verified and "loopback" in str(report.to_json())
            finally:
                await stranger.aclose()
        finally:
            await verifier.aclose()

        # The service verifies its own credentials through its own endpoint too.
        response = http.post("/credentials/verify", json={"verifiableCredential": credential})
        assert response.status_code == 200, response.text
        by_url = http.get("/verify", params={"url": f"{service.base}/credentials/{issued['id']}"})
        assert by_url.status_code == 200, by_url.text


async def test_revocation_suspension_and_reinstatement_end_to_end(service: _Service) -> None:
    with httpx.Client(base_url=service.base, timeout=10) as http:
        make_issuer(http, bearer(api_key(service.services)))
        headers = bearer(api_key(service.services, issuer_slug="uni"))
        revocable = make_achievement(http, headers)
        suspendable = make_achievement(http, headers, suspendable=True)
        a = http.post("/issuers/uni/credentials", headers=headers,
                      json=assessment(revocable["id"], ref="a")).json()
        b = http.post("/issuers/uni/credentials", headers=headers,
                      json=assessment(suspendable["id"], ref="b")).json()

        def verify(issued: dict[str, Any]) -> dict[str, Any]:
            response = http.post("/credentials/verify",
                                 json={"verifiableCredential": issued["credential"]})
            assert response.status_code in (200, 422), response.text
            return response.json()

        assert verify(a)["verified"] and verify(b)["verified"]

        changed = http.post(f"/issuers/uni/credentials/{a['id']}/revoke", headers=headers,
                            json={"reason": "academic misconduct"})
        assert changed.status_code == 200, changed.text
        report = verify(a)
        assert report["verified"] is False and report["revoked"] is True
        status = next(c for c in report["checks"] if c["check"] == "status")
        assert status["outcome"] == "failed" and status["problems"][0]["code"] == "REVOKED"

        assert http.post(f"/issuers/uni/credentials/{b['id']}/suspend", headers=headers,
                         json={"reason": "under appeal"}).status_code == 200
        report = verify(b)
        assert report["verified"] is False and report["suspended"] is True
        assert http.post(f"/issuers/uni/credentials/{b['id']}/reinstate", headers=headers,
                         json={"reason": "appeal upheld"}).status_code == 200
        assert verify(b)["verified"] is True
        assert verify(a)["verified"] is False


def test_validator_sample_verifies_through_the_api(verify_client: TestClient) -> None:
    sample = load_json(SAMPLES / "valid/simple.json")
    response = verify_client.post("/credentials/verify", json={"verifiableCredential": sample})
    assert response.status_code == 200, response.text
