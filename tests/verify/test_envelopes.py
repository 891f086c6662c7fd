"""Enveloped credentials wherever a credential is verified (pipeline, Verifier, presentations).

VCDM 2.0 section 4.13: an EnvelopedVerifiableCredential's id is a data: URL carrying the
secured credential; here a VC-JOSE-COSE vc+jwt.
"""

from __future__ import annotations

import pytest

from tests.net.fakeweb import FakeWeb
from tests.verify.issuing import clock, did_web_issuer
from vcissuer.dids import CompositeResolver, DidKeyResolver, did_key_from_public
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs.jose import encode_vc_jwt, envelope
from vcissuer.verify import verify_credential

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _credential(issuer: str) -> dict:
    return {"@context": [VC_V2], "type": ["VerifiableCredential"], "issuer": issuer,
            "credentialSubject": {"id": "did:example:alice"}}


def test_pipeline_opens_the_envelope() -> None:
    pair = Ed25519KeyPair.generate()
    did = did_key_from_public(pair.public_multibase)
    token = encode_vc_jwt(_credential(did), pair.signer(f"{did}#{pair.public_multibase}"),
                          profile="vc")
    report = verify_credential(envelope(token), resolver=CompositeResolver([DidKeyResolver()]),
                               clock=clock)
    assert report.verified, report.to_json()
    assert report.format == "jwt"


def test_a_bad_envelope_fails_structure_with_the_reason() -> None:
    report = verify_credential({"type": "EnvelopedVerifiableCredential", "id": "https://x.example"},
                               resolver=CompositeResolver([DidKeyResolver()]), clock=clock)
    assert not report.verified
    assert report.checks[0].name == "structure"
    assert "data: URL" in report.checks[0].problems[0].message


@pytest.mark.anyio
async def test_verifier_fetches_the_did_web_key_of_an_enveloped_jwt() -> None:
    """The retriever looks inside the envelope for the kid to fetch (did:web)."""
    web = FakeWeb()
    issuer = did_web_issuer(web)
    token = encode_vc_jwt(_credential(issuer.did), issuer.keys.signer(issuer.method),
                          profile="vc")
    report = await web.verifier(clock=clock).verify_credential(envelope(token))
    assert report.verified, report.to_json()
