"""VC-API issue with VCDM 1.1 credentials (the CCG vc-api issuer suite sends these).

VC Data Integrity 1.0, section 4.2 "Add Proof" and eddsa-rdfc-2022 "Proof Configuration": the
proof is canonicalized with the document's ``@context``, so that context must define the proof
terms; the VCDM 1.1 base context does not, and a conforming issuer adds
``https://w3id.org/security/data-integrity/v2`` (VC-DI section 2.4 "Contexts and Vocabularies").
VCDM 1.1 section 4.6 "Issuance Date": ``issuanceDate`` is required, so an issuer that is
sent a credential without one supplies it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.jsonld import plain_canonicalize
from vcissuer.keys.multibase import multibase_decode
from vcissuer.verify import verify_credential

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DI_V2 = "https://w3id.org/security/data-integrity/v2"


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    issuer = make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _v1(did: str, **extra) -> dict:
    return {"@context": [VC_V1], "id": "urn:uuid:1b7c2f4e-4b0a-4b7e-9f55-0f6a3c1d2e01",
            "type": ["VerifiableCredential"], "issuer": did,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:1234"}, **extra}


def _issue(client: TestClient, headers: dict, credential: dict) -> dict:
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": credential})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _did_document(client: TestClient) -> dict:
    return client.get("/issuers/uni/did.json").json()


def _verifies(client: TestClient, vc: dict) -> bool:
    document = _did_document(client)
    report = verify_credential(vc, resolver=StaticResolver({document["id"]: document}))
    return report.verified


def test_vc_1_1_with_only_the_base_context_gets_the_data_integrity_context(client, setup):
    """VC-DI "Add Proof": the issuer adds the DI v2 context when the proof terms are undefined."""
    headers, did = setup
    vc = _issue(client, headers, _v1(did))
    assert vc["@context"] == [VC_V1, DI_V2]
    assert vc["issuanceDate"] == "2025-01-01T00:00:00Z"
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # one proof: an object
    assert _verifies(client, vc)


def test_the_proof_is_over_independently_canonicalized_bytes(client, setup):
    """EDDSA section 3.2.4-3.2.6: SHA-256(proof config) || SHA-256(document), RDFC-1.0 by stock
    pyld, verifies under the issuer's published key: the bytes signed are those any
    eddsa-rdfc-2022 implementation would sign."""
    headers, did = setup
    vc = _issue(client, headers, _v1(did, expirationDate="2030-01-01T00:00:00Z"))
    proof = vc["proof"]
    unsecured = {k: v for k, v in vc.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured["@context"]
    data = (hashlib.sha256(plain_canonicalize(config).encode()).digest()
            + hashlib.sha256(plain_canonicalize(unsecured).encode()).digest())
    method = next(m for m in _did_document(client)["verificationMethod"]
                  if m["id"] == proof["verificationMethod"])
    public = multibase_decode(method["publicKeyMultibase"])
    assert public[:2] == b"\xed\x01"
    signature = multibase_decode(proof["proofValue"])
    Ed25519PublicKey.from_public_bytes(public[2:]).verify(signature, data)  # raises if not
    # The canonical document really carries the VC 1.1 terms and the DI proof vocabulary.
    assert "<https://www.w3.org/2018/credentials#expirationDate>" in plain_canonicalize(unsecured)
    assert "<https://w3id.org/security#cryptosuite>" in plain_canonicalize(config)


def test_expiration_date_is_accepted(client, setup):
    """VCDM 1.1 section 4.7 "Expiration"."""
    headers, did = setup
    vc = _issue(client, headers, _v1(did, expirationDate="2030-01-01T00:00:00Z"))
    assert vc["expirationDate"] == "2030-01-01T00:00:00Z"
    assert _verifies(client, vc)


def test_an_expiration_before_issuance_is_refused(client, setup):
    headers, did = setup
    response = client.post("/credentials/issue", headers=headers, json={
        "credential": _v1(did, expirationDate="2024-01-01T00:00:00Z")})
    assert response.status_code == 422
    assert any(e["field"] == "credential.issuanceDate" for e in response.json()["errors"])


def test_a_missing_issuance_date_is_supplied_by_the_issuer(client, setup):
    """VCDM 1.1 section 4.6: issuanceDate is required; the issuer sets it to now (UTC, Z)."""
    headers, did = setup
    sent = _v1(did)
    del sent["issuanceDate"]
    before = datetime.now(UTC).replace(microsecond=0)
    vc = _issue(client, headers, sent)
    after = datetime.now(UTC)
    value = vc["issuanceDate"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value), value
    assert before <= datetime.fromisoformat(value.replace("Z", "+00:00")) <= after
    assert _verifies(client, vc)


def test_a_context_that_defines_the_proof_terms_is_left_alone(client, setup):
    """The DI v2 context already present: nothing is added (and it is not duplicated)."""
    headers, did = setup
    vc = _issue(client, headers, _v1(did, **{"@context": [VC_V1, DI_V2]}))
    assert vc["@context"] == [VC_V1, DI_V2]
    assert _verifies(client, vc)


def test_vc_2_0_credentials_never_get_an_extra_context(client, setup):
    """VCDM 2.0 section 4.3: the v2 base context already defines the Data Integrity terms."""
    headers, did = setup
    sent = {"@context": [VC_V2], "type": ["VerifiableCredential"], "issuer": did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:1234"}}
    vc = _issue(client, headers, sent)
    assert vc["@context"] == [VC_V2]
    assert "validFrom" in vc and "issuanceDate" not in vc
    assert _verifies(client, vc)


def test_vc_1_1_as_vc_jwt_is_not_given_a_proof_context(client, setup):
    """A VC-JWT carries no embedded proof, so no proof vocabulary is needed."""
    headers, did = setup
    response = client.post("/credentials/issue", headers=headers, json={
        "credential": _v1(did), "options": {"format": "jwt"}})
    assert response.status_code == 201, response.text
    token = response.json()["verifiableCredential"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    credential = claims.get("vc", claims)
    assert credential["@context"] == [VC_V1]


def test_the_data_integrity_context_is_bundled_byte_exact() -> None:
    """VC-DI 1.0 section 2.4: the context URL's document has this SHA-256 digest."""
    from vcissuer.credentials.conformance import bundled_resource

    content = bundled_resource(DI_V2)
    assert content is not None
    assert hashlib.sha256(content).hexdigest() == (
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4")
