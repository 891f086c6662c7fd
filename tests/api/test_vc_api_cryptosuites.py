"""VC-API issue: credentials with ``@direction`` values, and the eddsa-jcs-2022 cryptosuite
chosen through ``options.cryptosuite``; the verify API accepts both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.jsonld import Canonicalizer
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import EddsaJcs2022, add_proof
from vcissuer.verify import verify_credential

V2 = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    issuer = make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _credential(did: str) -> dict:
    return {
        "@context": V2,
        "id": "urn:uuid:0b0f4c64-5d4e-4f77-9c2c-6b1c1f1e7a01",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "name": {"@value": "شهادة الخريجين", "@language": "ar", "@direction": "rtl"},
        "description": {"@value": "وصف الشهادة", "@language": "ar", "@direction": "rtl"},
        "issuer": {"id": did,
                   "name": {"@value": "جامعة المثال", "@language": "ar", "@direction": "rtl"}},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": {"name": "Example University"}, "gpa": 3.5},
    }


def _verifies(client: TestClient, vc: dict) -> bool:
    document = client.get("/issuers/uni/did.json").json()
    return verify_credential(vc, resolver=StaticResolver({document["id"]: document})).verified


def test_direction_values_are_issued_and_signed(client, setup) -> None:
    """VCDM 2.0 section 11.1 (Language and Base Direction): value objects with @direction on
    name, description and the issuer's name are signed (eddsa-rdfc-2022, rdfDirection
    i18n-datatype), not refused."""
    headers, did = setup
    sent = _credential(did)
    response = client.post("/credentials/issue", headers=headers, json={"credential": sent})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert {k: v for k, v in vc.items() if k != "proof"} == sent
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # one proof: an object
    assert _verifies(client, vc)
    nquads = Canonicalizer().canonicalize(sent)
    assert '"جامعة المثال"^^<https://www.w3.org/ns/i18n#ar_rtl>' in nquads

    flipped = {**vc, "name": {**vc["name"], "@direction": "ltr"}}
    assert not _verifies(client, flipped)


def test_issue_with_eddsa_jcs_2022(client, setup) -> None:
    """VC-API issue options: the caller picks the cryptosuite; eddsa-jcs-2022's proof carries
    the document's @context (vc-di-eddsa #create-proof-eddsa-jcs-2022 step 2)."""
    headers, did = setup
    sent = _credential(did)
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": sent, "options": {"cryptosuite": "eddsa-jcs-2022"}})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    proof = vc["proof"]  # one proof: an object (VC-DI section 2.1)
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["@context"] == V2
    assert proof["verificationMethod"].startswith(did + "#")
    assert {k: v for k, v in vc.items() if k != "proof"} == sent
    assert _verifies(client, vc)

    tampered = {**vc, "credentialSubject": {**vc["credentialSubject"], "gpa": 3.6}}
    assert not _verifies(client, tampered)


def test_verify_api_accepts_a_jcs_credential(client) -> None:
    """POST /credentials/verify picks the suite from proof.cryptosuite (did:key issuer, so no
    network is needed)."""
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    signed = add_proof(_credential(did), signer=keys.signer(f"{did}#{keys.public_multibase}"),
                       suite=EddsaJcs2022())
    response = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True, body["problems"]
    proof_check = next(c for c in body["checks"] if c["check"] == "proof")
    assert proof_check["outcome"] == "passed"
    assert proof_check["detail"] == "eddsa-jcs-2022"

    tampered = {**signed, "description": {**signed["description"], "@direction": "ltr"}}
    response = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert response.status_code == 422
    assert response.json()["verified"] is False


def test_rdfc_stays_the_default_and_can_be_named(client, setup) -> None:
    headers, did = setup
    for options in ({}, {"cryptosuite": "eddsa-rdfc-2022"}):
        response = client.post("/credentials/issue", headers=headers,
                               json={"credential": _credential(did), "options": options})
        assert response.status_code == 201, response.text
        proof = response.json()["verifiableCredential"]["proof"]
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert "@context" not in proof


@pytest.mark.parametrize("options", [
    {"cryptosuite": "ecdsa-rdfc-2019"},
    {"cryptosuite": "eddsa-jcs-2022", "format": "jwt"},
])
def test_bad_cryptosuite_options_are_422(client, setup, options) -> None:
    headers, did = setup
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": _credential(did), "options": options})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "options" in response.text


def test_jcs_still_refuses_undefined_terms(client, setup) -> None:
    """JCS signs the JSON without JSON-LD processing; the issuer's safe mode still applies."""
    headers, did = setup
    sent = {**_credential(did), "@context": V2[:1], "credentialSubject": {
        "id": "did:example:1", "gpa": 3.5}}
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": sent, "options": {"cryptosuite": "eddsa-jcs-2022"}})
    assert response.status_code == 422, response.text
    assert "undefined-term" in response.text
