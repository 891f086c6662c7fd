"""Presentations secured as a JWT (``vp+jwt``), as an ``EnvelopedVerifiablePresentation`` carries.

VC-JOSE-COSE "Securing JSON-LD Verifiable Presentations with JOSE": the JWS payload is the
presentation, header ``typ`` ``vp+jwt``; VCDM 2.0 section 4.13 (enveloped presentations). The
key is named by ``kid``, under the ``authentication`` relationship (CID section 3.3), and must
be the holder's when the presentation names one (``holder`` is optional). A verifier's
challenge and domain travel as the ``nonce`` and ``aud`` claims (VCDM 1.1 section 6.3.1, the
JWT form presentations had before). ``iss``, when present, is the holder; ``exp`` and ``nbf``
are checked against the clock. The credentials inside are verified
as in any presentation (:func:`vcissuer.verify.presentation.verify_presentation`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from vcissuer.clock import Clock, system_clock
from vcissuer.dids.base import AUTHENTICATION, VerificationMethodResolver
from vcissuer.errors import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    VcError,
)
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.limits import DEFAULT_LIMITS, Limits
from vcissuer.proofs.jose import key_algorithm_for, parse_compact_jws
from vcissuer.proofs.jose.claims import REGISTERED_CLAIMS
from vcissuer.proofs.jose.jws import json_object
from vcissuer.proofs.result import Problem
from vcissuer.verify.credential_status import StatusListCache
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.presentation import verify_presentation
from vcissuer.verify.report import Check, Outcome, PresentationReport
from vcissuer.verify.validity import DEFAULT_SKEW

__all__ = ["VP_JWT_TYP", "decode_vp_jwt", "verify_presentation_jwt"]

VP_JWT_TYP = "vp+jwt"
# Claims about the token, not members of the presentation.
_TOKEN_CLAIMS = frozenset(REGISTERED_CLAIMS) | {"nonce"}


def decode_vp_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(header, payload, presentation)``, unverified; VcError if it cannot be read."""
    jws = parse_compact_jws(token)
    typ = jws.header.get("typ")
    if typ is not None and (not isinstance(typ, str)
                            or typ.lower().removeprefix("application/") != VP_JWT_TYP):
        raise VcError(f"a presentation's JOSE header typ must be {VP_JWT_TYP!r}, not {typ!r}",
                      code=PARSING_ERROR)
    if "crit" in jws.header:
        raise VcError("the JOSE header lists critical extensions this verifier does not know",
                      code=PARSING_ERROR)
    payload = json_object(jws.payload, what="JWT payload")
    presentation = {k: v for k, v in payload.items() if k not in _TOKEN_CLAIMS}
    return jws.header, payload, presentation


def _holder(presentation: Mapping[str, Any]) -> str | None:
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, Mapping) else holder
    return holder if isinstance(holder, str) else None


def _claim_problems(payload: Mapping[str, Any], *, holder: str | None, challenge: str | None,
                    domain: str | None, now: float, skew: float) -> list[Problem]:
    problems = []
    if challenge is not None and payload.get("nonce") != challenge:
        problems.append(Problem(INVALID_CHALLENGE_ERROR,
                                "the token's nonce is not the challenge asked for"))
    if domain is not None:
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if domain not in audiences:
            problems.append(Problem(INVALID_DOMAIN_ERROR,
                                    "the token's aud does not include the domain asked for"))
    if "iss" in payload and payload["iss"] != holder:
        problems.append(Problem(MALFORMED_VALUE_ERROR, "iss: must be the presentation's holder"))
    for claim in ("exp", "nbf"):
        if claim not in payload:
            continue
        value = payload[claim]
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
                value):
            problems.append(Problem(MALFORMED_VALUE_ERROR, f"{claim}: must be a NumericDate"))
        elif claim == "exp" and value + skew < now:
            problems.append(Problem(MALFORMED_VALUE_ERROR, "exp: the presentation has expired"))
        elif claim == "nbf" and value - skew > now:
            problems.append(Problem(MALFORMED_VALUE_ERROR, "nbf: the presentation is not valid "
                                                           "yet"))
    return problems


def _signature_problems(token: str, header: Mapping[str, Any], *,
                        resolver: VerificationMethodResolver,
                        holder: str | None) -> tuple[list[Problem], list[Problem], str | None]:
    """Problems with the signature, with whose key signed (the holder check), and the
    signing key's controller."""
    jws = parse_compact_jws(token)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return [Problem(INVALID_VERIFICATION_METHOD,
                        "the holder's key must be named by kid (a jwk header proves nothing "
                        "about the holder)")], [], None
    if kid.startswith("#") and holder is not None:
        kid = holder + kid
    try:
        needed = key_algorithm_for(header.get("alg"))
        method = resolver.resolve(kid, purpose=AUTHENTICATION)
    except VcError as error:
        kind = "error" if error.code == INVALID_VERIFICATION_METHOD else "invalid"
        return [Problem(error.code, error.message, kind=kind)], [], None
    if method.verifier.algorithm != needed:
        return [Problem(INVALID_VERIFICATION_METHOD,
                        f"alg {header.get('alg')} needs an {needed} key")], [], None
    if not method.verifier.verify(jws.signing_input, jws.signature):
        return [Problem(CRYPTOGRAPHIC_SECURITY_ERROR,
                        "the JWS signature does not match the token")], [], None
    # VCDM 2.0 section 4.13: holder is optional; without one the token authenticates its
    # signer (as a Data Integrity presentation does, verify/presentation.py).
    if holder is not None and method.controller != holder:
        return [], [Problem(INVALID_VERIFICATION_METHOD,
                            f"the presentation is signed by {method.controller!r}, not its "
                            "holder")], method.controller
    return [], [], method.controller


def verify_presentation_jwt(
    token: str,
    *,
    resolver: VerificationMethodResolver,
    retrieved: Retrieved | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    clock: Clock = system_clock,
    skew: timedelta = DEFAULT_SKEW,
    canonicalizer: DocumentCanonicalizer | None = None,
    trust_header_keys: bool = False,
    status_cache: StatusListCache | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PresentationReport:
    """Verify a ``vp+jwt``: the holder's signature and claims, then each credential inside
    (within ``limits``, as a JSON-LD presentation)."""
    try:
        header, payload, presentation = decode_vp_jwt(token)
    except VcError as error:
        return PresentationReport(checks=(Check.from_problems("structure", [Problem(
            error.code, error.message)]),))
    inner = verify_presentation(
        presentation, resolver=resolver, retrieved=retrieved, clock=clock, skew=skew,
        canonicalizer=canonicalizer, trust_header_keys=trust_header_keys,
        status_cache=status_cache, limits=limits)
    holder = _holder(presentation)
    signature, holder_problems, signer = _signature_problems(token, header,
                                                             resolver=resolver, holder=holder)
    claims = _claim_problems(payload, holder=holder, challenge=challenge, domain=domain,
                             now=clock().timestamp(), skew=skew.total_seconds())
    proof = Check.from_problems("proof", signature + claims, detail="authentication (vp+jwt)")
    if signature:
        holder_check = Check("holder", Outcome.COULD_NOT_CHECK, detail=holder or "")
    elif holder is None:
        holder_check = Check("holder", Outcome.NOT_APPLICABLE,
                             detail=f"the presentation names no holder; signed by {signer}")
    else:
        holder_check = Check.from_problems("holder", holder_problems, detail=holder)
    structure = inner.checks[0]
    return replace(inner, checks=(structure, proof, holder_check))
