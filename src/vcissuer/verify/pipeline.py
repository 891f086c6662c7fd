"""The verification pipeline: checks in the order OB 3.0 section "Verification" runs them.

https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation — so far: proof, issuer
key, validity period. Keys are resolved through an injected, synchronous resolver; the network
layer (did:web, https) fetches documents before this runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from vcissuer.clock import Clock, system_clock
from vcissuer.dids.base import VerificationMethodResolver
from vcissuer.errors import INVALID_VERIFICATION_METHOD, PARSING_ERROR, VcError
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.proofs import verify_proofs
from vcissuer.proofs.result import Problem, ProofSetResult
from vcissuer.verify.report import Check, Outcome, VerificationReport
from vcissuer.verify.validity import DEFAULT_SKEW, check_validity_period

__all__ = ["issuer_id", "verify_credential"]


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """``issuer`` is a URL string or a Profile object with an ``id``."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def verify_credential(
    credential: Mapping[str, Any] | str,
    *,
    resolver: VerificationMethodResolver,
    clock: Clock = system_clock,
    skew: timedelta = DEFAULT_SKEW,
    canonicalizer: DocumentCanonicalizer | None = None,
    trust_header_keys: bool = False,
) -> VerificationReport:
    """Verify a JSON-LD credential with embedded proofs, or a VC-JWT compact string.

    ``trust_header_keys``: accept a VC-JWT key carried in its own ``jwk`` header as the
    issuer's (as the 1EdTech validator does). Off by default: such a key proves only that the
    token was signed by whoever made it, so the issuer key check is "could not check".
    """
    if isinstance(credential, str):
        return _verify_jwt(credential, resolver=resolver, clock=clock, skew=skew,
                           trust_header_keys=trust_header_keys)
    if not isinstance(credential, Mapping):
        return VerificationReport(checks=(Check("structure", Outcome.FAILED, (
            Problem(PARSING_ERROR, "a credential must be a JSON object or a VC-JWT"),)),))
    proofs = verify_proofs(credential, resolver=resolver, clock=clock,
                           canonicalizer=canonicalizer)
    checks = (
        Check.from_problems("proof", proofs.all_problems()),
        _check_issuer_key(credential, proofs),
        check_validity_period(credential, now=clock(), skew=skew),
    )
    return VerificationReport(checks=checks, credential=dict(credential))


def _check_issuer_key(credential: Mapping[str, Any], proofs: ProofSetResult) -> Check:
    """Each proof's verification method must be controlled by the credential's issuer."""
    issuer = issuer_id(credential)
    if issuer is None:
        return Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD, "the credential names no issuer id")])
    problems: list[Problem] = []
    for result in proofs.results:
        if result.controller is None:
            problems.append(Problem(INVALID_VERIFICATION_METHOD,
                                    "the signing key could not be resolved", kind="error"))
        elif result.controller != issuer:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"the signing key is controlled by {result.controller!r}, not the issuer",
            ))
    if not proofs.results:
        problems.append(Problem(INVALID_VERIFICATION_METHOD, "no proof names a signing key"))
    return Check.from_problems("issuer key", problems, detail=issuer)


def _verify_jwt(
    token: str,
    *,
    resolver: VerificationMethodResolver,
    clock: Clock,
    skew: timedelta,
    trust_header_keys: bool,
) -> VerificationReport:
    from vcissuer.proofs.jose import verify_vc_jwt

    try:
        outcome = verify_vc_jwt(token, resolver=resolver)
    except VcError as error:
        return VerificationReport(
            checks=(Check.from_problems("proof", [Problem(error.code, error.message)]),),
            format="jwt",
        )
    credential = outcome.credential
    checks = [Check.from_problems("proof", list(outcome.problems))]
    issuer = issuer_id(credential) if isinstance(credential, Mapping) else None
    controller = outcome.controller
    if outcome.key_source == "jwk":
        if trust_header_keys:
            checks.append(Check("issuer key", Outcome.PASSED,
                                detail="key from the token header, trusted by option"))
        else:
            checks.append(Check.from_problems("issuer key", [Problem(
                INVALID_VERIFICATION_METHOD,
                "the key travels in the token's own header and is not bound to the issuer",
                kind="error")]))
    elif controller == issuer and issuer is not None:
        checks.append(Check("issuer key", Outcome.PASSED, detail=issuer))
    else:
        checks.append(Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD,
            f"the signing key is controlled by {controller!r}, not the issuer {issuer!r}")]))
    if isinstance(credential, Mapping):
        checks.append(check_validity_period(credential, now=clock(), skew=skew))
    return VerificationReport(checks=tuple(checks),
                              credential=dict(credential) if credential else None,
                              format="jwt")
