"""Proof sets and chains whose proofs are by several parties, through the whole pipeline.

VC Data Integrity 1.0 section 2.1.1 "Proof Sets" and 2.1.2 "Proof Chains"
(https://www.w3.org/TR/vc-data-integrity/#proof-sets, #proof-chains) and section 4.5 "Verify
Proof Sets and Chains": every proof must verify. VCDM 2.0 section 4.7 "Issuer": the issuer is
the party that asserts the claims, so one ``assertionMethod`` proof must be by a key the
issuer controls; the other proofs (a witness, a notary, an endorser countersigning in a chain)
are by whoever made them. Uses the keys and proof configurations of the W3C vc-di-eddsa
proof set / chain vectors, with the credential's issuer set to one of those did:keys.
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof
from vcissuer.verify import Outcome, verify_credential

FOLDER = Path(__file__).parents[1] / "vectors/w3c-vc-di-eddsa/proof-set-chain"
KEYS = load_json(FOLDER / "multiKeyPairs.json")


def _did(n: int) -> str:
    return f"did:key:{KEYS[f'keyPair{n}']['publicKeyMultibase']}"


def _sign(document: dict[str, Any], config_file: str, key: int, **changes: Any) -> dict:
    config = {**load_json(FOLDER / config_file), **changes}
    pair = KEYS[f"keyPair{key}"]
    keys = Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])
    return add_proof(
        document,
        signer=keys.signer(config["verificationMethod"]),
        created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
    )


def _unsigned(issuer: int) -> dict[str, Any]:
    document = copy.deepcopy(load_json(FOLDER / "unsigned.json"))
    document["issuer"] = _did(issuer)
    return document


def _verify(document: dict[str, Any]):
    return verify_credential(document, resolver=DidKeyResolver())


def test_the_w3c_set_and_chain_verifies_when_its_last_signer_is_the_issuer() -> None:
    """Two witnesses (a set), a third party chained to both, the issuer chained last."""
    document = _sign(_unsigned(issuer=4), "proofSetConfig1.json", 1)
    document = _sign(document, "proofSetConfig2.json", 2)
    document = _sign(document, "proofChainConfig1.json", 3)
    document = _sign(document, "proofChainConfig2.json", 4)
    report = _verify(document)
    assert report.verified, report.to_json()
    assert report.check("proof").outcome is Outcome.PASSED
    key = report.check("issuer key")
    assert key.outcome is Outcome.PASSED and key.detail == _did(4)
    assert {_did(1), _did(2), _did(3)} == {n.split("'")[1] for n in key.notes}


def test_a_witness_first_then_the_issuer_chained_to_it_verifies() -> None:
    """The previousProof chain: the first proof by another did:key, the second by the issuer."""
    document = _sign(_unsigned(issuer=2), "proofSetConfig1.json", 1)
    document = _sign(document, "proofChainConfig2.json", 2,
                     verificationMethod=f"{_did(2)}#{_did(2).split(':')[2]}",
                     previousProof="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    assert document["proof"][1]["previousProof"] == document["proof"][0]["id"]
    report = _verify(document)
    assert report.verified, report.to_json()


def test_the_issuer_first_then_a_notary_in_a_set_verifies() -> None:
    document = _sign(_unsigned(issuer=1), "proofSetConfig1.json", 1)
    document = _sign(document, "proofSetConfig2.json", 2)
    assert _verify(document).verified


def test_a_credential_whose_only_proof_is_by_someone_else_fails() -> None:
    document = _sign(_unsigned(issuer=4), "proofSetConfig1.json", 1)
    report = _verify(document)
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED
    assert "not the issuer" in report.check("issuer key").problems[0].message
    assert not report.verified


def test_a_set_of_proofs_none_by_the_issuer_fails() -> None:
    """The unchanged W3C vector: its issuer https://vc.example/issuers/5678 signed nothing."""
    report = _verify(load_json(FOLDER / "signedProofChain2.json"))
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED
    assert len(report.check("issuer key").problems) == 4
    assert not report.verified


def test_one_bad_proof_in_a_set_fails_even_when_the_issuers_proof_is_good() -> None:
    """VC-DI 4.5: the document verifies only if every proof does."""
    document = _sign(_unsigned(issuer=1), "proofSetConfig1.json", 1)
    document = _sign(document, "proofSetConfig2.json", 2)
    document["proof"][1]["created"] = "2023-02-25T23:36:38Z"  # witness proof no longer matches
    report = _verify(document)
    assert report.check("proof").outcome is Outcome.FAILED
    assert report.check("issuer key").outcome is Outcome.PASSED
    assert not report.verified


def test_a_bad_issuer_proof_beside_a_good_witness_fails() -> None:
    document = _sign(_unsigned(issuer=1), "proofSetConfig1.json", 1)
    document = _sign(document, "proofSetConfig2.json", 2)
    document["proof"][0]["created"] = "2023-02-25T23:36:38Z"
    assert not _verify(document).verified


def test_a_broken_chain_fails() -> None:
    """VC-DI 4.5 step 3: a previousProof that names no proof of the document is an error."""
    document = _sign(_unsigned(issuer=2), "proofSetConfig1.json", 1)
    document = _sign(document, "proofChainConfig2.json", 2,
                     verificationMethod=f"{_did(2)}#{_did(2).split(':')[2]}",
                     previousProof="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    document["proof"] = document["proof"][1:]
    report = _verify(document)
    assert report.check("proof").outcome is Outcome.FAILED
    assert not report.verified
