"""POST /presentations/verify: ``holder`` is optional; when present it must be the signer.

VCDM 2.0 section 4.13 "Verifiable Presentations" (https://www.w3.org/TR/vc-data-model-2.0/
#verifiable-presentations): "holder" is an OPTIONAL property. VC Data Integrity section 4.4
"Verify Proof" steps for ``authentication`` with the challenge and domain the verifier asked
for. The CCG vc-api verifier suite posts presentations signed by a did:key with no holder.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_verify_api import verify_client, world  # noqa: F401 - fixtures
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import Authentication, add_proof
from vcissuer.verify import verify_presentation


def _vp(*credentials: Any, **extra: Any) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"], "verifiableCredential": list(credentials),
            **extra}


def _did_key_signed(vp: dict[str, Any], keys: Ed25519KeyPair, **purpose: Any) -> dict:
    did = f"did:key:{keys.public_multibase}"
    return add_proof(vp, signer=keys.signer(f"{did}#{keys.public_multibase}"),
                     purpose=Authentication(**purpose))


def _checks(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["check"]: c for c in body["presentationResult"]["checks"]}


def test_a_signed_presentation_without_holder_verifies(verify_client: TestClient,
                                                       world) -> None:
    _, _, good, _ = world
    keys = Ed25519KeyPair.generate()
    signed = _did_key_signed(_vp(good), keys, challenge="c-1", domain="hr.example")
    response = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": "c-1",
                                                      "domain": "hr.example"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    checks = _checks(body)
    assert checks["proof"]["outcome"] == "passed"
    assert checks["holder"]["outcome"] == "not applicable"
    assert f"did:key:{keys.public_multibase}" in checks["holder"]["detail"]


def test_without_holder_the_challenge_and_domain_still_bind(verify_client: TestClient,
                                                             world) -> None:
    _, _, good, _ = world
    signed = _did_key_signed(_vp(good), Ed25519KeyPair.generate(), challenge="c-1",
                             domain="hr.example")
    for options in ({"challenge": "c-2", "domain": "hr.example"},
                    {"challenge": "c-1", "domain": "other.example"}):
        response = verify_client.post("/presentations/verify", json={
            "verifiablePresentation": signed, "options": options})
        assert response.status_code == 422, options
        assert _checks(response.json())["proof"]["outcome"] == "failed"


def test_a_presentation_with_holder_signed_by_the_holder(verify_client: TestClient,
                                                         world) -> None:
    _, _, good, _ = world
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    signed = _did_key_signed(_vp(good, holder=did), keys, challenge="c-1")
    response = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": "c-1"}})
    assert response.status_code == 200, response.text
    assert _checks(response.json())["holder"] == {"check": "holder", "outcome": "passed",
                                                  "detail": did}


def test_a_presentation_whose_holder_did_not_sign_it_fails(verify_client: TestClient,
                                                           world) -> None:
    _, _, good, _ = world
    keys = Ed25519KeyPair.generate()
    someone = f"did:key:{Ed25519KeyPair.generate().public_multibase}"
    signed = _did_key_signed(_vp(good, holder=someone), keys, challenge="c-1")
    response = verify_client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": "c-1"}})
    assert response.status_code == 422
    holder = _checks(response.json())["holder"]
    assert holder["outcome"] == "failed"
    assert "not its holder" in holder["problems"][0]["message"]


def test_holder_as_an_object_with_id() -> None:
    """VCDM 2.0 section 4.13: holder is a URL or an object with an id."""
    from vcissuer.dids import DidKeyResolver

    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    signed = _did_key_signed(_vp(holder={"id": did}), keys)
    assert verify_presentation(signed, resolver=DidKeyResolver()).verified


def test_holder_and_id_must_be_urls() -> None:
    """VCDM 2.0 section 4.13: holder is a URL (or an object with one); id (section 4.4) too."""
    from vcissuer.dids import DidKeyResolver

    for extra in ({"holder": "not a url"}, {"holder": {"id": 7}}, {"id": ["urn:a", "urn:b"]}):
        report = verify_presentation(_vp(**extra), resolver=DidKeyResolver())
        assert not report.verified, extra
        assert report.to_json()["presentationResult"]["checks"][0]["outcome"] == "failed"


MANGLED = [{"type": ["NonconformingDocument"]}, {"type": 10}, {"@context": 10},
           {"holder": {}}, {"holder": 7}, {"verifiableCredential": 10},
           {"verifiableCredential": [None, 3]}, {"proof": "x"}, {"proof": [None]},
           {"id": {"a": 1}}]


def test_mangled_presentations_are_refused_not_crashed(verify_client: TestClient,
                                                       world) -> None:
    """VCDM 2.0 section 1.3: verifiers MUST produce errors for non-conforming documents."""
    for change in MANGLED:
        vp = {**_vp(), **change}
        response = verify_client.post("/presentations/verify",
                                      json={"verifiablePresentation": vp})
        assert response.status_code in (400, 422), (change, response.text)
