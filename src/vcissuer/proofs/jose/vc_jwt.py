"""VC-JWT: an Open Badges credential secured as a compact JWS.

https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof — encode, decode (parse only) and verify.
A bad signature or a claim that disagrees with the credential is *returned* as a problem; a
token that cannot be processed (malformed, ``alg: none``, no key reference) raises JwtError.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from vcissuer.dids.base import ASSERTION_METHOD, VerificationMethodResolver
from vcissuer.errors import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    JwtError,
    KeyFormatError,
    VcError,
)
from vcissuer.keys.base import Signer, Verifier
from vcissuer.keys.jwk import PRIVATE_JWK_MEMBERS, verifier_from_jwk
from vcissuer.proofs.jose.algorithms import (
    DEFAULT_ALGORITHMS,
    JWS_ALGORITHMS,
    jws_algorithm_for,
    key_algorithm_for,
)
from vcissuer.proofs.jose.claims import (
    OB_REQUIRED_CLAIMS,
    REGISTERED_CLAIMS,
    check_claims,
    claims_for,
    is_vcdm1,
)
from vcissuer.proofs.jose.jws import json_object, parse_compact_jws, sign_compact_jws
from vcissuer.proofs.result import Problem

__all__ = [
    "VC_JWT_TYP",
    "DecodedVcJwt",
    "JwtProfile",
    "JwtVerification",
    "decode_vc_jwt",
    "encode_vc_jwt",
    "profile_for",
    "required_claims",
    "verify_vc_jwt",
]

# VC-JOSE-COSE "Securing JSON-LD Verifiable Credentials with JOSE": typ SHOULD be vc+jwt.
VC_JWT_TYP = "vc+jwt"
# "ob": OB 3.0 #jwt-proof (typ JWT; iss, jti, nbf required). "vc": VC-JOSE-COSE for VCDM 2.0
# (typ vc+jwt; the payload is the credential, claims only where the credential has the
# property), VCDM 1.1 "JWT encoding" for 1.1 credentials (the vc claim; jti only with an id).
JwtProfile = Literal["ob", "vc"]
# Credentials whose VC-JWT form OB 3.0 (or CLR 2.0, which follows it) defines.
OB_JWT_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential",
                          "EndorsementCredential", "ClrCredential"})

# OB 3.0: "typ" is optional and, when present, "JWT"; VC-JOSE-COSE says "vc+jwt".
_TYPES = frozenset({"jwt", "vc+jwt"})
# Resolution failures that mean "the key is not allowed", not "could not find out".
_INVALID_RESOLUTION = {INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
                       INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID}


class DecodedVcJwt(NamedTuple):
    """A parsed VC-JWT; nothing here has been verified."""

    header: dict[str, Any]
    payload: dict[str, Any]
    credential: dict[str, Any]
    signing_input: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class JwtVerification:
    """The outcome of verifying a VC-JWT: the signature, the claim checks, and the credential.

    ``credential`` is the credential as the claims complete it (``exp`` sets ``validUntil``),
    for the validity-period check that the verification pipeline runs.
    """

    header: dict[str, Any]
    payload: dict[str, Any] = field(repr=False)
    credential: dict[str, Any] = field(repr=False)
    signature_verified: bool
    problems: tuple[Problem, ...]
    key_source: Literal["jwk", "kid"]
    verification_method: str | None = None
    controller: str | None = None

    @property
    def verified(self) -> bool:
        return self.signature_verified and not self.problems


def encode_vc_jwt(
    credential: Mapping[str, Any],
    signer: Signer,
    *,
    header_key: Literal["kid", "jwk"] = "kid",
    extra_claims: Mapping[str, Any] | None = None,
    profile: JwtProfile = "ob",
) -> str:
    """Sign ``credential`` as a VC-JWT. https://www.imsglobal.org/spec/ob/v3p0/#jwt-signing

    The payload is the credential plus ``iss``, ``jti``, ``nbf`` (and ``sub``, ``exp``); a
    VCDM 1.1 credential goes in the ``vc`` claim. The header names the key by ``kid`` (the
    signer's verification method) or carries its public ``jwk``. With ``profile="vc"`` a
    VCDM 2.0 credential is secured per VC-JOSE-COSE instead: header ``typ`` ``vc+jwt``, and
    each claim only where the credential has its property (``id``, ``validFrom`` are optional).
    """
    if not isinstance(credential, Mapping):
        raise TypeError("credential must be a JSON object (a Mapping)")
    if profile not in ("ob", "vc"):
        raise ValueError("profile must be 'ob' or 'vc'")
    vcdm1 = is_vcdm1(credential)
    typ = VC_JWT_TYP if profile == "vc" and not vcdm1 else "JWT"
    header: dict[str, Any] = {"alg": jws_algorithm_for(signer.algorithm), "typ": typ}
    if header_key == "kid":
        if not signer.id:
            raise JwtError("a kid header needs a signer with a verification method id")
        header["kid"] = signer.id
    elif header_key == "jwk":
        public_jwk = getattr(signer, "public_jwk", None)
        if public_jwk is None:
            raise JwtError("this signer cannot give its public JWK; use header_key='kid'")
        jwk = dict(public_jwk())
        if PRIVATE_JWK_MEMBERS.intersection(jwk):
            raise JwtError("refusing to put private JWK members in a JOSE header")
        header["jwk"] = jwk
    else:
        raise ValueError("header_key must be 'kid' or 'jwk'")

    claims = claims_for(credential, required=_encoding_required(profile, vcdm1=vcdm1))
    if vcdm1:
        payload: dict[str, Any] = {"vc": dict(credential), **claims}
    else:
        clash = sorted(set(claims).intersection(credential))
        if clash:
            raise JwtError(f"the credential already has JWT claim names {', '.join(clash)}")
        payload = {**credential, **claims}
    for name, value in (extra_claims or {}).items():
        if name in payload:
            raise ValueError(f"extra claim {name!r} would overwrite {name!r} in the payload")
        payload[name] = value
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return sign_compact_jws(header, data, signer=signer)


def profile_for(credential: Mapping[str, Any]) -> JwtProfile:
    """``"ob"`` for Open Badges (and CLR) credentials, ``"vc"`` (VC-JOSE-COSE) for the rest."""
    types = credential.get("type")
    names = types if isinstance(types, list) else [types]
    return "ob" if OB_JWT_TYPES.intersection(n for n in names if isinstance(n, str)) else "vc"


def _encoding_required(profile: JwtProfile, *, vcdm1: bool) -> frozenset[str]:
    if profile == "ob":
        return OB_REQUIRED_CLAIMS
    return OB_REQUIRED_CLAIMS - {"jti"} if vcdm1 else frozenset()


def required_claims(header: Mapping[str, Any], payload: Mapping[str, Any]) -> frozenset[str]:
    """The claims a token must carry: by OB 3.0 unless it says it is VC-JOSE-COSE.

    - ``typ`` ``vc+jwt`` on a VCDM 2.0 payload (VC-JOSE-COSE): none; the payload is the
      credential, and claims present must agree with it.
    - a ``vc`` claim (VCDM 1.1 "JWT decoding"): ``jti`` only stands in for an ``id``.
    - otherwise OB 3.0 #jwt-proof: ``iss``, ``jti``, ``nbf`` (``exp`` with ``validUntil``).
    """
    if "vc" in payload:
        return OB_REQUIRED_CLAIMS - {"jti"}
    typ = header.get("typ")
    if isinstance(typ, str) and typ.lower().removeprefix("application/") == VC_JWT_TYP:
        return frozenset()
    return OB_REQUIRED_CLAIMS


def _check_header(header: Mapping[str, Any]) -> None:
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise JwtError("the JOSE header has no alg")
    if alg not in JWS_ALGORITHMS:
        raise JwtError(f"JWS algorithm {alg!r} is not supported "
                       f"(supported: {', '.join(sorted(JWS_ALGORITHMS))})")
    if "crit" in header:
        raise JwtError("the JOSE header lists critical extensions this verifier does not know")
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str)
                            or typ.lower().removeprefix("application/") not in _TYPES):
        raise JwtError(f"JOSE header typ must be 'JWT' when present, not {typ!r}")
    has_kid, has_jwk = "kid" in header, "jwk" in header
    if has_kid == has_jwk:
        raise JwtError("the JOSE header must carry exactly one of kid and jwk")
    if has_kid and (not isinstance(header["kid"], str) or not header["kid"]):
        raise JwtError("the JOSE header kid must be a non-empty string")
    if has_jwk:
        jwk = header["jwk"]
        if not isinstance(jwk, Mapping):
            raise JwtError("the JOSE header jwk must be a JSON object")
        private = sorted(PRIVATE_JWK_MEMBERS.intersection(jwk))
        if private:
            raise JwtError(f"the JOSE header jwk contains private key members "
                           f"({', '.join(private)}); it must hold a public key only")


def decode_vc_jwt(token: str) -> DecodedVcJwt:
    """Parse a VC-JWT without verifying it; JwtError if it is malformed.

    https://www.imsglobal.org/spec/ob/v3p0/#jwt-verify steps 1 and 4 (decode header and
    payload; a VCDM 1.1 credential is the ``vc`` claim).
    """
    jws = parse_compact_jws(token)
    _check_header(jws.header)
    payload = json_object(jws.payload, what="JWT payload")
    if "vc" in payload:
        if not isinstance(payload["vc"], dict):
            raise JwtError("the vc claim must be a JSON object")
        credential = payload["vc"]
    else:
        credential = {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    return DecodedVcJwt(jws.header, payload, credential, jws.signing_input, jws.signature)


def _problem_from(error: VcError) -> Problem:
    kind = "invalid" if error.code in _INVALID_RESOLUTION else "error"
    return Problem(error.code, error.message, kind=kind)


def verify_vc_jwt(
    token: str,
    *,
    resolver: VerificationMethodResolver | None = None,
    purpose: str = ASSERTION_METHOD,
    allowed_algorithms: Collection[str] = DEFAULT_ALGORITHMS,
) -> JwtVerification:
    """Verify a VC-JWT's signature and claims. https://www.imsglobal.org/spec/ob/v3p0/#jwt-verify

    The key comes from the ``jwk`` header, or from ``kid`` through ``resolver`` for
    ``purpose``. A ``kid`` that is a bare ``#fragment`` is taken relative to ``iss``.
    """
    decoded = decode_vc_jwt(token)
    header, payload = decoded.header, decoded.payload
    needed = key_algorithm_for(header["alg"], allowed=allowed_algorithms)
    problems: list[Problem] = []
    verifier: Verifier | None = None
    method_url: str | None = None
    controller: str | None = None

    if "jwk" in header:
        key_source: Literal["jwk", "kid"] = "jwk"
        try:
            verifier = verifier_from_jwk(header["jwk"])
        except KeyFormatError as error:
            raise JwtError(f"the JOSE header jwk is not a usable public key: "
                           f"{error.message}") from None
        jwk_alg = header["jwk"].get("alg")
        if jwk_alg is not None and jwk_alg != header["alg"]:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"the jwk is for {jwk_alg!r}, the token says {header['alg']!r}"))
    else:
        key_source = "kid"
        method_url = header["kid"]
        if method_url.startswith("#") and isinstance(payload.get("iss"), str):
            method_url = payload["iss"] + method_url
        if resolver is None:
            problems.append(Problem(INVALID_VERIFICATION_METHOD,
                                    "the token names its key by kid, and no resolver was given",
                                    kind="error"))
        else:
            try:
                method = resolver.resolve(method_url, purpose=purpose)
            except VcError as error:
                problems.append(_problem_from(error))
            else:
                verifier, controller = method.verifier, method.controller

    signature_verified = False
    if verifier is not None:
        if verifier.algorithm != needed:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"alg {header['alg']} needs an {needed} key, the key is {verifier.algorithm}"))
        elif verifier.verify(decoded.signing_input, decoded.signature):
            signature_verified = True
        else:
            problems.append(Problem(CRYPTOGRAPHIC_SECURITY_ERROR,
                                    "the JWS signature does not match the token"))

    credential, claim_problems = check_claims(payload, decoded.credential,
                                              required=required_claims(header, payload))
    problems.extend(claim_problems)
    return JwtVerification(
        header=header,
        payload=payload,
        credential=credential,
        signature_verified=signature_verified,
        problems=tuple(problems),
        key_source=key_source,
        verification_method=method_url,
        controller=controller,
    )
