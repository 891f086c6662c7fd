"""The limits of :mod:`vcissuer.limits` applied to a credential or presentation, before the work.

Counting proofs, status entries and credentials (of a presentation or a record) costs next to
nothing, so it runs before anything is fetched; nesting depth is checked before the document
reaches JSON Schema or JSON-LD (both recursive). A document past a limit gets one "limits"
check naming the limit, "could not check" (the verifier declined the work; the document may be
genuine), and nothing else is verified. A proof set that repeats a proof is invalid outright.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vcissuer.errors import MALFORMED_PROOF_ERROR, VcError
from vcissuer.jsonld import DocumentCanonicalizer, default_canonicalizer
from vcissuer.limits import CpuBudget, LimitExceeded, Limits, check_document
from vcissuer.proofs.result import Problem
from vcissuer.verify.records import embedded_credentials
from vcissuer.verify.report import Check

__all__ = [
    "BudgetedCanonicalizer",
    "counted_limits",
    "credential_limits",
    "limit_check",
    "presentation_limits",
    "readable_credential",
    "within_budget",
]


def limit_check(error: LimitExceeded) -> Check:
    """The report's "limits" check for ``error``: could not check, the limit named."""
    return Check.from_problems("limits", [Problem(error.code, error.message, kind="error")],
                               detail=f"{error.limit}: at most {error.maximum:g}")


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _proofs(document: Mapping[str, Any], limits: Limits, what: str) -> Check | None:
    proofs = _items(document.get("proof"))
    if len(proofs) > limits.proofs:
        return limit_check(LimitExceeded(
            f"the {what} carries {len(proofs)} proofs; at most {limits.proofs} are verified",
            limit="proofs per document", maximum=limits.proofs))
    seen: dict[str, int] = {}
    for index, proof in enumerate(proofs):
        keys = [json.dumps(proof, sort_keys=True, separators=(",", ":"), default=str)]
        if isinstance(proof, Mapping) and isinstance(proof.get("proofValue"), str):
            keys.append("proofValue:" + proof["proofValue"])
        for key in keys:
            if key in seen:
                # https://www.w3.org/TR/vc-data-integrity/#proof-sets — a set of distinct
                # proofs; a copy adds no signature, only work.
                return Check.from_problems("proof", [Problem(
                    MALFORMED_PROOF_ERROR,
                    f"proof[{index}] repeats proof[{seen[key]}]: a proof set must not "
                    "contain the same proof twice")])
            seen[key] = index
    return None


def counted_limits(document: Any, limits: Limits, *, what: str = "credential") -> Check | None:
    """Proofs (count and duplicates) and status entries: cheap, run before any fetch."""
    if not isinstance(document, Mapping):
        return None
    refused = _proofs(document, limits, what)
    if refused is not None:
        return refused
    entries = _items(document.get("credentialStatus"))
    if len(entries) > limits.status_entries:
        return limit_check(LimitExceeded(
            f"the {what} has {len(entries)} credentialStatus entries; at most "
            f"{limits.status_entries} are checked", limit="status entries per credential",
            maximum=limits.status_entries))
    embedded = embedded_credentials(document)
    if len(embedded) > limits.clr_credentials:
        return limit_check(LimitExceeded(
            f"the {what} embeds {len(embedded)} credentials; at most {limits.clr_credentials} "
            "are verified", limit="credentials per record", maximum=limits.clr_credentials))
    return None


def readable_credential(credential: Any) -> Any:
    """The credential as JSON: an enveloped VC-JWT opened, a VC-JWT's credential decoded
    (unverified), so its counts can be checked before anything it names is fetched. Input
    that cannot be read is returned as it is (verification then reports it)."""
    from vcissuer.proofs.jose import decode_vc_jwt
    from vcissuer.proofs.jose.envelope import EnvelopeError, envelope_kind, open_envelope

    if envelope_kind(credential) == "credential":
        try:
            credential = open_envelope(credential, "credential")
        except EnvelopeError:
            return credential
    if isinstance(credential, str):
        try:
            return decode_vc_jwt(credential.strip()).credential
        except VcError:
            return credential
    return credential


def credential_limits(document: Any, limits: Limits) -> Check | None:
    """:func:`counted_limits`, then the nesting depth and number of values."""
    if not isinstance(document, Mapping):
        return None
    refused = counted_limits(document, limits)
    if refused is not None:
        return refused
    try:
        check_document(document, limits, what="the credential")
    except LimitExceeded as error:
        return limit_check(error)
    return None


def presentation_limits(presentation: Mapping[str, Any], credentials: list[Any],
                        limits: Limits, *, depth: bool = True) -> Check | None:
    """Its credentials' count, its own proofs, and (with ``depth``) its depth and size."""
    if len(credentials) > limits.presentation_credentials:
        return limit_check(LimitExceeded(
            f"the presentation holds {len(credentials)} credentials; at most "
            f"{limits.presentation_credentials} are verified",
            limit="credentials per presentation", maximum=limits.presentation_credentials))
    refused = _proofs(presentation, limits, "presentation")
    if refused is not None or not depth:
        return refused
    try:
        check_document(presentation, limits, what="the presentation")
    except LimitExceeded as error:
        return limit_check(error)
    return None


class BudgetedCanonicalizer:
    """Checks the CPU budget before each document it canonicalizes: between the proofs of a
    set, status lists and endorsements, as well as between credentials."""

    __slots__ = ("budget", "inner")

    def __init__(self, inner: DocumentCanonicalizer, budget: CpuBudget) -> None:
        self.inner = inner
        self.budget = budget

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        self.budget.check("canonicalizing a document")
        return self.inner.canonicalize(document)

    def canonicalize_small(self, document: Mapping[str, Any]) -> str:
        return self.inner.canonicalize_small(document)


def within_budget(canonicalizer: DocumentCanonicalizer | None,
                  budget: CpuBudget) -> BudgetedCanonicalizer:
    """``canonicalizer`` (the default one if None) checking ``budget`` before each document."""
    if isinstance(canonicalizer, BudgetedCanonicalizer):
        if canonicalizer.budget is budget:
            return canonicalizer
        canonicalizer = canonicalizer.inner
    return BudgetedCanonicalizer(canonicalizer or default_canonicalizer(), budget)
