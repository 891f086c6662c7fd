"""The verification report: every check with its outcome, in the order the spec runs them.

"Revoked" must be impossible to misread (STYLE.md): a report is ``verified`` only when every
check that applies passed; a check that could not be carried out (a key or status list that
could not be fetched) is "could not check", never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vcissuer.proofs.result import Problem

__all__ = ["Check", "Outcome", "VerificationReport"]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    COULD_NOT_CHECK = "could not check"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class Check:
    """One named check (``proof``, ``issuer key``, ``validity period`` ...) and its outcome."""

    name: str
    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    detail: str = ""

    @classmethod
    def from_problems(cls, name: str, problems: list[Problem] | tuple[Problem, ...],
                      *, detail: str = "") -> Check:
        if not problems:
            return cls(name, Outcome.PASSED, (), detail)
        outcome = (Outcome.COULD_NOT_CHECK if all(p.kind == "error" for p in problems)
                   else Outcome.FAILED)
        return cls(name, outcome, tuple(problems), detail)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.name, "outcome": str(self.outcome)}
        if self.detail:
            out["detail"] = self.detail
        if self.problems:
            out["problems"] = [p.to_json() for p in self.problems]
        return out


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What was checked and what was found. ``verified`` only when nothing failed or was unknown."""

    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = field(default=None, repr=False)
    format: str = "ldp"

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(
            c.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE) for c in self.checks
        ) and any(c.outcome is Outcome.PASSED for c in self.checks)

    @property
    def could_not_check(self) -> bool:
        """Nothing failed outright, but something could not be checked."""
        outcomes = {c.outcome for c in self.checks}
        return Outcome.FAILED not in outcomes and Outcome.COULD_NOT_CHECK in outcomes

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def problems(self) -> list[Problem]:
        return [p for c in self.checks for p in c.problems]

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "format": self.format,
            "checks": [c.to_json() for c in self.checks],
            "problems": [p.to_json() for p in self.problems()],
        }
