"""The 1EdTech validator's OB 3.0 samples through the whole pipeline: verdict and reason.

tests/vectors/1edtech-validator-ob30/MANIFEST.json says what the validator expects of each.
Everything runs through :class:`~vcissuer.verify.Verifier`: keys, status lists and schemas are
fetched by the guarded fetcher from a stand-in for the hosts the samples name (httpx
MockTransport; those hosts lie outside this machine). Keys that travel in a URL fragment are
trusted here explicitly, as the 1EdTech validator trusts them; vcissuer does not by default.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from tests.net.fakeweb import FakeWeb
from vcissuer.dids import CompositeResolver, DidKeyResolver, FragmentKeyResolver
from vcissuer.verify import (
    Outcome,
    Retrieved,
    Verdict,
    VerificationReport,
    parse_credential_bytes,
    verify_credential,
)

SAMPLES = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30"
MANIFEST = load_json(SAMPLES / "MANIFEST.json")
TEST_KEY = MANIFEST["test_key"]["publicKeyMultibase"]
STATUS_LIST_URL = load_json(SAMPLES / "status/credential-with-bitstring-status-revoked.json")[
    "credentialStatus"]["statusListCredential"]
LEGACY_REVOKED = load_json(SAMPLES / "legacy-vcdm11/credential-1edtech-revocation-list-revoked.json")
WELLSPRING_DID = LEGACY_REVOKED["issuer"]["id"] if isinstance(LEGACY_REVOKED["issuer"], dict) \
    else LEGACY_REVOKED["issuer"]


def _clock() -> datetime:
    return datetime(2025, 6, 1, tzinfo=UTC)


def _outside_world() -> FakeWeb:
    """What the samples' hosts would serve: a status list, revocation lists, a DID document."""
    web = FakeWeb()
    # The list the revoked sample names (its bytes are in the validator's repository).
    web.add(STATUS_LIST_URL, load_json(SAMPLES / "status/bitstring-status-list-credential.json"),
            content_type="application/vc+ld+json")
    # complete.json's 1EdTech Revocation List, revoking nothing.
    web.add("https://1edtech.edu/credentials/3732/revocations", {"revokedCredentials": []})
    # The legacy sample's did:web issuer, with the 1EdTech test key that signed it, and its
    # revocation list naming it.
    web.add(
        "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/"
        "da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json",
        {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
         "id": WELLSPRING_DID,
         "verificationMethod": [{"id": f"{WELLSPRING_DID}#{TEST_KEY}", "type": "Multikey",
                                 "controller": WELLSPRING_DID, "publicKeyMultibase": TEST_KEY}],
         "assertionMethod": [f"{WELLSPRING_DID}#{TEST_KEY}"]},
        content_type="application/did+json")
    web.add(LEGACY_REVOKED["credentialStatus"]["id"],
            {"revokedCredentials": [{"id": LEGACY_REVOKED["id"], "revoked": True,
                                     "revocationReason": "issued in error"}]})
    return web


async def _report(name: str, *, trust: bool = True) -> VerificationReport:
    credential: Any = parse_credential_bytes((SAMPLES / name).read_bytes())
    verifier = _outside_world().verifier(trust_embedded_keys=trust, clock=_clock)
    try:
        return await verifier.verify_credential(credential)
    finally:
        await verifier.fetcher.client.aclose()


VERIFIED = [
    "valid/simple.json",
    "valid/simple-context-alias.json",
    "valid/endorsement-valid.json",
    "clr20/clr-simple.json",
    "legacy-vcdm11/simple_v1.json",  # VCDM 1.1, Ed25519Signature2020
    "legacy-vcdm11/simple-eddsa-2022.json",  # pre-REC cryptosuite name
    "status/bitstring-status-list-credential.json",
    "baked/simple-json.png",
    "baked/simple-json.svg",
    # RS256 with the key in a jwk header (trusted like fragment keys here); no sub claim.
    "baked/simple-jwt.png",
    "baked/simple-jwt.svg",
    "baked/simple-jwt_v1.png",
    "baked/simple-jwt_v1.svg",
]


@pytest.mark.parametrize("name", VERIFIED)
async def test_valid_samples_verify(name: str) -> None:
    report = await _report(name)
    assert report.verified, report.to_json()
    assert report.to_json()["verdict"] == "verified"


async def test_vcdm_1_1_samples_carry_a_warning() -> None:
    # The validator gives this a warning; so do we, without failing it.
    report = await _report("legacy-vcdm11/simple_v1.json")
    assert report.verified
    assert any("VCDM 1.1" in w for w in report.to_json()["warnings"])


async def test_the_vcdm_1_1_clr_sample_fails_on_keys_its_credentials_issuers_do_not_own() -> None:
    """The validator: valid with a warning (VCDM 1.1). The record's own checks pass (with
    the warning), but five of its six credentials are signed by a did:key that is not their
    issuer: each embedded credential is verified on its own (issue 13.6), and the issuer-key
    check (OB 3.0 Verification, as for simple-did-key-method.json) fails those five."""
    report = await _report("clr20/clr-simple_v1.json")
    for name in ("structure", "proof", "issuer key", "validity period"):
        assert report.check(name).outcome is Outcome.PASSED, name
    assert any("VCDM 1.1" in w for w in report.to_json()["warnings"])
    records = report.check("credentials")
    assert records.outcome is Outcome.FAILED and records.detail == "1 verified, 5 not verified"
    assert [p.message.split(" (")[0] for p in records.problems] == [
        f"credential {n}" for n in range(2, 7)]
    assert all("not the issuer" in p.message for p in records.problems)
    assert [r.check("issuer key").outcome for r in records.reports[1:]] == [Outcome.FAILED] * 5


async def test_single_proof_object_verifies_with_a_note() -> None:
    # Fails the strict published schema (proof must be an array); OB's compacted form allows
    # it and the validator accepts it: verified, with a note saying why strict validators differ.
    report = await _report("valid/simple-did-web-method.json")
    assert report.verified, report.to_json()
    structure = report.check("structure")
    assert structure.outcome is Outcome.PASSED
    assert any("proof given as a single value" in n for n in structure.notes)


async def test_did_key_sample_proof_verifies_but_its_key_is_not_the_issuers() -> None:
    # Signed by did:key:z6Mk… for issuer urn:uuid:…: the signature is good, but nothing says
    # the key belongs to that issuer. The 1EdTech validator accepts it; OB 3.0 (and we) check
    # that the verification method's controller is the issuer.
    report = await _report("valid/simple-did-key-method.json")
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED
    assert not report.verified


async def test_complete_sample_fails_on_its_placeholder_endorsements() -> None:
    # The validator: invalid (an endorsement's extension schema is unreachable). Here too, and
    # the endorsements also carry placeholder proofs ('eddsa-rdf-2022', a made-up key) and
    # expired in 2020. The credential's own proof, key, status and dates are fine.
    report = await _report("valid/complete.json")
    assert report.verdict is Verdict.NOT_VERIFIED
    for name in ("structure", "proof", "issuer key", "status", "validity period"):
        assert report.check(name).outcome is Outcome.PASSED, name
    endorsements = report.check("endorsements")
    assert endorsements.outcome is Outcome.FAILED
    assert len(endorsements.reports) == 5
    for sub in endorsements.reports:
        assert not sub.verified
        assert sub.check("proof").outcome is not Outcome.PASSED
        assert "eddsa-rdf-2022" in sub.check("proof").problems[0].message
        assert sub.check("validity period").outcome is Outcome.FAILED
        schema = sub.check("structure").problems[0]
        assert "/schema/endorsementcredential.json could not be retrieved" in schema.message


@pytest.mark.parametrize(("name", "check", "code"), [
    ("invalid/simple-err-proof-value.json", "proof", "PROOF_VERIFICATION_ERROR"),
    ("invalid/simple-err-type.json", "structure", "MALFORMED_VALUE_ERROR"),
    ("invalid/simple-err-type.json", "proof", "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-context.json", "structure", "MALFORMED_VALUE_ERROR"),
    ("invalid/simple-err-context.json", "proof", "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-credential-subject-identifier-type.json", "structure",
     "MALFORMED_VALUE_ERROR"),
    ("invalid/simple-err-credential-subject-identifier-type.json", "proof",
     "PROOF_TRANSFORMATION_ERROR"),
    ("invalid/simple-err-issuer.json", "structure", "MALFORMED_VALUE_ERROR"),
    ("invalid/simple-err-proof-method.json", "proof", "INVALID_VERIFICATION_METHOD"),
    ("invalid/simple-err-proof-method-unknown-did-method.json", "proof",
     "INVALID_VERIFICATION_METHOD"),
    ("invalid/simple-multiple-proofs.json", "proof", "MALFORMED_PROOF_ERROR"),
    ("invalid/simple-err-expired.json", "validity period", "EXPIRED"),
    ("invalid/simple-err-issued.json", "validity period", "NOT_YET_VALID"),
    ("status/credential-with-bitstring-status-revoked.json", "status", "REVOKED"),
    ("legacy-vcdm11/credential-1edtech-revocation-list-revoked.json", "status", "REVOKED"),
    ("legacy-vcdm11/complete_v1.json", "proof", "INVALID_VERIFICATION_METHOD"),
    ("legacy-vcdm11/complete_v1.json", "validity period", "EXPIRED"),
])
async def test_invalid_samples_fail_for_the_right_reason(name: str, check: str, code: str) -> None:
    report = await _report(name)
    assert not report.verified
    found = report.check(check)
    assert found is not None and found.outcome is not Outcome.PASSED
    assert code in {p.short_code for p in found.problems}, found


async def test_structure_names_the_rule_broken() -> None:
    messages = {name: " ".join(p.message for p in (await _report(name)).check("structure").problems)
                for name in ("invalid/simple-err-type.json", "invalid/simple-err-context.json",
                             "invalid/simple-err-issuer.json",
                             "invalid/simple-err-credential-subject-identifier-type.json")}
    assert "OpenBadgeCredential" in messages["invalid/simple-err-type.json"]
    assert "https://www.w3.org/ns/credentials/v2" in messages["invalid/simple-err-context.json"]
    assert "issuer" in messages["invalid/simple-err-issuer.json"]
    assert "InvalidIdentityObject" in messages[
        "invalid/simple-err-credential-subject-identifier-type.json"]


async def test_tampered_samples_are_invalid_not_unknown() -> None:
    for name in ("invalid/simple-err-proof-value.json", "invalid/simple-err-type.json"):
        assert (await _report(name)).check("proof").outcome is Outcome.FAILED


@pytest.mark.parametrize("name", ["status/credential-with-bitstring-status-revoked.json",
                                  "legacy-vcdm11/credential-1edtech-revocation-list-revoked.json"])
async def test_revoked_cannot_be_misread(name: str) -> None:
    report = await _report(name)
    body = report.to_json()
    assert body["verified"] is False and body["verdict"] == "not verified"
    assert body["revoked"] is True
    status = report.check("status")
    assert status.outcome is Outcome.FAILED and status.detail == "REVOKED"
    # Everything else about the credential is fine: only its status fails.
    others = [c for c in report.checks if c.name != "status"]
    assert all(c.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE) for c in others), body


async def test_bitstring_status_sample_reads_bit_23_from_the_fetched_list() -> None:
    report = await _report("status/credential-with-bitstring-status-revoked.json")
    (status,) = report.statuses
    assert (status.index, status.status, status.purpose) == (23, 1, "revocation")
    assert status.list_url == STATUS_LIST_URL


async def test_unreachable_status_list_is_could_not_check_never_valid() -> None:
    credential = load_json(SAMPLES / "status/credential-with-bitstring-status-revoked.json")
    verifier = FakeWeb().verifier(trust_embedded_keys=True, clock=_clock)
    report = await verifier.verify_credential(credential)
    assert report.verdict is Verdict.COULD_NOT_VERIFY and not report.verified
    assert report.check("status").outcome is Outcome.COULD_NOT_CHECK
    assert report.check("status").problems[0].short_code == "STATUS_RETRIEVAL_ERROR"
    assert "does not resolve" in report.check("status").problems[0].message


def test_offline_pipeline_cannot_check_status() -> None:
    credential = load_json(SAMPLES / "status/credential-with-bitstring-status-revoked.json")
    resolver = CompositeResolver([DidKeyResolver(), FragmentKeyResolver()])
    report = verify_credential(credential, resolver=resolver, clock=_clock)
    assert report.could_not_check
    # ...and with the list at hand (fetched by the caller), the same revocation is found.
    retrieved = Retrieved.of({STATUS_LIST_URL: load_json(
        SAMPLES / "status/bitstring-status-list-credential.json")})
    report = verify_credential(credential, resolver=resolver, clock=_clock, retrieved=retrieved)
    assert report.revoked and not report.verified


async def test_without_trusting_fragment_keys_nothing_is_verified() -> None:
    report = await _report("valid/simple.json", trust=False)
    assert not report.verified
    assert report.could_not_check
    # The issuer's document was looked for at the issuer's URL, and is not there.
    assert "https://example.com/issuers/876543" in report.check("proof").problems[0].message
