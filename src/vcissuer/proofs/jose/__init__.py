"""VC-JWT (OB 3.0 "JSON Web Token Proof Format"): compact JWS with RS256, ES256 and EdDSA."""

from vcissuer.proofs.jose.algorithms import (
    DEFAULT_ALGORITHMS,
    JWS_ALGORITHMS,
    jws_algorithm_for,
    key_algorithm_for,
)
from vcissuer.proofs.jose.claims import check_claims, claims_for, numeric_date
from vcissuer.proofs.jose.envelope import (
    ENVELOPED_CREDENTIAL,
    ENVELOPED_PRESENTATION,
    VC_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    EnvelopeError,
    envelope,
    envelope_kind,
    open_envelope,
)
from vcissuer.proofs.jose.jws import CompactJws, parse_compact_jws, sign_compact_jws
from vcissuer.proofs.jose.vc_jwt import (
    VC_JWT_TYP,
    DecodedVcJwt,
    JwtProfile,
    JwtVerification,
    decode_vc_jwt,
    encode_vc_jwt,
    profile_for,
    required_claims,
    verify_vc_jwt,
)

__all__ = [
    # VC-JWT
    "VC_JWT_TYP",
    "DecodedVcJwt",
    "JwtProfile",
    "JwtVerification",
    "decode_vc_jwt",
    "encode_vc_jwt",
    "profile_for",
    "required_claims",
    "verify_vc_jwt",
    # enveloped credentials and presentations
    "ENVELOPED_CREDENTIAL",
    "ENVELOPED_PRESENTATION",
    "VC_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "EnvelopeError",
    "envelope",
    "envelope_kind",
    "open_envelope",
    # claims
    "check_claims",
    "claims_for",
    "numeric_date",
    # JWS
    "DEFAULT_ALGORITHMS",
    "JWS_ALGORITHMS",
    "CompactJws",
    "jws_algorithm_for",
    "key_algorithm_for",
    "parse_compact_jws",
    "sign_compact_jws",
]
