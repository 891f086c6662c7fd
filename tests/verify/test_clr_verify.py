"""Verification of CLR 2.0 records (issue 13.6): the record's own proof, schema and status, and
every credential it embeds, each with its own report; a failing one is named.

https://www.imsglobal.org/spec/clr/v2p0/ (ClrCredential: ``credentialSubject.
verifiableCredential``, each credential "as issued", with its proof); OB 3.0 "Verification"
(https://www.imsglobal.org/spec/ob/v3p0/#verification) for each embedded credential. All of it
runs through :class:`~vcissuer.verify.Verifier`: the record's and its credentials' keys and
status lists are fetched first, then the pipeline runs.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import VECTORS, load_json
from tests.net.fakeweb import FakeWeb
from tests.verify.issuing import clock, did_web_issuer, status_entry
from tests.verify.records import micro_credentials, record
from vcissuer.dids import StaticResolver
from vcissuer.limits import Limits
from vcissuer.status.errors import CREDENTIAL_REVOKED
from vcissuer.verify import Outcome, Verdict, VerificationReport, verify_credential
from vcissuer.verify.records import embedded_credentials

LIST_URL = "https://issuer.example/status/acme/list-1"
GUIDE = VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/clrv2p0/signed-credential.json"
SIMPLE = VECTORS / "1edtech-validator-clr20/simple.json"


async def _verify(web: FakeWeb, credential: Any, **options: Any) -> VerificationReport:
    verifier = web.verifier(clock=clock, **options)
    try:
        return await verifier.verify_credential(credential)
    finally:
        await verifier.fetcher.client.aclose()


async def test_the_1edtech_validator_record_verifies_with_its_credential() -> None:
    """Signature (eddsa-rdfc-2022, the 1EdTech test keys travel in URL fragments: trusted
    here as the 1EdTech validator trusts them), ClrCredential schema, and the embedded
    credential's own proof."""
    report = await _verify(FakeWeb(), load_json(SIMPLE), trust_embedded_keys=True)
    assert report.verified, report.to_json()
    structure = report.check("structure")
    assert structure.outcome is Outcome.PASSED and not structure.notes
    records = report.check("credentials")
    assert records.outcome is Outcome.PASSED and records.detail == "1 verified"
    assert records.reports[0].location == "credentialSubject.verifiableCredential[0]"
    assert records.reports[0].check("proof").outcome is Outcome.PASSED


async def test_the_implementation_guide_record_verifies_but_its_credential_is_compacted() -> None:
    """The Implementation Guide's signed CLR: the record's proof, key and ClrCredential schema
    pass, and so does its credential's proof. That credential writes ``type`` (and the issuer's,
    achievement's and subject's) as a single string, which OB 3.0's published (strict)
    AchievementCredential schema refuses: the one reason the record is not verified."""
    report = await _verify(FakeWeb(), load_json(GUIDE), trust_embedded_keys=True)
    for name in ("structure", "proof", "issuer key", "validity period"):
        assert report.check(name).outcome is Outcome.PASSED, name
    inner = report.check("credentials").reports[0]
    assert inner.check("proof").outcome is Outcome.PASSED
    assert [c.name for c in inner.checks if not c.ok] == ["structure"]
    assert all("is not of type \"array\"" in p.message or "oneOf" in p.message
               for p in inner.check("structure").problems)


async def test_a_1edtech_record_that_breaks_the_clr_schema_fails_its_structure() -> None:
    """The CLR 2.0 JSON Schema requires ``name``; re-signing is not needed to see the schema
    fail (the proof then fails too, for the change)."""
    document = load_json(SIMPLE)
    del document["name"]
    report = await _verify(FakeWeb(), document, trust_embedded_keys=True)
    structure = report.check("structure")
    assert structure.outcome is Outcome.FAILED
    assert any("CLR 2.0 clrcredential JSON Schema" in p.message and "name" in p.message
               for p in structure.problems)


@pytest.fixture
def world():
    web = FakeWeb()
    issuer = did_web_issuer(web)
    statuses = [status_entry(LIST_URL, index) for index in (3, 4, 5)]
    credentials = micro_credentials(issuer, 3, statuses=statuses)
    return web, issuer, credentials


def _publish(web: FakeWeb, issuer, *revoked: int) -> None:
    web.add(LIST_URL, issuer.status_list(LIST_URL, set_bits=revoked),
            content_type="application/vc+ld+json")


async def test_our_record_of_three_verifies_and_so_does_each_credential(world) -> None:
    web, issuer, credentials = world
    _publish(web, issuer)
    clr = record(issuer, credentials)
    report = await _verify(web, clr)
    assert report.verified, report.to_json()
    assert [c.name for c in report.checks] == [
        "structure", "proof", "issuer key", "status", "validity period", "endorsements",
        "credentials"]
    records = report.check("credentials")
    assert records.detail == "3 verified"
    for number, (sub, credential) in enumerate(zip(records.reports, credentials, strict=True)):
        assert sub.location == f"credentialSubject.verifiableCredential[{number}]"
        assert sub.credential == credential
        assert sub.check("status").outcome is Outcome.PASSED
    for credential in credentials:  # and each on its own, outside the record
        assert (await _verify(web, credential)).verified


async def test_a_revoked_constituent_is_named_in_the_records_report(world) -> None:
    web, issuer, credentials = world
    _publish(web, issuer, 4)  # the second credential's index
    report = await _verify(web, record(issuer, credentials))
    assert report.verdict is Verdict.NOT_VERIFIED
    for name in ("structure", "proof", "issuer key", "validity period"):
        assert report.check(name).outcome is Outcome.PASSED, name
    records = report.check("credentials")
    assert records.outcome is Outcome.FAILED
    assert [p.message for p in records.problems] == [f"credential 2 ({credentials[1]['id']}) "
                                                     "revoked"]
    assert records.problems[0].code == CREDENTIAL_REVOKED
    assert [r.revoked for r in records.reports] == [False, True, False]
    body = report.to_json()
    assert body["verified"] is False and body["revoked"] is False  # the record itself is not
    assert f"credential 2 ({credentials[1]['id']}) revoked" in " ".join(body["errors"])
    assert body["checks"][-1]["reports"][1]["revoked"] is True


async def test_a_tampered_credential_fails_itself_and_the_records_proof(world) -> None:
    web, issuer, credentials = world
    _publish(web, issuer)
    clr = record(issuer, credentials)
    tampered = copy.deepcopy(clr)
    tampered["credentialSubject"]["verifiableCredential"][2]["credentialSubject"][
        "achievement"]["name"] = "Module 99"
    report = await _verify(web, tampered)
    assert report.check("proof").outcome is Outcome.FAILED
    records = report.check("credentials")
    assert [r.verified for r in records.reports] == [True, True, False]
    assert records.reports[2].check("proof").outcome is Outcome.FAILED
    assert records.problems[0].message.startswith(
        f"credential 3 ({credentials[2]['id']}) is not verified")


async def test_a_record_signed_over_a_forged_credential_still_fails_that_credential(world) -> None:
    """The record's issuer signs the record whole, forged credential and all: the record's
    proof passes, the embedded credential's own proof does not."""
    web, issuer, credentials = world
    _publish(web, issuer)
    forged = copy.deepcopy(credentials)
    forged[0]["credentialSubject"]["creditsEarned"] = 60
    report = await _verify(web, record(issuer, forged))
    assert report.check("proof").outcome is Outcome.PASSED
    records = report.check("credentials")
    assert [r.verified for r in records.reports] == [False, True, True]
    assert report.verdict is Verdict.NOT_VERIFIED


async def test_keys_and_lists_of_embedded_credentials_from_another_issuer_are_fetched(
        world) -> None:
    web, issuer, credentials = world
    _publish(web, issuer)
    other = did_web_issuer(web, host="college.example", slug="north")
    foreign = micro_credentials(other, 1)
    report = await _verify(web, record(issuer, [*credentials, *foreign]))
    assert report.verified, report.to_json()
    assert report.check("credentials").reports[3].check("issuer key").detail == other.did


async def test_too_many_credentials_are_refused_before_anything_is_fetched(world) -> None:
    web, issuer, credentials = world
    clr = record(issuer, credentials)
    verifier = web.verifier(clock=clock, limits=Limits(clr_credentials=2))
    try:
        report = await verifier.verify_credential(clr)
    finally:
        await verifier.fetcher.client.aclose()
    assert [c.name for c in report.checks] == ["limits"]
    assert report.verdict is Verdict.COULD_NOT_VERIFY
    assert report.checks[0].detail == "credentials per record: at most 2"


def test_a_record_inside_a_record_has_its_credentials_left_unverified(world) -> None:
    _, issuer, credentials = world
    inner = record(issuer, credentials[:1])
    outer = record(issuer, [inner])
    report = verify_credential(outer, resolver=StaticResolver({issuer.did: issuer.document()}),
                               clock=clock)
    inner_report = report.check("credentials").reports[0]
    assert inner_report.check("credentials").outcome is Outcome.COULD_NOT_CHECK
    assert len(embedded_credentials(outer)) == 1


CLR20 = VECTORS / "1edtech-validator-clr20"


async def _sample(name: str) -> VerificationReport:
    from vcissuer.verify import parse_credential_bytes

    return await _verify(FakeWeb(), parse_credential_bytes((CLR20 / name).read_bytes()),
                         trust_embedded_keys=True)


async def test_the_complex_sample_is_signed_by_a_key_no_issuer_in_it_owns() -> None:
    """MANIFEST: "valid (not run)" in the validator. Its proof verifies (Ed25519Signature2020),
    but the record and all six credentials are signed by a did:key that is not their issuer
    (OB 3.0 Verification: the key must be the issuer's; the validator does not check this)."""
    report = await _sample("complex.json")
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED
    records = report.check("credentials")
    assert records.detail == "6 not verified"
    assert all(r.check("issuer key").outcome is Outcome.FAILED for r in records.reports)


async def test_the_sample_without_a_proof_fails_for_its_missing_proof() -> None:
    report = await _sample("simple-noproof.json")
    assert report.check("proof").outcome is Outcome.FAILED
    assert [p.message for p in report.check("proof").problems] == ["the document has no proof"]


@pytest.mark.parametrize("name", ["simple_old_safesigned.json", "simple.jwt"])
async def test_the_draft_context_samples_fail_on_the_draft_context(name: str) -> None:
    """Both use the pre-release https://dc.imsglobal.org/draft/clr/v2p0/context, which is not
    a CLR 2.0 context (and not bundled: a Data Integrity proof over it cannot be checked)."""
    report = await _sample(name)
    structure = report.check("structure")
    assert "@context must include a CLR 2.0 context" in [p.message for p in structure.problems]
    assert not report.verified
    if name.endswith(".jwt"):  # RS256, the key in the token header (trusted here)
        assert report.check("proof").outcome is Outcome.PASSED
        inner = report.check("credentials").reports[0]
        assert inner.format == "jwt" and not inner.verified
    else:
        proof = report.check("proof")
        assert proof.outcome is Outcome.COULD_NOT_CHECK
        assert "dc.imsglobal.org/draft/clr/v2p0/context" in proof.problems[0].message
