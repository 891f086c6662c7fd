"""Every way a Data Integrity proof can fail, each with its spec error code."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver, did_key_from_public
from vcissuer.errors import ProofError, SafeModeError
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import Authentication, add_proof, verify_proofs

CREDENTIAL = load_json(
    Path(__file__).parents[1]
    / "vectors/1edtech-impl-guide-eddsa-rdfc-2022/obv3p0/unsigned-credential.json"
)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def keys() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


@pytest.fixture(scope="module")
def signed(keys: Ed25519KeyPair) -> dict:
    did = did_key_from_public(keys.public_multibase)
    doc = {**CREDENTIAL, "issuer": {**CREDENTIAL["issuer"], "id": did}}
    return add_proof(doc, signer=keys.signer(f"{did}#{keys.public_multibase}"), clock=_clock)


def _codes(result) -> set[str]:
    return {p.short_code for p in result.all_problems()}


def _verify(doc: dict, **kwargs):
    return verify_proofs(doc, resolver=DidKeyResolver(), clock=_clock, **kwargs)


def test_round_trip(signed: dict) -> None:
    result = _verify(signed, expected_controller=signed["issuer"]["id"])
    assert result.verified, result.all_problems()
    assert signed["proof"][0]["created"] == "2024-05-01T12:00:00Z"


def test_no_proof() -> None:
    result = _verify(CREDENTIAL)
    assert not result.verified
    assert _codes(result) == {"PROOF_VERIFICATION_ERROR"}


def test_changed_claim(signed: dict) -> None:
    doc = copy.deepcopy(signed)
    doc["name"] = "Teamwork Badge (forged)"
    result = _verify(doc)
    assert not result.verified
    assert not result.could_not_process
    assert _codes(result) == {"PROOF_VERIFICATION_ERROR"}


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda p: p.update(proofValue="u" + p["proofValue"][1:]), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.update(proofValue=p["proofValue"][:40]), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.update(proofValue="z0OIl"), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.pop("proofValue"), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.pop("verificationMethod"), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.update(created="yesterday"), "MALFORMED_PROOF_ERROR"),
        (lambda p: p.update(proofPurpose="authentication"), "PROOF_VERIFICATION_ERROR"),
        (lambda p: p.update(expires="2024-04-01T00:00:00Z"), "PROOF_VERIFICATION_ERROR"),
    ],
)
def test_broken_proof(signed: dict, mutate, code: str) -> None:
    doc = copy.deepcopy(signed)
    mutate(doc["proof"][0])
    result = _verify(doc)
    assert not result.verified
    assert code in _codes(result)


def test_unknown_cryptosuite_could_not_be_processed(signed: dict) -> None:
    doc = copy.deepcopy(signed)
    doc["proof"][0]["cryptosuite"] = "ecdsa-sd-2023"
    result = _verify(doc)
    assert not result.verified
    assert result.could_not_process


def test_unknown_context_could_not_be_processed(signed: dict) -> None:
    doc = copy.deepcopy(signed)
    doc["@context"] = [*doc["@context"], "https://unknown.example/v1"]
    result = _verify(doc)
    assert not result.verified
    assert result.could_not_process
    assert "https://unknown.example/v1" in result.all_problems()[0].message


def test_unresolvable_method_could_not_be_processed(signed: dict) -> None:
    doc = copy.deepcopy(signed)
    doc["proof"][0]["verificationMethod"] = "did:example:nope#key-1"
    result = _verify(doc)
    assert not result.verified
    assert result.could_not_process


def test_controller_must_be_the_issuer(signed: dict) -> None:
    result = _verify(signed, expected_controller="https://someone-else.example/issuer")
    assert not result.verified
    assert "INVALID_VERIFICATION_METHOD" in _codes(result)


def test_a_proof_by_another_key_fails(signed: dict, keys: Ed25519KeyPair) -> None:
    other = Ed25519KeyPair.generate()
    did = did_key_from_public(other.public_multibase)
    doc = copy.deepcopy(signed)
    doc["proof"][0]["verificationMethod"] = f"{did}#{other.public_multibase}"
    assert not _verify(doc).verified


def test_authentication_purpose_checks_challenge_and_domain(keys: Ed25519KeyPair) -> None:
    did = did_key_from_public(keys.public_multibase)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did,
    }
    signed = add_proof(
        vp,
        signer=keys.signer(f"{did}#{keys.public_multibase}"),
        purpose=Authentication(challenge="abc", domain="https://rp.example"),
        clock=_clock,
    )
    ok = _verify(signed, purpose=Authentication(challenge="abc", domain="https://rp.example"))
    assert ok.verified, ok.all_problems()
    wrong = _verify(signed, purpose=Authentication(challenge="xyz", domain="https://rp.example"))
    assert {"INVALID_CHALLENGE_ERROR"} <= _codes(wrong)
    wrong = _verify(signed, purpose=Authentication(challenge="abc", domain="https://evil.example"))
    assert {"INVALID_DOMAIN_ERROR"} <= _codes(wrong)


def test_sign_refuses_undefined_terms(keys: Ed25519KeyPair) -> None:
    doc = {**CREDENTIAL, "gpa": "4.0"}
    with pytest.raises(SafeModeError, match="gpa"):
        add_proof(doc, signer=keys.signer("did:key:x#y"))


def test_sign_refuses_a_signer_without_id(keys: Ed25519KeyPair) -> None:
    with pytest.raises(ProofError):
        add_proof(CREDENTIAL, signer=keys.signer(""))


def test_sign_refuses_a_previous_proof_that_is_not_there(keys: Ed25519KeyPair) -> None:
    with pytest.raises(ProofError, match="previousProof"):
        add_proof(CREDENTIAL, signer=keys.signer("did:key:x#y"), previous_proof="urn:uuid:1")


def test_sign_does_not_mutate_its_input(keys: Ed25519KeyPair) -> None:
    before = copy.deepcopy(CREDENTIAL)
    add_proof(
        CREDENTIAL, signer=keys.signer("did:key:x#y"), clock=_clock, expires=NOW + timedelta(days=1)
    )
    assert before == CREDENTIAL
