"""Verifiable presentations: holder proof with challenge/domain, unsigned ones, every VC inside."""

from __future__ import annotations

from typing import Any

import pytest

from tests.net.fakeweb import FakeWeb
from tests.verify.issuing import clock, did_web_issuer, status_entry
from vcissuer.proofs import Authentication
from vcissuer.proofs.jose import encode_vc_jwt
from vcissuer.verify import Outcome, PresentationReport, Verdict

LIST_URL = "https://issuer.example/status/acme/list-1"


def _presentation(*credentials: Any, holder: str | None = None) -> dict[str, Any]:
    vp: dict[str, Any] = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                          "type": ["VerifiablePresentation"],
                          "verifiableCredential": list(credentials)}
    if holder is not None:
        vp["holder"] = holder
    return vp


@pytest.fixture
def world():
    web = FakeWeb()
    issuer = did_web_issuer(web)
    holder = did_web_issuer(web, host="learner.example", slug="ada")
    web.add(LIST_URL, issuer.status_list(LIST_URL, set_bits=(9,)))
    good = issuer.credential(status=status_entry(LIST_URL, 1))
    revoked = issuer.credential(status=status_entry(LIST_URL, 9))
    return web, issuer, holder, good, revoked


async def _verify(web: FakeWeb, vp: dict[str, Any], **options: Any) -> PresentationReport:
    verifier = web.verifier(clock=clock)
    try:
        return await verifier.verify_presentation(vp, **options)
    finally:
        await verifier.fetcher.client.aclose()


async def test_signed_presentation_with_challenge_and_domain(world) -> None:
    web, issuer, holder, good, _ = world
    token = encode_vc_jwt(issuer.credential(sign=False), issuer.keys.signer(issuer.method))
    vp = holder.sign(_presentation(
        good, {"@context": ["https://www.w3.org/ns/credentials/v2"],
               "type": "EnvelopedVerifiableCredential",
               "id": f"data:application/vc+jwt,{token}"}, holder=holder.did),
        purpose=Authentication(challenge="c-123", domain="employer.example"))
    report = await _verify(web, vp, challenge="c-123", domain="employer.example")
    assert report.verified, report.to_json()
    body = report.to_json()
    assert [r["format"] for r in body["credentialResults"]] == ["ldp", "jwt"]
    assert body["presentationResult"]["verified"] is True

    wrong = await _verify(web, vp, challenge="c-999", domain="employer.example")
    assert wrong.verdict is Verdict.NOT_VERIFIED
    assert "INVALID_CHALLENGE_ERROR" in {p.short_code for p in wrong.check("proof").problems}
    elsewhere = await _verify(web, vp, challenge="c-123", domain="attacker.example")
    assert "INVALID_DOMAIN_ERROR" in {p.short_code for p in elsewhere.check("proof").problems}


async def test_assertion_purpose_is_not_authentication(world) -> None:
    web, _, holder, good, _ = world
    vp = holder.sign(_presentation(good, holder=holder.did))  # assertionMethod
    report = await _verify(web, vp)
    assert not report.verified
    assert "expected 'authentication'" in report.check("proof").problems[0].message


async def test_presentation_signed_by_someone_other_than_its_holder(world) -> None:
    web, issuer, holder, good, _ = world
    vp = issuer.sign(_presentation(good, holder=holder.did), purpose=Authentication())
    report = await _verify(web, vp)
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("holder").outcome is Outcome.FAILED


async def test_unsigned_presentation_verifies_its_credentials(world) -> None:
    web, _, _, good, revoked = world
    report = await _verify(web, _presentation(good))
    assert report.verified, report.to_json()
    assert report.check("proof").outcome is Outcome.NOT_APPLICABLE
    assert "not authenticated" in report.check("proof").detail

    report = await _verify(web, _presentation(good, revoked))
    assert report.verdict is Verdict.NOT_VERIFIED
    assert [r.verified for r in report.credentials] == [True, False]
    assert report.credentials[1].revoked
    assert report.to_json()["errors"] == ["verifiableCredential[1]: not verified"]


async def test_unsigned_presentation_cannot_answer_a_challenge(world) -> None:
    web, _, _, good, _ = world
    report = await _verify(web, _presentation(good), challenge="c-123")
    assert report.verdict is Verdict.NOT_VERIFIED
    assert report.check("proof").outcome is Outcome.FAILED


async def test_not_a_presentation(world) -> None:
    web, _, _, good, _ = world
    report = await _verify(web, {"@context": ["https://www.w3.org/ns/credentials/v2"],
                                 "type": ["Something"], "verifiableCredential": good})
    assert report.check("structure").outcome is Outcome.FAILED
    assert not report.verified
