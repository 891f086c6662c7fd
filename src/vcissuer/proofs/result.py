"""Results of proof verification: values, not exceptions (docs/DESIGN.md, STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from vcissuer.errors import VcError

__all__ = ["Problem", "ProofResult", "ProofSetResult"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``kind`` "invalid": processed and found wrong; "error": could not process."""

    code: str
    message: str
    kind: Literal["invalid", "error"] = "invalid"

    @property
    def short_code(self) -> str:
        return self.code.rsplit("#", 1)[-1]

    @classmethod
    def from_error(cls, error: VcError) -> Problem:
        return cls(code=error.code, message=error.message, kind="error")

    def to_json(self) -> dict[str, str]:
        return {"code": self.short_code, "type": self.code, "kind": self.kind,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome of verifying one proof of a proof set or chain."""

    proof: dict[str, Any]
    verified: bool
    verification_method: str | None = None
    controller: str | None = None
    problems: tuple[Problem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "type": self.proof.get("type"),
            "cryptosuite": self.proof.get("cryptosuite"),
            "verificationMethod": self.verification_method,
            "problems": [p.to_json() for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class ProofSetResult:
    """All proofs of a document. Verified only when there is a proof and every proof verifies."""

    results: tuple[ProofResult, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def verified(self) -> bool:
        return bool(self.results) and not self.problems and all(r.verified for r in self.results)

    @property
    def could_not_process(self) -> bool:
        """True when some check could not be carried out (as opposed to failing)."""
        every = [*self.problems, *(p for r in self.results for p in r.problems)]
        return any(p.kind == "error" for p in every)

    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for r in self.results for p in r.problems)]
