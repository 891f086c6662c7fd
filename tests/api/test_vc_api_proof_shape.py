"""The shape of ``proof`` in ``POST /credentials/issue`` output.

VC Data Integrity 1.0 section 2.1 (Proofs): the ``proof`` property "MUST be either a single
object, or an unordered set of objects". The CCG vc-api issuer test suite asserts
``issuedVc.proof.should.be.an('object')`` (chai: an array fails), and the reference issuer
returns one proof as an object: so a credential that is not Open Badges or CLR, with one proof,
gets it as an object. The OB 3.0 (and CLR 2.0) JSON Schema requires an array: their
credentials keep it. What is stored and served is exactly what was returned.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.issuance.vcapi import single_proof_as_object
from vcissuer.store import CredentialRepository
from vcissuer.verify import verify_credential

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@pytest.fixture
def setup(client: TestClient, services: Services, admin) -> tuple[dict[str, str], str]:
    issuer = make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _plain(did: str, n: int = 1) -> dict[str, Any]:
    return {"@context": [VC_V2, EXAMPLES], "id": f"urn:uuid:6a1c9a3e-8f0b-4c55-9d1e-2b7a4c1f0e0{n}",
            "type": ["VerifiableCredential", "ExampleAlumniCredential"], "issuer": did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice",
                                  "alumniOf": {"name": "Example University"}}}


def _v1(did: str) -> dict[str, Any]:
    return {"@context": [VC_V1], "id": "urn:uuid:6a1c9a3e-8f0b-4c55-9d1e-2b7a4c1f0e11",
            "type": ["VerifiableCredential"], "issuer": did,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:1234"}}


def _badge(did: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2, OB], "id": "urn:uuid:6a1c9a3e-8f0b-4c55-9d1e-2b7a4c1f0e21",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Uni"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Badge",
        "credentialSubject": {
            "id": "did:example:carol", "type": ["AchievementSubject"],
            "achievement": {"id": "https://uni.example/achievements/1", "type": ["Achievement"],
                            "name": "Badge", "description": "A badge.",
                            "criteria": {"narrative": "Do it."}}},
    }


def _issue(client: TestClient, headers: dict[str, str], credential: dict[str, Any],
           **options: Any) -> dict[str, Any]:
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": credential, "options": options})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _verifies(client: TestClient, vc: dict[str, Any]) -> bool:
    document = client.get("/issuers/uni/did.json").json()
    return verify_credential(vc, resolver=StaticResolver({document["id"]: document})).verified


def _stored_and_served(client: TestClient, services: Services, vc_id: str) -> tuple[str, bytes]:
    with services.db.session_scope(read_only=True) as session:
        record = CredentialRepository(session).find(vc_id, issuer_id=None)
        assert record is not None
        stored, our_id = record.signed, record.id
    served = client.get(f"/credentials/{our_id}.json")
    assert served.status_code == 200, served.text
    return stored, served.content


@pytest.mark.parametrize("options", [{}, {"cryptosuite": "eddsa-jcs-2022"}],
                         ids=["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_one_proof_of_a_plain_credential_is_an_object(client, services, setup,
                                                       options) -> None:
    """VC-DI 2.1: a single object; CCG vc-api issuer suite: ``proof.should.be.an('object')``.
    The credential verifies, and is stored and served byte for byte as returned."""
    headers, did = setup
    sent = _plain(did)
    vc = _issue(client, headers, sent, **options)
    assert isinstance(vc["proof"], dict), vc["proof"]
    assert vc["proof"]["type"] == "DataIntegrityProof"
    assert vc["proof"]["proofPurpose"] == "assertionMethod"
    assert {k: v for k, v in vc.items() if k != "proof"} == sent
    assert _verifies(client, vc)
    assert not _verifies(client, {**vc, "validFrom": "2025-01-02T00:00:00Z"})
    stored, served = _stored_and_served(client, services, sent["id"])
    assert served == stored.encode("utf-8")
    assert json.loads(stored) == vc
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code in (200, 422)
    proof_check = next(c for c in response.json()["checks"] if c["check"] == "proof")
    assert proof_check["outcome"] == "passed", proof_check


def test_vcdm_1_1_credential_gets_an_object_too(client, setup) -> None:
    """The CCG suite's VCDM 1.1 base-only credential: one proof, an object, verifying."""
    headers, did = setup
    vc = _issue(client, headers, _v1(did))
    assert isinstance(vc["proof"], dict)
    assert _verifies(client, vc)


def test_open_badges_credentials_keep_the_array(client, services, setup) -> None:
    """OB 3.0 JSON Schema (AchievementCredential ``proof``: an array): kept for OB credentials
    over VC-API, stored as returned."""
    headers, did = setup
    sent = _badge(did)
    vc = _issue(client, headers, sent)
    assert isinstance(vc["proof"], list) and len(vc["proof"]) == 1
    assert _verifies(client, vc)
    stored, served = _stored_and_served(client, services, sent["id"])
    assert served == stored.encode("utf-8")
    assert json.loads(stored) == vc


def test_a_replayed_issue_returns_the_same_shape(client, setup) -> None:
    """Idempotency-Key: the stored credential is returned again, its proof still an object."""
    headers, did = setup
    first = client.post("/credentials/issue", json={"credential": _plain(did, 2)},
                        headers={**headers, "Idempotency-Key": "proof-shape-1"})
    again = client.post("/credentials/issue", json={"credential": _plain(did, 2)},
                        headers={**headers, "Idempotency-Key": "proof-shape-1"})
    assert first.status_code == 201 and again.status_code in (200, 201), again.text
    assert again.json() == first.json()
    assert isinstance(first.json()["verifiableCredential"]["proof"], dict)


def _signed(contexts: list[str], types: list[str], proofs: Any) -> str:
    return json.dumps({"@context": contexts, "type": types, "proof": proofs},
                      separators=(",", ":"))


PROOF = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}


@pytest.mark.parametrize(("contexts", "types", "proofs"), [
    ([VC_V2, OB], ["VerifiableCredential"], [PROOF]),          # OB context
    ([VC_V2, CLR], ["VerifiableCredential"], [PROOF]),         # CLR context
    ([VC_V2], ["VerifiableCredential", "ClrCredential"], [PROOF]),
    ([VC_V2], ["VerifiableCredential", "AchievementCredential"], [PROOF]),
    ([VC_V2], ["VerifiableCredential"], [PROOF, {**PROOF, "proofValue": "z2"}]),  # a set
    ([VC_V2], ["VerifiableCredential"], PROOF),                 # already an object
])
def test_left_as_signed(contexts: list[str], types: list[str], proofs: Any) -> None:
    """Open Badges and CLR (by context or type), proof sets and objects: the text unchanged."""
    signed = _signed(contexts, types, proofs)
    assert single_proof_as_object(signed) == signed


def test_a_lone_proof_of_a_plain_credential_becomes_the_object() -> None:
    signed = _signed([VC_V2], ["VerifiableCredential"], [PROOF])
    assert json.loads(single_proof_as_object(signed))["proof"] == PROOF
