"""add_proof and the Data Integrity context: VC Data Integrity 1.0 section 4.2 "Add Proof" with
section 2.4 "Contexts and Vocabularies" — the proof configuration is canonicalized with the
document's @context, which must define the DataIntegrityProof terms."""

from __future__ import annotations

import pytest

from vcissuer.dids import DidKeyResolver
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof, verify_proofs
from vcissuer.proofs.data_integrity import DATA_INTEGRITY_V2, with_proof_context

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DI_V1 = "https://w3id.org/security/data-integrity/v1"
KEYS = Ed25519KeyPair.from_seed(bytes(32))
DID = f"did:key:{KEYS.public_multibase}"


def _document(context) -> dict:
    return {"@context": context, "type": ["VerifiableCredential"], "issuer": DID,
            "issuanceDate": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:1"}}


@pytest.mark.parametrize(("context", "expected"), [
    ([VC_V1], [VC_V1, DATA_INTEGRITY_V2]),
    (VC_V1, [VC_V1, DATA_INTEGRITY_V2]),
    ([VC_V1, DATA_INTEGRITY_V2], [VC_V1, DATA_INTEGRITY_V2]),
    ([VC_V1, DI_V1], [VC_V1, DI_V1]),
    ([VC_V2], [VC_V2]),
    ([VC_V2, "https://www.w3.org/ns/credentials/examples/v2"],
     [VC_V2, "https://www.w3.org/ns/credentials/examples/v2"]),
])
def test_the_context_is_added_only_when_the_proof_terms_are_undefined(context, expected):
    assert with_proof_context(_document(context))["@context"] == expected


def test_a_vc_1_1_document_is_signed_and_verifies() -> None:
    signed = add_proof(_document([VC_V1]), signer=KEYS.signer(f"{DID}#{KEYS.public_multibase}"))
    assert signed["@context"] == [VC_V1, DATA_INTEGRITY_V2]
    assert verify_proofs(signed, resolver=DidKeyResolver()).verified


def test_the_caller_s_document_is_not_changed() -> None:
    document = _document([VC_V1])
    add_proof(document, signer=KEYS.signer(f"{DID}#{KEYS.public_multibase}"))
    assert document["@context"] == [VC_V1]
