"""OpenID4VCI 1.0 pre-authorized code flow through the real ASGI app, on SQLite and PostgreSQL.

The happy paths (ldp_vc and jwt_vc_json, did:key kid and jwk keys), then one refusal per way the
token and credential endpoints can refuse, each in the protocol's own error format.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_issuer
from tests.live import LiveServer, serve
from tests.wallet.flow import (
    JWT_VC_JSON,
    LDP_VC,
    PRE_AUTH,
    SteppingClock,
    access_token,
    c_nonce,
    credential_request,
    make_offer,
    offer_uri,
    redeem,
    setup_issuer,
    token_request,
)
from tests.wallet.holder import Holder, assert_verifies, tamper_signature
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.store import Database
from vcissuer.verify import verify_credential

ISSUER = "http://testserver"


@pytest.fixture
def clock(services: Services) -> SteppingClock:
    stepping = SteppingClock()
    services.clock = stepping  # the app holds this same Services object
    return stepping


@pytest.fixture
def lms(client: TestClient, services: Services, admin: dict[str, str]
        ) -> tuple[dict[str, str], dict[str, Any]]:
    return setup_issuer(client, services, admin)


def oauth_error(response: Any, error: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error, body
    assert isinstance(body.get("error_description"), str)
    if status == 401:
        assert response.headers["www-authenticate"].startswith(f'Bearer error="{error}"')
    return body


def resolver(client: TestClient, slug: str = "uni") -> StaticResolver:
    document = client.get(f"/issuers/{slug}/did.json").json()
    return StaticResolver({document["id"]: document})


# --- end to end: a wallet over real HTTP on loopback

@pytest.fixture
def live(db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    with serve(db, tmp_path / "keys") as server:
        yield server


def test_a_wallet_redeems_an_offer_over_http(live: LiveServer) -> None:
    http = live.http
    # The LMS: an issuer, its API key and achievement, an offer with a transaction code.
    headers, achievement = setup_issuer(http, live.services, bearer(api_key(live.services)))
    offer = make_offer(http, headers, achievement["id"], txCode=True)
    deep_link, tx_code = offer["deepLink"], offer["txCode"]  # QR code; tx_code by email

    # The wallet: the offer by reference, then the issuer's and the token server's metadata.
    holder = Holder.ed25519()
    credential_offer = http.get(offer_uri(deep_link)).json()
    issuer = credential_offer["credential_issuer"]
    assert issuer == live.base_url
    metadata = http.get(f"{issuer}/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == issuer
    configuration = credential_offer["credential_configuration_ids"][0]
    assert metadata["credential_configurations_supported"][configuration]["format"] == "ldp_vc"
    server = http.get(f"{issuer}/.well-known/oauth-authorization-server").json()
    grant = credential_offer["grants"][PRE_AUTH]
    assert "tx_code" in grant
    token = http.post(server["token_endpoint"], data={
        "grant_type": PRE_AUTH, "pre-authorized_code": grant["pre-authorized_code"],
        "tx_code": tx_code})
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer" and token.json()["expires_in"] <= 300
    nonce = http.post(metadata["nonce_endpoint"]).json()["c_nonce"]
    response = http.post(
        metadata["credential_endpoint"],
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        json={"credential_configuration_id": configuration,
              "proofs": {"jwt": [holder.proof(aud=issuer, nonce=nonce)]}})
    assert response.status_code == 200, response.text
    credential = response.json()["credentials"][0]["credential"]

    # It names the wallet's DID and verifies with the issuer's DID document, fetched over HTTP.
    assert credential["credentialSubject"]["id"] == holder.did
    did = credential["issuer"]["id"]
    assert did == f"did:web:127.0.0.1%3A{urlsplit(issuer).port}:issuers:uni"
    document = http.get(f"{issuer}/issuers/uni/did.json").json()
    assert document["id"] == did
    assert_verifies(verify_credential(credential, resolver=StaticResolver({did: document})))
    # And nothing can be had twice.
    again = http.post(server["token_endpoint"], data={
        "grant_type": PRE_AUTH, "pre-authorized_code": grant["pre-authorized_code"],
        "tx_code": tx_code})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


# --- metadata and offers

def test_metadata(client: TestClient) -> None:
    issuer = client.get("/.well-known/openid-credential-issuer").json()
    assert issuer["credential_issuer"] == ISSUER
    assert issuer["credential_endpoint"] == f"{ISSUER}/oid4vci/credential"
    assert issuer["nonce_endpoint"] == f"{ISSUER}/oid4vci/nonce"
    configs = issuer["credential_configurations_supported"]
    assert configs[LDP_VC]["format"] == "ldp_vc"
    assert configs[LDP_VC]["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert configs[LDP_VC]["credential_definition"]["type"] == [
        "VerifiableCredential", "OpenBadgeCredential"]
    assert configs[JWT_VC_JSON]["format"] == "jwt_vc_json"
    assert "@context" not in configs[JWT_VC_JSON]["credential_definition"]
    for config in configs.values():
        assert config["proof_types_supported"]["jwt"][
            "proof_signing_alg_values_supported"] == ["EdDSA", "ES256"]
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == ISSUER
    assert server["token_endpoint"] == f"{ISSUER}/oid4vci/token"
    assert server["grant_types_supported"] == [PRE_AUTH]
    assert server["pre-authorized_grant_anonymous_access_supported"] is True


def test_offer_by_value_and_by_reference(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"], txCode=True)
    by_value = offer["credential_offer"]
    assert by_value["credential_issuer"] == ISSUER
    # The achievement's own configurations (its name and image in the wallet's display).
    uuid = achievement["id"].rsplit("/", 1)[-1]
    assert by_value["credential_configuration_ids"] == [f"{LDP_VC}.{uuid}",
                                                        f"{JWT_VC_JSON}.{uuid}"]
    grant = by_value["grants"][PRE_AUTH]
    assert grant["pre-authorized_code"] == offer["preAuthorizedCode"]
    assert grant["tx_code"] == {"input_mode": "numeric", "length": 6,
                                "description": grant["tx_code"]["description"]}
    assert offer["txCode"].isdigit() and len(offer["txCode"]) == 6
    assert offer_uri(offer["deepLink"]) == offer["credential_offer_uri"]
    # QR codes of both deep links, inline SVG an LMS can show as is.
    for qr in (offer["qrCode"], offer["lcwQrCode"]):
        assert qr.startswith("data:image/svg+xml")
        svg = urllib.parse.unquote(qr.partition(",")[2])
        assert svg.lstrip().startswith(("<?xml", "<svg")) and "<path" in svg
    assert offer["qrCode"] != offer["lcwQrCode"]
    fetched = client.get(offer["credential_offer_uri"].removeprefix(ISSUER))
    assert fetched.status_code == 200
    assert fetched.headers["cache-control"].startswith("no-store")
    assert fetched.json() == by_value
    # The LMS reads the state later, never the codes.
    state = client.get(f"/issuers/uni/offers/{offer['offerId']}", headers=headers).json()
    assert state["state"] == "pending" and state["txCodeRequired"] is True
    assert "txCode" not in state and "preAuthorizedCode" not in state


def test_an_explicit_format_is_the_only_configuration_offered(client: TestClient, lms) -> None:
    headers, achievement = lms
    response = client.post("/issuers/uni/offers", headers=headers, json={
        "assessment": assessment(achievement["id"], format="jwt")})
    offer = response.json()
    uuid = achievement["id"].rsplit("/", 1)[-1]
    assert offer["credential_offer"]["credential_configuration_ids"] == [
        f"{JWT_VC_JSON}.{uuid}"]
    assert "exchangeUrl" not in offer  # a VC-API exchange delivers JSON-LD credentials


def test_an_assessment_that_does_not_earn_is_refused_before_any_offer(
        client: TestClient, lms) -> None:
    headers, achievement = lms
    failing = assessment(achievement["id"], results=[
        {"resultDescription": "lo1", "value": "12"},
        {"resultDescription": "lo2", "achievedLevel": "merit"}])
    response = client.post("/issuers/uni/offers", headers=headers,
                           json={"assessment": failing})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"].startswith("results")


def test_an_already_issued_assessment_is_offered_by_credential_id(
        client: TestClient, lms) -> None:
    headers, achievement = lms
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"])).json()
    response = client.post("/issuers/uni/offers", headers=headers,
                           json={"assessment": assessment(achievement["id"])})
    assert response.status_code == 409
    assert issued["id"] in response.json()["detail"]


def test_offers_need_the_issue_scope_of_that_issuer(client: TestClient, services: Services,
                                                    admin, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    make_issuer(client, admin, slug="other")
    other = bearer(api_key(services, issuer_slug="other"))
    assert client.get(f"/issuers/uni/offers/{offer['offerId']}", headers=other).status_code == 403
    reader = bearer(api_key(services, issuer_slug="uni", scopes=["manage"]))
    response = client.post("/issuers/uni/offers", headers=reader,
                           json={"assessment": assessment(achievement["id"], ref="x")})
    assert response.status_code == 403
    assert client.post("/issuers/uni/offers", json={}).status_code == 401


@pytest.mark.parametrize("body", [
    {}, {"credentialId": "x", "assessment": None, "issue": "now"},
    {"credentialId": "x", "expiresIn": 30}, {"credentialId": "x", "expiresIn": 8 * 86400},
    {"credentialId": "x", "unknown": 1},
], ids=["neither", "issue-now-without-assessment", "too-short", "too-long", "unknown-field"])
def test_malformed_offer_requests(client: TestClient, lms, body: dict[str, Any]) -> None:
    headers, _ = lms
    response = client.post("/issuers/uni/offers", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_offering_an_unknown_credential(client: TestClient, lms) -> None:
    headers, _ = lms
    response = client.post("/issuers/uni/offers", headers=headers,
                           json={"credentialId": "no-such-credential"})
    assert response.status_code == 404, response.text


# --- the flow

def test_ldp_vc_bound_to_the_wallet_did(client: TestClient, services: Services, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"], txCode=True)
    holder = Holder.ed25519()
    response = redeem(client, offer, holder, aud=ISSUER)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    credential = response.json()["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"] == holder.did
    # The LMS's recipient stays as a hashed identifier; the credential verifies.
    assert any(i["identityType"] == "emailAddress"
               for i in credential["credentialSubject"]["identifier"])
    assert_verifies(verify_credential(credential, resolver=resolver(client)))
    # Stored exactly as delivered, found by the LMS by assessment reference.
    state = client.get(f"/issuers/uni/offers/{offer['offerId']}", headers=headers).json()
    assert state["state"] == "redeemed" and state["holder"] == holder.did
    assert state["channel"] == "oid4vci"
    public = client.get(f"/credentials/{state['credentialId']}").json()
    assert public == credential
    listed = client.get("/issuers/uni/credentials?assessmentRef=lms-42", headers=headers)
    assert [c["id"] for c in listed.json()["items"]] == [state["credentialId"]]


def test_jwt_vc_json_with_a_p256_jwk(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    holder = Holder.p256()
    token = access_token(client, offer)
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client), header_key="jwk")
    response = credential_request(client, token, proof=proof, configuration=JWT_VC_JSON)
    assert response.status_code == 200, response.text
    jwt = response.json()["credentials"][0]["credential"]
    assert isinstance(jwt, str) and jwt.count(".") == 2
    report = verify_credential(jwt, resolver=resolver(client))
    assert_verifies(report)
    assert report.credential["credentialSubject"]["id"] == holder.did


def test_authorization_details_and_credential_identifier(client: TestClient, lms) -> None:
    import json

    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": LDP_VC}])
    response = token_request(client, offer["preAuthorizedCode"], authorization_details=details)
    assert response.status_code == 200, response.text
    granted = response.json()["authorization_details"]
    assert granted == [{"type": "openid_credential", "credential_configuration_id": LDP_VC,
                        "credential_identifiers": [LDP_VC]}]
    proof = Holder.ed25519().proof(aud=ISSUER, nonce=c_nonce(client))
    issued = credential_request(client, response.json()["access_token"], proof=None, body={
        "credential_identifier": LDP_VC, "proofs": {"jwt": [proof]}})
    assert issued.status_code == 200, issued.text


def test_an_offer_of_an_issued_credential_delivers_it_as_issued(client: TestClient,
                                                                lms) -> None:
    headers, achievement = lms
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"])).json()
    response = client.post("/issuers/uni/offers", headers=headers,
                           json={"credentialId": issued["id"]})
    assert response.status_code == 201, response.text
    offer = response.json()
    assert offer["kind"] == "credential"
    delivered = redeem(client, offer, Holder.ed25519(), aud=ISSUER)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["credentials"][0]["credential"] == issued["credential"]


def test_a_credential_revoked_after_its_offer_is_not_delivered(client: TestClient,
                                                              lms) -> None:
    headers, achievement = lms
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"])).json()
    offer = client.post("/issuers/uni/offers", headers=headers,
                        json={"credentialId": issued["id"]}).json()
    revoked = client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=headers)
    assert revoked.status_code == 200, revoked.text
    oauth_error(redeem(client, offer, Holder.ed25519(), aud=ISSUER),
                "credential_request_denied")


def test_issue_now_returns_the_credential_with_an_offer_of_it(client: TestClient, lms) -> None:
    headers, achievement = lms
    response = client.post("/issuers/uni/offers", headers=headers, json={
        "assessment": assessment(achievement["id"]), "issue": "now"})
    assert response.status_code == 201, response.text
    offer = response.json()
    assert offer["kind"] == "credential"
    assert offer["credentialId"] == offer["credential"]["id"]
    delivered = redeem(client, offer, Holder.ed25519(), aud=ISSUER)
    assert delivered.json()["credentials"][0]["credential"] == offer["credential"]["credential"]


def test_one_assessment_never_yields_two_credentials(client: TestClient, lms) -> None:
    headers, achievement = lms
    first = make_offer(client, headers, achievement["id"])
    second = make_offer(client, headers, achievement["id"])  # re-sent: supersedes the first
    oauth_error(token_request(client, first["preAuthorizedCode"]), "invalid_grant")
    state = client.get(f"/issuers/uni/offers/{first['offerId']}", headers=headers).json()
    assert state["state"] == "superseded"
    # Issued through the issue API meanwhile: the wallet cannot get a second one.
    token = access_token(client, second)
    client.post("/issuers/uni/credentials", headers=headers, json=assessment(achievement["id"]))
    proof = Holder.ed25519().proof(aud=ISSUER, nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=proof), "credential_request_denied")
    listed = client.get("/issuers/uni/credentials?assessmentRef=lms-42", headers=headers)
    assert len(listed.json()["items"]) == 1


def test_a_bad_nonce_does_not_burn_the_token(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    holder = Holder.ed25519()
    token = access_token(client, offer)
    body = oauth_error(credential_request(client, token,
                                          proof=holder.proof(aud=ISSUER, nonce="made-up")),
                       "invalid_nonce")
    retried = credential_request(client, token,
                                 proof=holder.proof(aud=ISSUER, nonce=body["c_nonce"]))
    assert retried.status_code == 200, retried.text


# --- token endpoint refusals (RFC 6749 section 5.2, OpenID4VCI section 6.3)

def test_replayed_pre_authorized_code(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    token = access_token(client, offer)
    oauth_error(token_request(client, offer["preAuthorizedCode"]), "invalid_grant")
    # The replay also revokes the token the code bought (RFC 9700 section 4.5).
    proof = Holder.ed25519().proof(aud=ISSUER, nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=proof), "invalid_token", 401)


def test_expired_pre_authorized_code(client: TestClient, clock: SteppingClock, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    clock.advance(minutes=10, seconds=1)
    oauth_error(token_request(client, offer["preAuthorizedCode"]), "invalid_grant")
    assert client.get(offer["credential_offer_uri"].removeprefix(ISSUER)).status_code == 404
    state = client.get(f"/issuers/uni/offers/{offer['offerId']}", headers=headers).json()
    assert state["state"] == "expired"


def test_unknown_pre_authorized_code(client: TestClient) -> None:
    oauth_error(token_request(client, "not-a-code"), "invalid_grant")


def test_wrong_tx_code(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"], txCode=True)
    wrong = "000000" if offer["txCode"] != "000000" else "111111"
    oauth_error(token_request(client, offer["preAuthorizedCode"], tx_code=wrong),
                "invalid_grant")
    assert access_token(client, offer)  # the right one still works


def test_tx_code_guessing_locks_the_offer(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"], txCode=True)
    wrong = "000000" if offer["txCode"] != "000000" else "111111"
    for _ in range(5):
        oauth_error(token_request(client, offer["preAuthorizedCode"], tx_code=wrong),
                    "invalid_grant")
    body = oauth_error(token_request(client, offer["preAuthorizedCode"],
                                     tx_code=offer["txCode"]), "invalid_grant")
    assert "too many" in body["error_description"]


def test_missing_tx_code(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"], txCode=True)
    oauth_error(token_request(client, offer["preAuthorizedCode"]), "invalid_request")


def test_unexpected_tx_code(client: TestClient, lms) -> None:
    headers, achievement = lms
    offer = make_offer(client, headers, achievement["id"])
    oauth_error(token_request(client, offer["preAuthorizedCode"], tx_code="123456"),
                "invalid_request")


def test_unsupported_grant_type(client: TestClient) -> None:
    response = client.post("/oid4vci/token", data={"grant_type": "authorization_code",
                                                    "code": "x"})
    oauth_error(response, "unsupported_grant_type")


@pytest.mark.parametrize("request_kwargs", [
    {"json": {"grant_type": PRE_AUTH, "pre-authorized_code": "x"}},
    {"data": {"pre-authorized_code": "x"}},
    {"data": {"grant_type": PRE_AUTH}},
    {"content": b"grant_type=a&grant_type=b",
     "headers": {"content-type": "application/x-www-form-urlencoded"}},
], ids=["json-body", "no-grant-type", "no-code", "repeated-parameter"])
def test_malformed_token_requests(client: TestClient, request_kwargs: dict[str, Any]) -> None:
    oauth_error(client.post("/oid4vci/token", **request_kwargs), "invalid_request")


# --- credential endpoint refusals (RFC 6750 section 3.1, OpenID4VCI section 8.3.1.2)

@pytest.fixture
def ready(client: TestClient, lms) -> tuple[str, Holder]:
    """An access token for a fresh offer, and a wallet."""
    headers, achievement = lms
    return access_token(client, make_offer(client, headers, achievement["id"])), Holder.ed25519()


def test_replayed_nonce(client: TestClient, lms) -> None:
    headers, achievement = lms
    holder = Holder.ed25519()
    nonce = c_nonce(client)
    first = access_token(client, make_offer(client, headers, achievement["id"], ref="a"))
    second = access_token(client, make_offer(client, headers, achievement["id"], ref="b"))
    assert credential_request(client, first,
                              proof=holder.proof(aud=ISSUER, nonce=nonce)).status_code == 200
    body = oauth_error(credential_request(client, second,
                                          proof=holder.proof(aud=ISSUER, nonce=nonce)),
                       "invalid_nonce")
    assert body["c_nonce"] and body["c_nonce"] != nonce


def test_expired_nonce(client: TestClient, clock: SteppingClock, lms) -> None:
    headers, achievement = lms
    nonce = c_nonce(client)
    clock.advance(minutes=5, seconds=1)
    token = access_token(client, make_offer(client, headers, achievement["id"]))
    proof = Holder.ed25519().proof(aud=ISSUER, nonce=nonce, iat=clock().timestamp())
    oauth_error(credential_request(client, token, proof=proof), "invalid_nonce")


def test_unknown_nonce(client: TestClient, ready) -> None:
    token, holder = ready
    oauth_error(credential_request(client, token, proof=holder.proof(aud=ISSUER, nonce="n0")),
                "invalid_nonce")


def test_stale_proof(client: TestClient, clock: SteppingClock, ready) -> None:
    token, holder = ready
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client),
                         iat=clock().timestamp() - 7 * 60)
    oauth_error(credential_request(client, token, proof=proof), "invalid_proof")


def test_proof_with_wrong_aud(client: TestClient, ready) -> None:
    token, holder = ready
    proof = holder.proof(aud="https://other-issuer.example", nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=proof), "invalid_proof")


def test_proof_with_bad_signature(client: TestClient, ready) -> None:
    token, holder = ready
    proof = tamper_signature(holder.proof(aud=ISSUER, nonce=c_nonce(client)))
    oauth_error(credential_request(client, token, proof=proof), "invalid_proof")


def test_proof_with_wrong_typ(client: TestClient, ready) -> None:
    token, holder = ready
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client), typ="JWT")
    oauth_error(credential_request(client, token, proof=proof), "invalid_proof")


def test_missing_proof(client: TestClient, ready) -> None:
    token, _ = ready
    oauth_error(credential_request(client, token, proof=None), "invalid_proof")


@pytest.mark.parametrize("proofs", [
    {"ldp_vp": [{}]}, {"jwt": []}, {"jwt": ["a", "b"]}, {"jwt": "x", "ldp_vp": []}, "jwt",
], ids=["other-type", "empty", "batch", "two-types", "not-an-object"])
def test_malformed_proofs(client: TestClient, ready, proofs: Any) -> None:
    token, _ = ready
    oauth_error(credential_request(client, token, proof=None, body={
        "credential_configuration_id": LDP_VC, "proofs": proofs}), "invalid_proof")


def test_unknown_configuration_id(client: TestClient, ready) -> None:
    token, holder = ready
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=proof, configuration="mDL"),
                "unknown_credential_configuration")


def test_configuration_not_offered(client: TestClient, lms) -> None:
    headers, achievement = lms
    response = client.post("/issuers/uni/offers", headers=headers, json={
        "assessment": assessment(achievement["id"], format="ldp")})
    token = access_token(client, response.json())
    proof = Holder.ed25519().proof(aud=ISSUER, nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=proof, configuration=JWT_VC_JSON),
                "invalid_credential_request")


def test_unknown_credential_identifier(client: TestClient, ready) -> None:
    token, holder = ready
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client))
    oauth_error(credential_request(client, token, proof=None, body={
        "credential_identifier": "nope", "proofs": {"jwt": [proof]}}),
        "unknown_credential_identifier")


@pytest.mark.parametrize("body", [b"not json", b"[1]", b""], ids=["text", "array", "empty"])
def test_malformed_credential_request(client: TestClient, ready, body: bytes) -> None:
    token, _ = ready
    response = client.post("/oid4vci/credential", content=body, headers={
        "Authorization": f"Bearer {token}", "content-type": "application/json"})
    oauth_error(response, "invalid_credential_request")


def test_token_reuse_after_issuance(client: TestClient, ready) -> None:
    token, holder = ready
    assert credential_request(client, token, proof=holder.proof(
        aud=ISSUER, nonce=c_nonce(client))).status_code == 200
    oauth_error(credential_request(client, token, proof=holder.proof(
        aud=ISSUER, nonce=c_nonce(client))), "invalid_token", 401)


def test_expired_token(client: TestClient, clock: SteppingClock, ready) -> None:
    token, holder = ready
    clock.advance(minutes=5, seconds=1)
    proof = holder.proof(aud=ISSUER, nonce=c_nonce(client), iat=clock().timestamp())
    oauth_error(credential_request(client, token, proof=proof), "invalid_token", 401)


@pytest.mark.parametrize("authorization", [None, "Basic eDp5", "Bearer unknown"],
                         ids=["missing", "not-bearer", "unknown"])
def test_no_valid_access_token(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/oid4vci/credential", headers=headers,
                           json={"credential_configuration_id": LDP_VC})
    oauth_error(response, "invalid_token", 401)


def test_wallet_endpoints_are_rate_limited_per_address(client: TestClient, lms) -> None:
    """Token, nonce, credential and exchange endpoints take no API key: each client address
    gets a bounded rate of guesses at single-use secrets."""
    from vcissuer.api.ratelimit import TokenBuckets

    client.app.state.rate_limit = TokenBuckets(rate=0.5, burst=3)
    codes = [client.post("/oid4vci/nonce").status_code for _ in range(2)]
    codes.append(client.post("/oid4vci/token", data={
        "grant_type": PRE_AUTH, "pre-authorized_code": "guess"}).status_code)
    limited = client.post("/exchanges/guess", json={})
    assert codes == [200, 200, 400] and limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["retry-after"]) >= 1
    # API-key endpoints are not counted.
    assert client.get(f"/issuers/uni/offers/{'0' * 32}", headers=lms[0]).status_code == 404
