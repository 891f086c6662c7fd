"""eddsa-jcs-2022 against the W3C vc-di-eddsa TestVectors (App. B.1 "Representation:
eddsa-jcs-2022"), byte for byte; round trips, tampering, and the @context rules.

https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
"""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver
from vcissuer.errors import ProofError
from vcissuer.jsonld import default_canonicalizer
from vcissuer.jsonld.jcs import jcs_canonicalize
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import EddsaJcs2022, EddsaRdfc2022, add_proof, verify_proofs

W3C = Path(__file__).parents[1] / "vectors/w3c-vc-di-eddsa"
FOLDER = W3C / "eddsa-jcs-2022"


def _text(name: str) -> str:
    return (FOLDER / name).read_text(encoding="utf-8").strip()


def _keys() -> Ed25519KeyPair:
    pair = load_json(W3C / "keyPair.json")
    return Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])


def _created(proof: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return EddsaJcs2022().hash_data(document, options, canonicalizer=default_canonicalizer())


def test_canonical_document_and_hash() -> None:
    """#transformation-eddsa-jcs-2022, #hashing-eddsa-jcs-2022."""
    canonical = jcs_canonicalize(load_json(W3C / "unsigned.json"))
    assert canonical.decode("utf-8") == _text("canonDocJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == _text("docHashJCS.txt")


def test_canonical_proof_configuration_and_hash() -> None:
    """#proof-configuration-eddsa-jcs-2022: the configuration includes the @context."""
    canonical = jcs_canonicalize(load_json(FOLDER / "proofConfigJCS.json"))
    assert canonical.decode("utf-8") == _text("proofCanonJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == _text("proofHashJCS.txt")


def test_combined_hash_signature_and_signed_document() -> None:
    """#create-proof-eddsa-jcs-2022: proof hash first; the proof carries the @context."""
    unsigned = load_json(W3C / "unsigned.json")
    config = load_json(FOLDER / "proofConfigJCS.json")
    data = _hash_data(unsigned, config)
    assert data.hex() == _text("combinedHashJCS.txt")
    signer = _keys().signer(config["verificationMethod"])
    assert signer.sign(data).hex() == _text("sigHexJCS.txt")

    signed = add_proof(unsigned, signer=signer, suite=EddsaJcs2022(), created=_created(config))
    expected = load_json(FOLDER / "signedJCS.json")
    assert signed["proof"] == [expected["proof"]]
    assert list(signed["proof"][0]) == list(expected["proof"])  # same member order, too
    assert signed["proof"][0]["proofValue"] == _text("sigBTC58JCS.txt")
    assert {k: v for k, v in signed.items() if k != "proof"} == unsigned


def test_signed_vector_verifies() -> None:
    result = verify_proofs(load_json(FOLDER / "signedJCS.json"), resolver=DidKeyResolver())
    assert result.verified, result.all_problems()
    assert result.results[0].proof["cryptosuite"] == "eddsa-jcs-2022"


def _did_key_signer() -> Any:
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    return keys.signer(f"{did}#{keys.public_multibase}")


def _credential() -> dict[str, Any]:
    return {**load_json(W3C / "unsigned.json"),
            "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "École 😀",
                                  "gpa": 3.75, "credits": 120, "honours": [True, None]}}


def test_round_trip_with_numbers_and_unicode() -> None:
    signed = add_proof(_credential(), signer=_did_key_signer(), suite=EddsaJcs2022())
    assert signed["proof"][0]["@context"] == signed["@context"]
    assert verify_proofs(signed, resolver=DidKeyResolver()).verified


TAMPERINGS = {
    "claim": lambda d: d["credentialSubject"].update(alumniOf="Other School"),
    "number": lambda d: d["credentialSubject"].update(gpa=3.76),
    "added member": lambda d: d.update(extra="x"),
    "proof created": lambda d: d["proof"][0].update(created="2020-01-01T00:00:00Z"),
    "proof context": lambda d: d["proof"][0].update(
        {"@context": ["https://www.w3.org/ns/credentials/v2"]}),
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampering_fails(tamper) -> None:
    signed = add_proof(_credential(), signer=_did_key_signer(), suite=EddsaJcs2022())
    tampered = copy.deepcopy(signed)
    tamper(tampered)
    assert not verify_proofs(tampered, resolver=DidKeyResolver()).verified


def test_member_order_and_whitespace_do_not_matter() -> None:
    signed = add_proof(_credential(), signer=_did_key_signer(), suite=EddsaJcs2022())
    reordered = dict(reversed(list(signed.items())))
    assert verify_proofs(reordered, resolver=DidKeyResolver()).verified


def test_document_context_must_start_with_the_proofs() -> None:
    """#verify-proof-eddsa-jcs-2022 step 4: the document's @context must begin with the
    proof's @context, in order; extra trailing contexts are allowed."""
    signed = load_json(FOLDER / "signedJCS.json")
    swapped = copy.deepcopy(signed)
    swapped["@context"] = list(reversed(signed["@context"]))
    result = verify_proofs(swapped, resolver=DidKeyResolver())
    assert not result.verified
    assert "does not start with the proof's @context" in str(result.all_problems())

    longer = copy.deepcopy(signed)
    longer["@context"] = [*signed["@context"], "https://w3id.org/security/data-integrity/v2"]
    # The document is hashed with the proof's @context (step 5), so the signature still holds.
    assert verify_proofs(longer, resolver=DidKeyResolver()).verified


def test_without_context_in_the_proof() -> None:
    """Create Proof step 2 is advised, not required: a proof without @context verifies over the
    document as it is."""
    signer = _did_key_signer()
    unsigned = _credential()
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
               "created": "2025-01-01T00:00:00Z", "verificationMethod": signer.id,
               "proofPurpose": "assertionMethod"}
    proof = {**options, "proofValue": EddsaJcs2022().encode_signature(
        signer.sign(_hash_data(unsigned, options)))}
    assert verify_proofs({**unsigned, "proof": proof}, resolver=DidKeyResolver()).verified


def test_suite_is_chosen_by_cryptosuite() -> None:
    """A jcs proof relabelled eddsa-rdfc-2022 is checked as rdfc, and fails."""
    signed = load_json(FOLDER / "signedJCS.json")
    relabelled = copy.deepcopy(signed)
    relabelled["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert not verify_proofs(relabelled, resolver=DidKeyResolver()).verified
    assert EddsaRdfc2022().matches(relabelled["proof"])
    assert not EddsaJcs2022().matches(relabelled["proof"])


def test_proof_options_must_name_the_suite() -> None:
    """#proof-configuration-eddsa-jcs-2022 step 2."""
    with pytest.raises(ProofError):
        _hash_data(load_json(W3C / "unsigned.json"),
                   {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"})


def test_chained_jcs_proof() -> None:
    """A proof chain (VC-DI #add-proof-set-chain) with a jcs proof over an rdfc one."""
    first = _did_key_signer()
    signed = add_proof(_credential(), signer=first, proof_id="urn:uuid:proof-1")
    chained = add_proof(signed, signer=_did_key_signer(), suite=EddsaJcs2022(),
                        previous_proof="urn:uuid:proof-1")
    result = verify_proofs(chained, resolver=DidKeyResolver())
    assert result.verified, result.all_problems()
    assert [p.proof["cryptosuite"] for p in result.results] == ["eddsa-rdfc-2022",
                                                                 "eddsa-jcs-2022"]
