"""VC-API exchanges (the Learner Credential Wallet's flow), on SQLite and PostgreSQL.

A wallet over real HTTP first; then one refusal per way an exchange step can be refused, each
as problem details whose ``type`` is the Data Integrity error code where one applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer
from tests.live import LiveServer, serve
from tests.wallet.flow import SteppingClock, make_offer, redeem, setup_issuer, token_request
from tests.wallet.holder import Holder, assert_verifies
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.store import Database
from vcissuer.verify import verify_credential

BASE = "http://testserver"
SECURITY = "https://w3id.org/security#"


@pytest.fixture
def live(db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    with serve(db, tmp_path / "keys") as server:
        yield server


def test_the_learner_credential_wallet_flow_over_http(live: LiveServer) -> None:
    http = live.http
    headers, achievement = setup_issuer(http, live.services, bearer(api_key(live.services)))
    offer = make_offer(http, headers, achievement["id"])

    # The LCW deep link names the exchange; the interaction URL lists the protocols.
    link = urlsplit(offer["lcwDeepLink"])
    assert (link.scheme, link.netloc, link.path) == ("https", "lcw.app", "/request")
    request = json.loads(parse_qs(link.query)["request"][0])
    assert request == {"credentialRequestOrigin": live.base_url,
                       "protocols": {"vcapi": offer["exchangeUrl"]}}
    protocols = http.get(offer["interactionUrl"],
                         headers={"Accept": "application/json"}).json()["protocols"]
    assert protocols["vcapi"] == offer["exchangeUrl"]
    assert protocols["OID4VCI"] == offer["deepLink"]

    # Start the exchange: a DIDAuthentication request with a challenge and a domain.
    holder = Holder.ed25519()
    started = http.post(protocols["vcapi"], json={})
    assert started.status_code == 200, started.text
    vpr = started.json()["verifiablePresentationRequest"]
    assert vpr["query"][0]["type"] == "DIDAuthentication"
    assert vpr["domain"] == live.base_url
    # Answer with a presentation signed for that challenge and domain.
    presentation = holder.presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    response = http.post(protocols["vcapi"], json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    delivered = response.json()["verifiablePresentation"]
    assert delivered["type"] == ["VerifiablePresentation"]
    credential = delivered["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == holder.did
    did = credential["issuer"]["id"]
    document = http.get("/issuers/uni/did.json").json()
    assert_verifies(verify_credential(credential, resolver=StaticResolver({did: document})))
    # The exchange is complete; its OpenID4VCI twin is spent too.
    again = http.post(protocols["vcapi"], json={"verifiablePresentation": presentation})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    state = http.get(f"/issuers/uni/offers/{offer['offerId']}", headers=headers).json()
    assert (state["state"], state["channel"], state["holder"]) == (
        "redeemed", "vc-api", holder.did)
    assert token_request(http, offer["preAuthorizedCode"]).json()["error"] == "invalid_grant"


# --- refusals

@pytest.fixture
def clock(services: Services) -> SteppingClock:
    stepping = SteppingClock()
    services.clock = stepping
    return stepping


@pytest.fixture
def exchange(client: TestClient, services: Services, admin: dict[str, str]
             ) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The path of a fresh offer's exchange, the LMS's headers, and the offer."""
    headers, achievement = setup_issuer(client, services, admin)
    offer = make_offer(client, headers, achievement["id"])
    return offer["exchangeUrl"].removeprefix(BASE), headers, offer


def start(client: TestClient, path: str) -> dict[str, Any]:
    response = client.post(path)  # an empty body starts the exchange too
    assert response.status_code == 200, response.text
    return response.json()["verifiablePresentationRequest"]


def problem(response: Any, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == type_, body
    assert body["status"] == status
    return body


def present(client: TestClient, path: str, presentation: Any) -> Any:
    return client.post(path, json={"verifiablePresentation": presentation})


def test_wrong_challenge(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    vpr = start(client, path)
    vp = Holder.ed25519().presentation(challenge="not-the-challenge", domain=vpr["domain"])
    problem(present(client, path, vp), 400, SECURITY + "INVALID_CHALLENGE_ERROR")


def test_an_earlier_challenge_is_dead_once_a_new_one_is_issued(client: TestClient,
                                                               exchange) -> None:
    path, _, _ = exchange
    first = start(client, path)
    start(client, path)
    vp = Holder.ed25519().presentation(challenge=first["challenge"], domain=first["domain"])
    problem(present(client, path, vp), 400, SECURITY + "INVALID_CHALLENGE_ERROR")


def test_wrong_domain(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    vpr = start(client, path)
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"],
                                       domain="https://elsewhere.example")
    problem(present(client, path, vp), 400, SECURITY + "INVALID_DOMAIN_ERROR")


def test_unsigned_presentation(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    start(client, path)
    vp = Holder.ed25519().presentation(challenge=None, domain=None, signed=False)
    problem(present(client, path, vp), 400, SECURITY + "PROOF_VERIFICATION_ERROR")


def test_tampered_presentation(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    vpr = start(client, path)
    holder = Holder.ed25519()
    vp = holder.presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    vp["holder"] = Holder.ed25519().did  # claims another holder after signing
    problem(present(client, path, vp), 400, SECURITY + "PROOF_VERIFICATION_ERROR")


def test_holder_that_did_not_sign(client: TestClient, exchange) -> None:
    from vcissuer.credentials.contexts import VC_V2
    from vcissuer.proofs import Authentication, add_proof

    path, _, _ = exchange
    vpr = start(client, path)
    signer, claimed = Holder.ed25519(), Holder.ed25519()
    vp = add_proof({"@context": [VC_V2], "type": ["VerifiablePresentation"],
                    "holder": claimed.did}, signer=signer.pair.signer(signer.kid),
                   purpose=Authentication(challenge=vpr["challenge"], domain=vpr["domain"]))
    body = problem(present(client, path, vp), 400, SECURITY + "PROOF_VERIFICATION_ERROR")
    assert "is not the signer" in body["detail"]


def test_presentation_that_is_not_an_object(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    start(client, path)
    problem(present(client, path, "eyJhbGciOi..."), 400,
            "https://www.w3.org/2018/credentials#PARSING_ERROR")


def test_body_that_is_not_json(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    response = client.post(path, content=b"{not json",
                           headers={"content-type": "application/json"})
    problem(response, 400, "https://www.w3.org/2018/credentials#PARSING_ERROR")


def test_expired_challenge(client: TestClient, clock: SteppingClock, exchange) -> None:
    path, _, _ = exchange
    vpr = start(client, path)
    clock.advance(minutes=5, seconds=1)
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    problem(present(client, path, vp), 400, SECURITY + "INVALID_CHALLENGE_ERROR")


def test_expired_exchange(client: TestClient, clock: SteppingClock, exchange) -> None:
    path, _, offer = exchange
    vpr = start(client, path)
    clock.advance(minutes=10, seconds=1)
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    problem(present(client, path, vp), 410, "urn:vcissuer:problem:exchange-expired")
    problem(client.post(path), 410, "urn:vcissuer:problem:exchange-expired")
    interaction = offer["interactionUrl"].removeprefix(BASE)
    problem(client.get(interaction), 410, "urn:vcissuer:problem:exchange-expired")


def test_replayed_presentation(client: TestClient, exchange) -> None:
    path, _, _ = exchange
    vpr = start(client, path)
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    assert present(client, path, vp).status_code == 200
    problem(present(client, path, vp), 409, "urn:vcissuer:problem:exchange-complete")


def test_unknown_exchange(client: TestClient) -> None:
    problem(client.post("/exchanges/no-such-exchange"), 404, "urn:vcissuer:problem:not-found")
    problem(client.get("/interactions/no-such-exchange?iuv=1"), 404,
            "urn:vcissuer:problem:not-found")


def test_superseded_exchange(client: TestClient, services: Services, admin) -> None:
    headers, achievement = setup_issuer(client, services, admin)
    first = make_offer(client, headers, achievement["id"])
    make_offer(client, headers, achievement["id"])
    problem(client.post(first["exchangeUrl"].removeprefix(BASE)), 410,
            "urn:vcissuer:problem:exchange-superseded")


def test_redeemed_over_openid4vci_first(client: TestClient, exchange) -> None:
    path, _, offer = exchange
    vpr = start(client, path)
    assert redeem(client, offer, Holder.ed25519(), aud=BASE).status_code == 200
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    problem(present(client, path, vp), 409, "urn:vcissuer:problem:exchange-complete")


def test_an_issued_credential_offered_by_exchange(client: TestClient, services: Services,
                                                  admin) -> None:
    headers, achievement = setup_issuer(client, services, admin)
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"])).json()
    offer = client.post("/issuers/uni/offers", headers=headers,
                        json={"credentialId": issued["id"]}).json()
    path = offer["exchangeUrl"].removeprefix(BASE)
    vpr = start(client, path)
    vp = Holder.ed25519().presentation(challenge=vpr["challenge"], domain=vpr["domain"])
    response = present(client, path, vp)
    assert response.status_code == 200, response.text
    assert response.json()["verifiablePresentation"]["verifiableCredential"] == [
        issued["credential"]]
    # A revoked credential cannot be offered.
    revoked = client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=headers,
                          json={"reason": "test"})
    assert revoked.status_code == 200, revoked.text
    refused = client.post("/issuers/uni/offers", headers=headers,
                          json={"credentialId": issued["id"]})
    assert refused.status_code == 409, refused.text
