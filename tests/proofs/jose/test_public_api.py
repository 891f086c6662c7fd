"""The public API of vcissuer.proofs.jose is what ``__all__`` says."""

from __future__ import annotations

import vcissuer.proofs.jose as jose

EXPECTED = {
    "DecodedVcJwt", "JwtVerification", "decode_vc_jwt", "encode_vc_jwt", "verify_vc_jwt",
    "VC_JWT_TYP", "JwtProfile", "profile_for", "required_claims",
    "ENVELOPED_CREDENTIAL", "ENVELOPED_PRESENTATION", "VC_JWT_MEDIA_TYPE", "VP_JWT_MEDIA_TYPE",
    "EnvelopeError", "envelope", "envelope_kind", "open_envelope",
    "check_claims", "claims_for", "numeric_date",
    "DEFAULT_ALGORITHMS", "JWS_ALGORITHMS", "CompactJws", "jws_algorithm_for",
    "key_algorithm_for", "parse_compact_jws", "sign_compact_jws",
}


def test_all_is_the_public_api() -> None:
    assert set(jose.__all__) == EXPECTED
    for name in jose.__all__:
        assert getattr(jose, name) is not None
