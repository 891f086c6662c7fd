"""The 1EdTech validator's OB 3.0 samples give the expected verdict and reason.

tests/vectors/1edtech-validator-ob30/MANIFEST.json says what the validator expects of each.
Keys that travel in a URL fragment are trusted here explicitly (FragmentKeyResolver), as the
1EdTech validator trusts them; vcissuer does not by default. Samples whose keys live behind
did:web or an unreachable https document need the network layer and are not listed here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.dids import CompositeResolver, DidKeyResolver, FragmentKeyResolver
from vcissuer.verify import Outcome, verify_credential

SAMPLES = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30"
RESOLVER = CompositeResolver([DidKeyResolver(), FragmentKeyResolver()])


def _clock() -> datetime:
    return datetime(2025, 6, 1, tzinfo=UTC)


def _report(name: str):
    return verify_credential(load_json(SAMPLES / name), resolver=RESOLVER, clock=_clock)


VERIFIED = [
    "valid/simple.json",
    "valid/simple-did-web-method.json",  # a single proof object, not an array
    "valid/simple-context-alias.json",
    "valid/endorsement-valid.json",
    "valid/complete.json",
    "clr20/clr-simple.json",
    "clr20/clr-simple_v1.json",  # VCDM 1.1, Ed25519Signature2020
    "legacy-vcdm11/simple_v1.json",  # VCDM 1.1, Ed25519Signature2020
    "legacy-vcdm11/simple-eddsa-2022.json",  # pre-REC cryptosuite name
    "status/bitstring-status-list-credential.json",
]


@pytest.mark.parametrize("name", VERIFIED)
def test_valid_samples_verify(name: str) -> None:
    report = _report(name)
    assert report.verified, report.to_json()


def test_did_key_sample_proof_verifies_but_its_key_is_not_the_issuers() -> None:
    # Signed by did:key:z6Mk… for issuer urn:uuid:…: the signature is good, but nothing says
    # the key belongs to that issuer. The 1EdTech validator accepts it; OB 3.0 (and we) check
    # that the verification method's controller is the issuer.
    report = _report("valid/simple-did-key-method.json")
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED


@pytest.mark.parametrize(("name", "check", "code"), [
    ("invalid/simple-err-proof-value.json", "proof", "PROOF_VERIFICATION_ERROR"),
    ("invalid/simple-err-type.json", "proof", "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-context.json", "proof", "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-credential-subject-identifier-type.json", "proof",
     "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-proof-method.json", "proof", "INVALID_VERIFICATION_METHOD"),
    ("invalid/simple-err-proof-method-unknown-did-method.json", "proof",
     "INVALID_VERIFICATION_METHOD"),
    ("invalid/simple-multiple-proofs.json", "proof", "MALFORMED_PROOF_ERROR"),
    ("invalid/simple-err-expired.json", "validity period", "EXPIRED"),
    ("invalid/simple-err-issued.json", "validity period", "NOT_YET_VALID"),
])
def test_invalid_samples_fail_for_the_right_reason(name: str, check: str, code: str) -> None:
    report = _report(name)
    assert not report.verified
    found = report.check(check)
    assert found is not None and found.outcome is not Outcome.PASSED
    assert code in {p.short_code for p in found.problems}


def test_tampered_samples_are_invalid_not_unknown() -> None:
    for name in ("invalid/simple-err-proof-value.json", "invalid/simple-err-type.json"):
        assert _report(name).check("proof").outcome is Outcome.FAILED


def test_without_trusting_fragment_keys_nothing_is_verified() -> None:
    report = verify_credential(load_json(SAMPLES / "valid/simple.json"),
                               resolver=DidKeyResolver(), clock=_clock)
    assert not report.verified
    assert report.could_not_check
