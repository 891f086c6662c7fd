"""VC-JOSE-COSE VC-JWTs (typ vc+jwt) beside OB 3.0's, and enveloped credentials (data: URLs).

VC-JOSE-COSE "Securing JSON-LD Verifiable Credentials with JOSE": the JWS payload is the
credential, typ vc+jwt; VCDM 2.0 section 4.13 enveloped credentials; RFC 2397 data: URLs.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from vcissuer.errors import JwtError
from vcissuer.keys import Ed25519KeyPair, base64url_decode
from vcissuer.proofs.jose import (
    EnvelopeError,
    encode_vc_jwt,
    envelope,
    envelope_kind,
    open_envelope,
    profile_for,
    sign_compact_jws,
    verify_vc_jwt,
)

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _plain() -> dict[str, Any]:
    return {"@context": [VC_V2], "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example", "credentialSubject": {"name": "x"}}


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(base64url_decode(header)), json.loads(base64url_decode(payload))


def test_profile_for() -> None:
    assert profile_for(_plain()) == "vc"
    assert profile_for({**_plain(), "type": ["VerifiableCredential", "OpenBadgeCredential"]}) \
        == "ob"
    assert profile_for({**_plain(), "type": "EndorsementCredential"}) == "ob"


def test_vc_profile_needs_neither_id_nor_valid_from(ed_pair: Ed25519KeyPair) -> None:
    """VCDM 2.0: id and validFrom are optional; the payload is the credential (+ iss)."""
    token = encode_vc_jwt(_plain(), ed_pair.signer(""), header_key="jwk", profile="vc")
    header, payload = _parts(token)
    assert header["typ"] == "vc+jwt"
    assert payload == {**_plain(), "iss": "https://issuer.example"}
    result = verify_vc_jwt(token)
    assert result.verified, result.problems


def test_ob_profile_still_requires_id_and_valid_from(ed_pair: Ed25519KeyPair) -> None:
    """OB 3.0 #jwt-proof: jti and nbf are REQUIRED."""
    with pytest.raises(JwtError, match="jti"):
        encode_vc_jwt(_plain(), ed_pair.signer(""), header_key="jwk", profile="ob")


def _forge(header: dict[str, Any], payload: dict[str, Any], pair: Ed25519KeyPair) -> str:
    return sign_compact_jws(header, json.dumps(payload).encode(), signer=pair.signer("k"))


def test_typ_decides_which_claims_are_required(ed_pair: Ed25519KeyPair) -> None:
    """Without typ vc+jwt a token is read by OB 3.0's rules (jti, nbf required)."""
    payload = {**_plain(), "iss": "https://issuer.example"}
    jwk = ed_pair.public_jwk()
    assert verify_vc_jwt(_forge({"alg": "EdDSA", "typ": "vc+jwt", "jwk": jwk}, payload,
                                ed_pair)).verified
    ob = verify_vc_jwt(_forge({"alg": "EdDSA", "typ": "JWT", "jwk": jwk}, payload, ed_pair))
    assert sorted(p.message.split(":")[0] for p in ob.problems) == ["jti", "nbf"]


def test_vc_jwt_claims_present_must_still_agree(ed_pair: Ed25519KeyPair) -> None:
    payload = {**_plain(), "id": "urn:uuid:1", "iss": "https://issuer.example",
               "jti": "urn:uuid:2"}
    result = verify_vc_jwt(_forge({"alg": "EdDSA", "typ": "vc+jwt",
                                   "jwk": ed_pair.public_jwk()}, payload, ed_pair))
    assert [p.message.split(":")[0] for p in result.problems] == ["jti"]


TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"


def test_envelope_round_trip() -> None:
    enveloped = envelope(TOKEN)
    assert enveloped == {"@context": VC_V2, "id": f"data:application/vc+jwt,{TOKEN}",
                         "type": "EnvelopedVerifiableCredential"}
    assert envelope_kind(enveloped) == "credential"
    assert open_envelope(enveloped) == TOKEN
    vp = envelope(TOKEN, "presentation")
    assert vp["id"].startswith("data:application/vp+jwt,")
    assert envelope_kind(vp) == "presentation" and open_envelope(vp, "presentation") == TOKEN


def test_data_url_variants_rfc_2397() -> None:
    b64 = base64.b64encode(TOKEN.encode()).decode()
    for url in (f"data:application/vc+jwt;base64,{b64}", f"DATA:Application/VC+JWT,{TOKEN}",
                f"data:application/vc+jwt,{TOKEN.replace('.', '%2E')}"):
        assert open_envelope({"type": ["EnvelopedVerifiableCredential"], "id": url}) == TOKEN


@pytest.mark.parametrize(("value", "member"), [
    ({"type": "EnvelopedVerifiableCredential"}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": 7}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "urn:x:1"}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt"}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc,{}"}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "data:,abc"}, "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt;base64,*"},
     "id"),
    ({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,a.b"}, "id"),
    ({"type": "EnvelopedVerifiablePresentation", "id": f"data:application/vc+jwt,{TOKEN}"},
     "type"),
    ({"@context": ["https://www.w3.org/2018/credentials/v1"],
      "type": "EnvelopedVerifiableCredential", "id": f"data:application/vc+jwt,{TOKEN}"},
     "@context"),
])
def test_bad_envelopes(value: dict[str, Any], member: str) -> None:
    with pytest.raises(EnvelopeError) as caught:
        open_envelope(value)
    assert caught.value.member == member


def test_envelope_refuses_what_is_not_a_compact_jws() -> None:
    with pytest.raises(ValueError, match="compact JWS"):
        envelope("a.b")
