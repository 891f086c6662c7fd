"""VC-JWT over VC-API: issue answers an EnvelopedVerifiableCredential, verify opens envelopes.

VCDM 2.0 section 4.13 ("Securing Mechanism Specifications", enveloped credentials and
presentations), VC-JOSE-COSE "Securing JSON-LD Verifiable Credentials with JOSE" (typ vc+jwt,
the payload is the credential), OB 3.0 #jwt-proof (jti and nbf REQUIRED for Open Badges).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.issuance.context import Services
from vcissuer.keys import base64url_decode

VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture
def setup(client: TestClient, services: Services, admin) -> tuple[dict[str, str], str]:
    issuer = make_issuer(client, admin, didMethod="key")
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _bare(did: str, **extra: Any) -> dict[str, Any]:
    """A VCDM 2.0 credential with neither id nor validFrom: both are optional (VCDM 2.0 4.4,
    4.9)."""
    return {"@context": [VC_V2, EXAMPLES], "type": ["VerifiableCredential", "ExampleCredential"],
            "issuer": did, "credentialSubject": {"id": "did:example:alice", "name": "Alice"},
            **extra}


def _issue_jwt(client: TestClient, headers: dict[str, str], credential: dict[str, Any]):
    return client.post("/credentials/issue", headers=headers,
                       json={"credential": credential, "options": {"format": "jwt"}})


def _token(enveloped: dict[str, Any]) -> str:
    prefix = "data:application/vc+jwt,"
    assert enveloped["id"].startswith(prefix)
    return enveloped["id"][len(prefix):]


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(base64url_decode(header)), json.loads(base64url_decode(payload))


def test_issue_without_id_or_valid_from_answers_an_enveloped_credential(client, setup) -> None:
    """VCDM 2.0 4.13: the JWT comes back as an EnvelopedVerifiableCredential, not a string;
    VC-JOSE-COSE: header typ vc+jwt, the payload is the credential (plus iss/sub, which agree)."""
    headers, did = setup
    sent = _bare(did)
    response = _issue_jwt(client, headers, sent)
    assert response.status_code == 201, response.text
    enveloped = response.json()["verifiableCredential"]
    assert set(enveloped) == {"@context", "id", "type"}
    assert enveloped["@context"] == VC_V2
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    header, payload = _decode(_token(enveloped))
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    assert header["kid"].startswith(did + "#")
    assert {k: v for k, v in payload.items() if k not in ("iss", "sub")} == sent
    assert payload["iss"] == did and payload["sub"] == "did:example:alice"
    assert "jti" not in payload and "nbf" not in payload

    verified = client.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert verified.status_code == 200, verified.text
    assert verified.json()["format"] == "jwt"
    # the bare token still verifies as before
    bare = client.post("/credentials/verify", json={"verifiableCredential": _token(enveloped)})
    assert bare.status_code == 200, bare.text


def test_claims_follow_the_credential_when_it_has_them(client, setup) -> None:
    headers, did = setup
    sent = _bare(did, id="urn:uuid:7d1b1f0e-0000-4000-8000-000000000001",
                 validFrom="2025-01-01T00:00:00Z", validUntil="2099-01-01T00:00:00Z")
    response = _issue_jwt(client, headers, sent)
    assert response.status_code == 201, response.text
    _, payload = _decode(_token(response.json()["verifiableCredential"]))
    assert payload["jti"] == sent["id"]
    assert payload["nbf"] == 1735689600 and payload["exp"] == 4070908800
    verified = client.post("/credentials/verify",
                           json={"verifiableCredential": response.json()["verifiableCredential"]})
    assert verified.status_code == 200, verified.text


def test_idempotent_replay_answers_the_same_envelope(client, setup) -> None:
    headers, did = setup
    body = {"credential": _bare(did), "options": {"format": "jwt"}}
    first = client.post("/credentials/issue", headers={**headers, "Idempotency-Key": "j1"},
                        json=body)
    again = client.post("/credentials/issue", headers={**headers, "Idempotency-Key": "j1"},
                        json=body)
    assert first.status_code == 201 and first.json() == again.json()
    assert first.json()["verifiableCredential"]["type"] == "EnvelopedVerifiableCredential"


def test_vc_1_1_jwt_stays_a_string_and_needs_no_id(client, setup) -> None:
    """VCDM 1.1 section 6.3.1: the credential travels in the vc claim, jti only "if id is
    present"; 1.1 has no enveloped form, so VC-API answers the compact JWS."""
    headers, did = setup
    sent = {"@context": ["https://www.w3.org/2018/credentials/v1", EXAMPLES],
            "type": ["VerifiableCredential"], "issuer": did,
            "issuanceDate": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:1"}}
    response = _issue_jwt(client, headers, sent)
    assert response.status_code == 201, response.text
    token = response.json()["verifiableCredential"]
    assert isinstance(token, str)
    header, payload = _decode(token)
    assert header["typ"] == "JWT" and payload["vc"] == sent and "jti" not in payload
    verified = client.post("/credentials/verify", json={"verifiableCredential": token})
    assert verified.status_code == 200, verified.text


def _open_badge(did: str, **changes: Any) -> dict[str, Any]:
    credential = {
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:7d1b1f0e-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Uni"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "id": "did:example:alice", "type": ["AchievementSubject"],
            "achievement": {"id": "https://uni.example/achievements/1", "type": ["Achievement"],
                            "name": "Badge", "description": "A badge.",
                            "criteria": {"narrative": "Do it."}}},
    }
    credential.update(changes)
    return credential


def test_open_badges_keep_the_ob_vc_jwt(client, setup) -> None:
    """OB 3.0 #jwt-proof: typ "JWT" when present, and jti/nbf REQUIRED."""
    headers, did = setup
    response = _issue_jwt(client, headers, _open_badge(did))
    assert response.status_code == 201, response.text
    header, payload = _decode(_token(response.json()["verifiableCredential"]))
    assert header["typ"] == "JWT"
    assert payload["jti"] == "urn:uuid:7d1b1f0e-0000-4000-8000-000000000002"
    assert payload["nbf"] == 1735689600


@pytest.mark.parametrize("missing", ["id", "validFrom"])
def test_open_badge_without_what_ob_requires_is_a_422_naming_it(client, setup,
                                                                missing: str) -> None:
    headers, did = setup
    credential = _open_badge(did)
    del credential[missing]
    response = _issue_jwt(client, headers, credential)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {"field": f"credential.{missing}", "rule": "required"} in [
        {k: e[k] for k in ("field", "rule")} for e in response.json()["errors"]]


def test_a_credential_using_a_jwt_claim_name_is_a_422_not_a_500(client, setup) -> None:
    headers, did = setup
    credential = _bare(did, id="urn:uuid:7d1b1f0e-0000-4000-8000-000000000003")
    credential["@context"] = [*credential["@context"],
                              {"jti": "https://example.org/vocab#jti"}]
    credential["jti"] = "x"
    response = _issue_jwt(client, headers, credential)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "credential"


def test_a_vc_jwt_with_terms_its_context_leaves_undefined_is_a_422(client, setup) -> None:
    """The issuer refuses undefined terms whatever secures the credential: a VC-JWT's payload
    is a JSON-LD credential too (VC-JOSE-COSE section 3.1.1; VCDM 2.0 section 4.3), checked as
    for eddsa-rdfc-2022 and eddsa-jcs-2022."""
    headers, did = setup
    credential = _bare(did)
    credential["@context"] = [VC_V2]
    credential["credentialSubject"]["undefinedTerm"] = "x"
    response = _issue_jwt(client, headers, credential)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0] == {
        "field": "credential.credentialSubject.undefinedTerm", "rule": "undefined-term",
        "message": response.json()["errors"][0]["message"]}


# --- verify: envelopes are opened, bad data: URLs are named ---------------------------------

@pytest.fixture
def enveloped(client, setup) -> dict[str, Any]:
    headers, did = setup
    response = _issue_jwt(client, headers, _bare(did))
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def test_base64_data_url_is_accepted(client, enveloped) -> None:
    """RFC 2397: ``;base64`` data is decoded."""
    token = _token(enveloped)
    b64 = base64.b64encode(token.encode()).decode()
    response = client.post("/credentials/verify", json={"verifiableCredential": {
        **enveloped, "id": f"data:application/vc+jwt;base64,{b64}"}})
    assert response.status_code == 200, response.text


BAD_IDS = {
    "not a data URL": "https://example.org/credential.jwt",
    "other media type": "data:application/vc+sd-jwt,{token}",
    "no comma": "data:application/vc+jwt;{token}",
    "not a JWS": "data:application/vc+jwt,not-a-token",
    "bad base64": "data:application/vc+jwt;base64,%%%",
    "no id": None,
}


@pytest.mark.parametrize("case", sorted(BAD_IDS))
def test_bad_enveloped_credential_is_a_422_naming_the_field(client, enveloped,
                                                            case: str) -> None:
    bad = dict(enveloped)
    if BAD_IDS[case] is None:
        del bad["id"]
    else:
        bad["id"] = BAD_IDS[case].format(token=_token(enveloped))
    response = client.post("/credentials/verify", json={"verifiableCredential": bad})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body.verifiableCredential.id"


def test_tampered_envelope_is_not_verified(client, enveloped) -> None:
    header, payload, signature = _token(enveloped).split(".")
    claims = json.loads(base64url_decode(payload))
    claims["credentialSubject"]["name"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = client.post("/credentials/verify", json={"verifiableCredential": {
        **enveloped, "id": f"data:application/vc+jwt,{header}.{forged}.{signature}"}})
    assert response.status_code == 422
    assert response.json()["verified"] is False


def _presentation(*credentials: Any) -> dict[str, Any]:
    return {"@context": [VC_V2], "type": ["VerifiablePresentation"],
            "verifiableCredential": list(credentials)}


def test_presentation_carrying_enveloped_credentials(client, enveloped) -> None:
    """VCDM 2.0 4.13: a presentation's verifiableCredential may hold enveloped credentials."""
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": _presentation(enveloped)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["verified"] for c in body["credentialResults"]] == [True]
    assert body["credentialResults"][0]["format"] == "jwt"


def test_presentation_with_a_bad_envelope_is_a_422_naming_it(client, enveloped) -> None:
    bad = {**enveloped, "id": "data:text/plain,hello"}
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": _presentation(enveloped, bad)})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == (
        "body.verifiablePresentation.verifiableCredential[1].id")


# --- enveloped presentations (vp+jwt) ------------------------------------------------------

def _holder() -> tuple[Any, str, str]:
    from vcissuer.dids import did_key_from_public
    from vcissuer.keys import Ed25519KeyPair

    pair = Ed25519KeyPair.generate()
    did = did_key_from_public(pair.public_multibase)
    return pair, did, f"{did}#{pair.public_multibase}"


def _vp_jwt(pair: Any, kid: str, payload: dict[str, Any], typ: str = "vp+jwt") -> dict[str, Any]:
    from vcissuer.proofs.jose import envelope, sign_compact_jws

    token = sign_compact_jws({"alg": "EdDSA", "typ": typ, "kid": kid},
                             json.dumps(payload).encode(), signer=pair.signer(kid))
    return envelope(token, "presentation")


def _vp_payload(holder: str, *credentials: Any, **claims: Any) -> dict[str, Any]:
    return {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": holder,
            "verifiableCredential": list(credentials), **claims}


OPTIONS = {"challenge": "n-0S6_WzA2Mj", "domain": "verifier.example"}


def test_enveloped_presentation_verifies(client, enveloped) -> None:
    """VCDM 2.0 4.13 EnvelopedVerifiablePresentation; VC-JOSE-COSE vp+jwt, the payload is the
    presentation; the verifier's challenge and domain are its nonce and aud."""
    pair, did, kid = _holder()
    vp = _vp_jwt(pair, kid, _vp_payload(did, enveloped, nonce=OPTIONS["challenge"],
                                        aud=OPTIONS["domain"]))
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": vp, "options": OPTIONS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["check"] for c in body["presentationResult"]["checks"]] == [
        "structure", "proof", "holder"]
    assert [c["verified"] for c in body["credentialResults"]] == [True]


def test_enveloped_presentation_without_holder_verifies_as_a_json_ld_one_does(
        client, enveloped) -> None:
    """VCDM 2.0 section 4.13: ``holder`` is OPTIONAL, for a vp+jwt as for a presentation with
    a Data Integrity proof: the token still authenticates its signer (named in the report),
    and binds the challenge and domain."""
    pair, did, kid = _holder()
    payload = _vp_payload(did, enveloped, nonce=OPTIONS["challenge"], aud=OPTIONS["domain"])
    del payload["holder"]
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": _vp_jwt(pair, kid, payload),
                                 "options": OPTIONS})
    assert response.status_code == 200, response.text
    holder = {c["check"]: c for c in response.json()["presentationResult"]["checks"]}["holder"]
    assert holder["outcome"] == "not applicable" and did in holder["detail"]
    wrong = client.post("/presentations/verify",
                        json={"verifiablePresentation": _vp_jwt(pair, kid, payload),
                              "options": {**OPTIONS, "challenge": "another"}})
    assert wrong.status_code == 422


def _problem_codes(body: dict[str, Any]) -> set[str]:
    return {p["code"] for p in body["presentationResult"]["problems"]}


def test_enveloped_presentation_failures(client, enveloped) -> None:
    pair, did, kid = _holder()
    other, _, other_kid = _holder()
    claims = {"nonce": OPTIONS["challenge"], "aud": OPTIONS["domain"]}
    cases = {
        "wrong challenge": (_vp_jwt(pair, kid, _vp_payload(did, enveloped, nonce="x",
                                                           aud=OPTIONS["domain"])),
                            "INVALID_CHALLENGE_ERROR"),
        "wrong domain": (_vp_jwt(pair, kid, _vp_payload(did, enveloped, aud="elsewhere",
                                                        nonce=OPTIONS["challenge"])),
                         "INVALID_DOMAIN_ERROR"),
        "not the holder's key": (_vp_jwt(other, other_kid, _vp_payload(did, enveloped,
                                                                        **claims)),
                                 "INVALID_VERIFICATION_METHOD"),
        "expired": (_vp_jwt(pair, kid, _vp_payload(did, enveloped, exp=1_000_000, **claims)),
                    "MALFORMED_VALUE_ERROR"),
    }
    for name, (vp, code) in cases.items():
        response = client.post("/presentations/verify",
                               json={"verifiablePresentation": vp, "options": OPTIONS})
        assert response.status_code == 422, name
        assert code in _problem_codes(response.json()), (name, response.json())
    # a forged payload under the holder's signature
    good = _vp_jwt(pair, kid, _vp_payload(did, enveloped, **claims))
    header, _, signature = good["id"].split(",", 1)[1].split(".")
    forged = base64.urlsafe_b64encode(json.dumps(_vp_payload(did, **claims)).encode())
    good["id"] = f"data:application/vp+jwt,{header}.{forged.decode().rstrip('=')}.{signature}"
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": good, "options": OPTIONS})
    assert response.status_code == 422
    assert "CRYPTOGRAPHIC_SECURITY_ERROR" in _problem_codes(response.json())


def test_bad_enveloped_presentation_is_a_422_naming_the_field(client) -> None:
    response = client.post("/presentations/verify", json={"verifiablePresentation": {
        "@context": VC_V2, "type": "EnvelopedVerifiablePresentation",
        "id": "data:application/vc+jwt,a.b.c"}})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body.verifiablePresentation.id"
