"""Verifiable presentations: the holder's proof (authentication), then every credential inside.

https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations and
https://www.w3.org/TR/vc-data-integrity/#verify-proof — a signed presentation's proofs must have
the ``authentication`` purpose and, when the verifier asked for them, its ``challenge`` and
``domain``; the signing key must be the holder's. An unsigned presentation is accepted as a
container (its credentials are still verified), and says the holder was not authenticated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from vcissuer.clock import Clock, system_clock
from vcissuer.credentials.conformance import is_url
from vcissuer.dids.base import VerificationMethodResolver
from vcissuer.errors import (
    INVALID_CHALLENGE_ERROR,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_VALUE_ERROR,
)
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.limits import DEFAULT_LIMITS, MAX_PRESENTATION_CREDENTIALS, CpuBudget, Limits
from vcissuer.proofs import Authentication, verify_proofs
from vcissuer.proofs.result import Problem, ProofResult
from vcissuer.verify.bounds import presentation_limits, within_budget
from vcissuer.verify.credential_status import StatusListCache
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.malformed import malformed_proofs
from vcissuer.verify.pipeline import verify_credential
from vcissuer.verify.report import Check, Outcome, PresentationReport
from vcissuer.verify.retrieval import credentials_in
from vcissuer.verify.structure import VC_V1, VC_V2
from vcissuer.verify.validity import DEFAULT_SKEW

__all__ = ["MAX_CREDENTIALS", "verify_presentation"]

MAX_CREDENTIALS = MAX_PRESENTATION_CREDENTIALS


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [] if value is None else [value]


def _structure(presentation: Mapping[str, Any]) -> Check:
    problems: list[Problem] = []
    contexts = _as_list(presentation.get("@context"))
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(Problem(MALFORMED_VALUE_ERROR,
                                f"the first @context must be {VC_V2} (or {VC_V1})"))
    if "VerifiablePresentation" not in _as_list(presentation.get("type")):
        problems.append(Problem(MALFORMED_VALUE_ERROR, "type must include VerifiablePresentation"))
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if holder is not None and not is_url(holder_id):
        problems.append(Problem(MALFORMED_VALUE_ERROR, "holder must be a URL or an object with "
                                                       "an id"))
    if "id" in presentation and not is_url(presentation["id"]):
        problems.append(Problem(MALFORMED_VALUE_ERROR, "id must be a single URL (VCDM 2.0 "
                                                       "section 4.4)"))
    count = len(credentials_in(presentation))
    if count > MAX_CREDENTIALS:
        problems.append(Problem(MALFORMED_VALUE_ERROR, f"{count} credentials: at most "
                                                       f"{MAX_CREDENTIALS} are verified"))
    return Check.from_problems("structure", problems, detail=f"{count} credential(s)")


def _holder(presentation: Mapping[str, Any]) -> str | None:
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, Mapping) else holder
    return holder if isinstance(holder, str) else None


def verify_presentation(
    presentation: Mapping[str, Any],
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
    budget: CpuBudget | None = None,
) -> PresentationReport:
    """Verify ``presentation``'s proofs (if any) and each credential in it, within ``limits``
    (a presentation past one is refused whole) and one CPU ``budget`` for them all."""
    if not isinstance(presentation, Mapping):
        raise TypeError("a presentation must be a JSON object (a Mapping)")
    budget = budget or CpuBudget(limits.cpu_seconds)
    refused = presentation_limits(presentation, credentials_in(presentation), limits)
    if refused is not None:
        return PresentationReport(checks=(refused,))
    canonicalizer = within_budget(canonicalizer, budget)
    structure = _structure(presentation)
    holder = _holder(presentation)
    if "proof" not in presentation:
        if challenge is not None or domain is not None:
            proof = Check.from_problems("proof", [Problem(
                INVALID_CHALLENGE_ERROR, "the presentation is unsigned, so it cannot answer "
                                         "the challenge or domain asked for")])
        else:
            proof = Check("proof", Outcome.NOT_APPLICABLE,
                          detail="an unsigned presentation: the holder is not authenticated")
        holder_check = Check("holder", Outcome.NOT_APPLICABLE, detail=holder or "")
    elif malformed_proofs(presentation):
        proof = Check.from_problems("proof", malformed_proofs(presentation))
        holder_check = Check("holder", Outcome.COULD_NOT_CHECK, detail=holder or "")
    else:
        proofs = verify_proofs(presentation, resolver=resolver,
                               purpose=Authentication(challenge=challenge, domain=domain),
                               clock=clock, canonicalizer=canonicalizer)
        proof = Check.from_problems("proof", proofs.all_problems(), detail="authentication")
        holder_check = _check_holder(holder, proofs.results)
    reports = tuple(
        verify_credential(credential, resolver=resolver, retrieved=retrieved, clock=clock,
                          skew=skew, canonicalizer=canonicalizer,
                          trust_header_keys=trust_header_keys, status_cache=status_cache,
                          location=f"verifiableCredential[{index}]", limits=limits,
                          budget=budget)
        for index, credential in enumerate(credentials_in(presentation)[:MAX_CREDENTIALS])
    )
    return PresentationReport(checks=(structure, proof, holder_check), credentials=reports)


def _check_holder(holder: str | None, results: tuple[ProofResult, ...]) -> Check:
    """When the presentation names a holder, each proof's key must be the holder's.

    VCDM 2.0 section 4.13 "Verifiable Presentations": ``holder`` is optional. Without one, the
    proofs still authenticate whoever signed (with the challenge and domain asked for), and
    the report says who that was.
    """
    if holder is None:
        signers = sorted({r.controller for r in results if r.controller is not None})
        detail = f"signed by {', '.join(signers)}" if signers else ""
        return Check("holder", Outcome.NOT_APPLICABLE,
                     detail=f"the presentation names no holder; {detail}".rstrip("; "))
    problems = []
    for result in results:
        if result.controller is None:
            problems.append(Problem(INVALID_VERIFICATION_METHOD,
                                    "the holder's key could not be resolved", kind="error"))
        elif result.controller != holder:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"the presentation is signed by {result.controller!r}, not its holder"))
    return Check.from_problems("holder", problems, detail=holder)
