"""Proof sets and proof chains (previousProof), against the W3C vectors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof, verify_proofs

FOLDER = Path(__file__).parents[1] / "vectors/w3c-vc-di-eddsa/proof-set-chain"
KEYS = load_json(FOLDER / "multiKeyPairs.json")


def _keys(n: int) -> Ed25519KeyPair:
    pair = KEYS[f"keyPair{n}"]
    return Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])


def _sign(document: dict, config_file: str, key: int) -> dict:
    config = load_json(FOLDER / config_file)
    return add_proof(
        document,
        signer=_keys(key).signer(config["verificationMethod"]),
        created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
    )


@pytest.mark.parametrize(
    "name",
    [
        "signedProofSet1.json",
        "signedProofSet2.json",
        "signedProofChain1.json",
        "signedProofChain2.json",
    ],
)
def test_signed_vectors_verify(name: str) -> None:
    result = verify_proofs(load_json(FOLDER / name), resolver=DidKeyResolver())
    assert result.verified, result.all_problems()
    assert all(r.verified for r in result.results)


def test_reproduces_the_proof_set_and_chain() -> None:
    unsigned = load_json(FOLDER / "unsigned.json")
    doc = _sign(unsigned, "proofSetConfig1.json", 1)
    doc = _sign(doc, "proofSetConfig2.json", 2)
    assert [p["proofValue"] for p in doc["proof"]] == [
        p["proofValue"] for p in load_json(FOLDER / "signedProofSet2.json")["proof"]
    ]
    doc = _sign(doc, "proofChainConfig1.json", 3)
    doc = _sign(doc, "proofChainConfig2.json", 4)
    expected = load_json(FOLDER / "signedProofChain2.json")["proof"]
    assert [p["proofValue"] for p in doc["proof"]] == [p["proofValue"] for p in expected]


def test_a_chain_whose_previous_proof_is_missing_fails() -> None:
    doc = load_json(FOLDER / "signedProofChain2.json")
    doc["proof"] = [
        p for p in doc["proof"] if p.get("id") != "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"
    ]
    result = verify_proofs(doc, resolver=DidKeyResolver())
    assert not result.verified
    assert any("previousProof" in p.message for p in result.all_problems())


def test_one_bad_proof_in_a_set_fails_the_set() -> None:
    doc = load_json(FOLDER / "signedProofSet2.json")
    doc["proof"][1]["created"] = "2023-02-25T23:36:38Z"
    result = verify_proofs(doc, resolver=DidKeyResolver())
    assert not result.verified
    assert [r.verified for r in result.results] == [True, False]
