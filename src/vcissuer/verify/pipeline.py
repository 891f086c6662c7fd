"""The verification pipeline: checks in the order OB 3.0 section "Verification" runs them.

https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation — structure (VCDM rules,
OB rules, JSON Schema), proof, issuer key, status, validity period, endorsements; each reported
separately. A CLR 2.0 record adds "credentials": each credential it embeds, verified the same
way (:mod:`vcissuer.verify.records`). Nothing here does I/O: keys come from an injected
synchronous resolver and status lists and schemas from a :class:`Retrieved` that the network
layer filled beforehand (:mod:`vcissuer.verify.retrieval`). Without one, status is "could not
check".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from vcissuer.clock import Clock, system_clock
from vcissuer.dids.base import VerificationMethodResolver
from vcissuer.errors import (
    INVALID_VERIFICATION_METHOD,
    PARSING_ERROR,
    VcError,
)
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.limits import DEFAULT_LIMITS, CpuBudget, LimitExceeded, Limits
from vcissuer.proofs import verify_proofs
from vcissuer.proofs.result import Problem, ProofSetResult
from vcissuer.verify.bounds import credential_limits, limit_check, within_budget
from vcissuer.verify.credential_status import StatusListCache, check_credential_status
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.endorsements import check_endorsements
from vcissuer.verify.malformed import malformed_proofs
from vcissuer.verify.records import check_records
from vcissuer.verify.report import Check, Outcome, VerificationReport
from vcissuer.verify.structure import check_structure
from vcissuer.verify.validity import DEFAULT_SKEW, check_validity_period

__all__ = [
    "DEFAULT_ENDORSEMENT_DEPTH",
    "DEFAULT_RECORD_DEPTH",
    "issuer_id",
    "verify_credential",
]

# The credential's endorsements, and theirs; deeper ones are not verified.
DEFAULT_ENDORSEMENT_DEPTH = 2
# A record's credentials are verified; a record inside a record is, its credentials are not.
DEFAULT_RECORD_DEPTH = 1
_PRE_REC_SUITES = {"eddsa-2022": "eddsa-rdfc-2022"}


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
    retrieved: Retrieved | None = None,
    clock: Clock = system_clock,
    skew: timedelta = DEFAULT_SKEW,
    canonicalizer: DocumentCanonicalizer | None = None,
    trust_header_keys: bool = False,
    status_cache: StatusListCache | None = None,
    endorsement_depth: int = DEFAULT_ENDORSEMENT_DEPTH,
    location: str = "",
    limits: Limits = DEFAULT_LIMITS,
    budget: CpuBudget | None = None,
    record_depth: int = DEFAULT_RECORD_DEPTH,
) -> VerificationReport:
    """Verify a JSON-LD credential with embedded proofs, or a VC-JWT compact string.

    ``retrieved``: status lists and extension schemas fetched beforehand (None: offline, and
    the status check cannot be made). ``trust_header_keys``: accept a VC-JWT key carried in
    its own ``jwk`` header as the issuer's (as the 1EdTech validator does); off by default,
    since such a key proves only that the token was signed by whoever made it.
    ``limits`` bound the work (:mod:`vcissuer.limits`); ``budget`` is the CPU budget shared
    with the caller (a presentation, the credential an endorsement is in, the record a
    credential is embedded in). ``record_depth``: how deep records' credentials are verified.
    """
    if isinstance(credential, Mapping):
        from vcissuer.proofs.jose.envelope import EnvelopeError, envelope_kind, open_envelope

        if envelope_kind(credential) == "credential":  # VCDM 2.0 4.13: the VC-JWT inside
            try:
                credential = open_envelope(credential, "credential")
            except EnvelopeError as error:
                return VerificationReport(checks=(Check.from_problems("structure", [Problem(
                    error.code, f"EnvelopedVerifiableCredential {error.member}: "
                                f"{error.message}")]),), location=location)
    budget = budget or CpuBudget(limits.cpu_seconds)
    try:
        budget.check(location or "the credential")
    except LimitExceeded as error:
        return VerificationReport(checks=(limit_check(error),), location=location)
    refused = credential_limits(credential, limits)
    if refused is not None:
        return VerificationReport(checks=(refused,), location=location)
    canonicalizer = within_budget(canonicalizer, budget)
    if isinstance(credential, str):
        secured = _verify_jwt(credential, resolver=resolver,
                              trust_header_keys=trust_header_keys)
        document, fmt = secured[0], "jwt"
    elif isinstance(credential, Mapping):
        secured = _verify_embedded(credential, resolver=resolver, clock=clock,
                                   canonicalizer=canonicalizer)
        document, fmt = credential, "ldp"
    else:
        return VerificationReport(checks=(Check.from_problems("structure", [Problem(
            PARSING_ERROR, "a credential must be a JSON object or a VC-JWT")]),),
            location=location)
    _, proof_check, key_check = secured
    if document is None:
        return VerificationReport(checks=(proof_check,), format=fmt, location=location)
    refused = credential_limits(document, limits) if fmt == "jwt" else None
    if refused is not None:
        return VerificationReport(checks=(refused,), format=fmt, location=location)

    def verify_nested(value: Any, where: str, *, endorsements: int,
                      records: int) -> VerificationReport:
        return verify_credential(
            value, resolver=resolver, retrieved=retrieved, clock=clock, skew=skew,
            canonicalizer=canonicalizer, trust_header_keys=trust_header_keys,
            status_cache=status_cache, endorsement_depth=endorsements,
            location=f"{location}.{where}" if location else where, limits=limits,
            budget=budget, record_depth=records)

    def verify_endorsement(value: Any, where: str) -> VerificationReport:
        return verify_nested(value, where, endorsements=endorsement_depth - 1, records=0)

    def verify_embedded(value: Any, where: str) -> VerificationReport:
        return verify_nested(value, where, endorsements=endorsement_depth,
                             records=record_depth - 1)

    status_check, statuses = check_credential_status(
        document, issuer=issuer_id(document), retrieved=retrieved, resolver=resolver,
        clock=clock, skew=skew, canonicalizer=canonicalizer, cache=status_cache)
    checks = [
        check_structure(document, retrieved=retrieved),
        proof_check,
        key_check,
        status_check,
        check_validity_period(document, now=clock(), skew=skew),
        check_endorsements(document, depth=endorsement_depth, verify=verify_endorsement,
                           maximum=limits.endorsements),
    ]
    records = check_records(document, depth=record_depth, verify=verify_embedded,
                            maximum=limits.clr_credentials)
    if records is not None:
        checks.append(records)
    refresh = _refresh_note(document)
    if refresh is not None:
        checks.append(refresh)
    return VerificationReport(checks=tuple(checks), credential=dict(document), format=fmt,
                              location=location, statuses=statuses)


def _verify_embedded(
    credential: Mapping[str, Any],
    *,
    resolver: VerificationMethodResolver,
    clock: Clock,
    canonicalizer: DocumentCanonicalizer | None,
) -> tuple[Mapping[str, Any], Check, Check]:
    malformed = malformed_proofs(credential)
    if malformed:
        failed = Check.from_problems("proof", malformed)
        return credential, failed, Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD, "no well-formed proof names a signing key")])
    proofs = verify_proofs(credential, resolver=resolver, clock=clock,
                           canonicalizer=canonicalizer)
    suites = [str(r.proof.get("cryptosuite") or r.proof.get("type")) for r in proofs.results]
    notes = tuple(f"cryptosuite {name!r} is the pre-Recommendation name of "
                  f"{_PRE_REC_SUITES[name]!r}" for name in suites if name in _PRE_REC_SUITES)
    proof_check = Check.from_problems("proof", proofs.all_problems(),
                                      detail=", ".join(suites), notes=notes)
    return credential, proof_check, _check_issuer_key(credential, proofs)


def _check_issuer_key(credential: Mapping[str, Any], proofs: ProofSetResult) -> Check:
    """One ``assertionMethod`` proof must be by a key the credential's issuer controls.

    https://www.w3.org/TR/vc-data-integrity/#proof-sets and #proof-chains: a credential may
    carry proofs by other parties (a witness, a notary, an endorser countersigning in a chain).
    Every proof must verify (the proof check); the issuer's assertion is the proof whose key
    the issuer controls, and the others may be anyone's. A credential none of whose proofs is
    the issuer's fails.
    """
    issuer = issuer_id(credential)
    if issuer is None:
        return Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD, "the credential names no issuer id")])
    if not proofs.results:
        return Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD, "no proof names a signing key")], detail=issuer)
    others = [r.controller for r in proofs.results if r.controller != issuer]
    if any(r.controller == issuer and r.proof.get("proofPurpose") == "assertionMethod"
           for r in proofs.results):
        notes = tuple(f"a proof is also by {c!r}, another party" for c in others
                      if c is not None)
        return Check("issuer key", Outcome.PASSED, detail=issuer, notes=notes)
    problems: list[Problem] = []
    for result in proofs.results:
        if result.controller is None:
            problems.append(Problem(INVALID_VERIFICATION_METHOD,
                                    "the signing key could not be resolved", kind="error"))
        else:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"the signing key is controlled by {result.controller!r}, not the issuer",
            ))
    return Check.from_problems("issuer key", problems, detail=issuer)


def _verify_jwt(
    token: str,
    *,
    resolver: VerificationMethodResolver,
    trust_header_keys: bool,
) -> tuple[Mapping[str, Any] | None, Check, Check]:
    from vcissuer.proofs.jose import verify_vc_jwt

    try:
        outcome = verify_vc_jwt(token.strip(), resolver=resolver)
    except VcError as error:
        failed = Check.from_problems("proof", [Problem(error.code, error.message)],
                                     detail="VC-JWT")
        return None, failed, failed
    credential = outcome.credential
    proof_check = Check.from_problems("proof", list(outcome.problems),
                                      detail=f"VC-JWT {outcome.header.get('alg')}")
    issuer = issuer_id(credential) if isinstance(credential, Mapping) else None
    controller = outcome.controller
    if outcome.key_source == "jwk":
        if trust_header_keys:
            key_check = Check("issuer key", Outcome.PASSED,
                              detail="key from the token header, trusted by option")
        else:
            key_check = Check.from_problems("issuer key", [Problem(
                INVALID_VERIFICATION_METHOD,
                "the key travels in the token's own header and is not bound to the issuer",
                kind="error")])
    elif controller is None:
        key_check = Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD, "the signing key could not be resolved", kind="error")])
    elif controller == issuer and issuer is not None:
        key_check = Check("issuer key", Outcome.PASSED, detail=issuer)
    else:
        key_check = Check.from_problems("issuer key", [Problem(
            INVALID_VERIFICATION_METHOD,
            f"the signing key is controlled by {controller!r}, not the issuer {issuer!r}")])
    return credential, proof_check, key_check


def _refresh_note(credential: Mapping[str, Any]) -> Check | None:
    """OB 3.0 step 3: a refresh service is optional to use; say that it was not used."""
    service = credential.get("refreshService")
    if service is None:
        return None
    return Check("refresh", Outcome.NOT_APPLICABLE,
                 detail="the credential offers a refresh service; it was verified as presented")
