"""Proof purposes: what a proof is for, checked at verify time. https://www.w3.org/TR/vc-data-integrity/#proof-purposes"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vcissuer.errors import (
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    PROOF_VERIFICATION_ERROR,
)
from vcissuer.proofs.result import Problem

__all__ = ["AssertionMethod", "Authentication", "ProofPurpose"]


@dataclass(frozen=True, slots=True)
class ProofPurpose:
    """A purpose (``term``) and, optionally, the challenge and domain a proof must carry."""

    term: str
    challenge: str | None = None
    domain: str | None = None

    def update(self, proof: dict[str, Any]) -> dict[str, Any]:
        """Sign time: stamp the purpose (and challenge/domain) on the proof options."""
        proof["proofPurpose"] = self.term
        if self.challenge is not None:
            proof["challenge"] = self.challenge
        if self.domain is not None:
            proof["domain"] = self.domain
        return proof

    def validate(self, proof: dict[str, Any]) -> list[Problem]:
        """Verify time: https://www.w3.org/TR/vc-data-integrity/#verify-proof steps 4-6."""
        problems: list[Problem] = []
        if proof.get("proofPurpose") != self.term:
            problems.append(Problem(
                PROOF_VERIFICATION_ERROR,
                f"proofPurpose is {proof.get('proofPurpose')!r}, expected {self.term!r}",
            ))
        if self.domain is not None:
            domains = proof.get("domain")
            domains = domains if isinstance(domains, list) else [domains]
            if self.domain not in domains:
                problems.append(Problem(INVALID_DOMAIN_ERROR,
                                        f"proof domain does not include {self.domain!r}"))
        if self.challenge is not None and proof.get("challenge") != self.challenge:
            problems.append(Problem(INVALID_CHALLENGE_ERROR,
                                    "proof challenge does not match the expected challenge"))
        return problems


def AssertionMethod() -> ProofPurpose:  # noqa: N802 - named as the spec term
    """The purpose of credentials: the issuer asserts the claims."""
    return ProofPurpose("assertionMethod")


def Authentication(*, challenge: str | None = None, domain: str | None = None) -> ProofPurpose:  # noqa: N802
    """The purpose of presentations: the holder authenticates, bound to challenge/domain."""
    return ProofPurpose("authentication", challenge=challenge, domain=domain)
