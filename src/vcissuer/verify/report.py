"""The verification report: every check with its outcome, in the order the spec runs them.

"Revoked" must be impossible to misread (STYLE.md): a report is ``verified`` only when every
check that applies passed; a check that could not be carried out (a key or status list that
could not be fetched) is "could not check", never a pass. The JSON form leads with ``verified``
and a one-word ``verdict``, and says ``revoked``/``suspended`` in so many words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vcissuer.errors import MALFORMED_VALUE_ERROR
from vcissuer.proofs.result import Problem
from vcissuer.status.result import StatusResult

__all__ = ["Check", "Outcome", "PresentationReport", "Verdict", "VerificationReport",
           "main_problem", "nested_check", "verify_each"]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    COULD_NOT_CHECK = "could not check"
    NOT_APPLICABLE = "not applicable"


class Verdict(StrEnum):
    """The one-word answer: verified, not verified (something failed), or could not verify."""

    VERIFIED = "verified"
    NOT_VERIFIED = "not verified"
    COULD_NOT_VERIFY = "could not verify"


@dataclass(frozen=True, slots=True)
class Check:
    """One named check (``proof``, ``issuer key``, ``status`` ...) and its outcome.

    ``notes`` are plain-language remarks that do not change the outcome (a VCDM 1.1 credential,
    a compacted ``proof``); ``reports`` are the sub-reports of the check (each endorsement).
    """

    name: str
    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    detail: str = ""
    notes: tuple[str, ...] = ()
    reports: tuple[VerificationReport, ...] = ()

    @classmethod
    def from_problems(cls, name: str, problems: list[Problem] | tuple[Problem, ...],
                      *, detail: str = "", notes: tuple[str, ...] = ()) -> Check:
        if not problems:
            return cls(name, Outcome.PASSED, (), detail, notes)
        outcome = (Outcome.FAILED if any(p.kind != "error" for p in problems)
                   else Outcome.COULD_NOT_CHECK)
        return cls(name, outcome, tuple(problems), detail, notes)

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.name, "outcome": str(self.outcome)}
        if self.detail:
            out["detail"] = self.detail
        if self.problems:
            out["problems"] = [p.to_json() for p in self.problems]
        if self.notes:
            out["notes"] = list(self.notes)
        if self.reports:
            out["reports"] = [r.to_json() for r in self.reports]
        return out


def _verdict(checks: tuple[Check, ...], extra_ok: bool = True) -> Verdict:
    if (checks and extra_ok and all(c.ok for c in checks)
            and any(c.outcome is Outcome.PASSED for c in checks)):
        return Verdict.VERIFIED
    if any(c.outcome is Outcome.FAILED for c in checks):
        return Verdict.NOT_VERIFIED
    return Verdict.COULD_NOT_VERIFY


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What was checked and what was found. ``verified`` only when nothing failed or was unknown.

    ``location`` says where an embedded credential (an endorsement) was found; ``statuses``
    holds every status that was determined (revoked or not).
    """

    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = field(default=None, repr=False)
    format: str = "ldp"
    location: str = ""
    statuses: tuple[StatusResult, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return _verdict(self.checks)

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VERIFIED

    @property
    def could_not_check(self) -> bool:
        """Nothing failed outright, but something could not be checked."""
        return self.verdict is Verdict.COULD_NOT_VERIFY

    @property
    def revoked(self) -> bool:
        return any(s.revoked for s in self.statuses)

    @property
    def suspended(self) -> bool:
        return any(s.suspended for s in self.statuses)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def problems(self) -> list[Problem]:
        return [p for c in self.checks for p in c.problems]

    def to_json(self, *, include_credential: bool = False) -> dict[str, Any]:
        problems = self.problems()
        out: dict[str, Any] = {
            "verified": self.verified,
            "verdict": str(self.verdict),
            "revoked": self.revoked,
            "suspended": self.suspended,
            "format": self.format,
        }
        if self.location:
            out["location"] = self.location
        if self.credential is not None:
            for key in ("id", "name"):
                if isinstance(self.credential.get(key), str):
                    out[f"credential{key.title()}"] = self.credential[key]
            issuer = self.credential.get("issuer")
            issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
            if isinstance(issuer_id, str):
                out["issuer"] = issuer_id
        out["checks"] = [c.to_json() for c in self.checks]
        if self.statuses:
            out["status"] = [s.to_json() for s in self.statuses]
        out["problems"] = [p.to_json() for p in problems]
        # VC-API's verification result members: the checks run, the failures as messages.
        out["errors"] = [f"{p.short_code}: {p.message}" for p in problems]
        out["warnings"] = [n for c in self.checks for n in c.notes]
        if include_credential and self.credential is not None:
            out["credential"] = self.credential
        return out


@dataclass(frozen=True, slots=True)
class PresentationReport:
    """A verifiable presentation: its own checks, then one report per credential inside."""

    checks: tuple[Check, ...]
    credentials: tuple[VerificationReport, ...] = ()

    @property
    def verdict(self) -> Verdict:
        own = _verdict(self.checks)
        verdicts = [own, *(r.verdict for r in self.credentials)]
        if all(v is Verdict.VERIFIED for v in verdicts):
            return Verdict.VERIFIED
        if Verdict.NOT_VERIFIED in verdicts:
            return Verdict.NOT_VERIFIED
        return Verdict.COULD_NOT_VERIFY

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VERIFIED

    @property
    def could_not_check(self) -> bool:
        return self.verdict is Verdict.COULD_NOT_VERIFY

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        problems = [p for c in self.checks for p in c.problems]
        return {
            "verified": self.verified,
            "verdict": str(self.verdict),
            "format": "vp",
            "presentationResult": {
                "verified": _verdict(self.checks) is Verdict.VERIFIED,
                "checks": [c.to_json() for c in self.checks],
                "problems": [p.to_json() for p in problems],
            },
            "credentialResults": [r.to_json() for r in self.credentials],
            "errors": [f"{p.short_code}: {p.message}" for p in problems] + [
                f"verifiableCredential[{i}]: {r.verdict}"
                for i, r in enumerate(self.credentials) if not r.verified],
            "warnings": [n for c in self.checks for n in c.notes],
        }


def verify_each(found: Sequence[tuple[str, Any]],
                verify: Callable[[Any, str], VerificationReport], *,
                what: str) -> list[VerificationReport]:
    """``verify(value, location)`` for each embedded credential (``what``: an endorsement, an
    embedded credential) that is an object or a VC-JWT; a failed report for anything else."""
    reports = []
    for location, value in found:
        if isinstance(value, Mapping | str):
            reports.append(verify(value, location))
        else:
            reports.append(VerificationReport(checks=(Check.from_problems("structure", [Problem(
                MALFORMED_VALUE_ERROR, f"{what} must be an object or a VC-JWT")]),),
                location=location))
    return reports


def nested_check(name: str, reports: Sequence[VerificationReport],
                 summary: Callable[[int, VerificationReport], Problem]) -> Check:
    """The check holding the reports of embedded credentials: passed when every one is
    verified, failed when one is not, else could not check; ``summary(number, report)`` is
    the problem for each one that is not verified (numbered from 1)."""
    verdicts = [r.verdict for r in reports]
    counts = {v: verdicts.count(v) for v in Verdict}
    detail = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    if all(v is Verdict.VERIFIED for v in verdicts):
        outcome = Outcome.PASSED
    elif Verdict.NOT_VERIFIED in verdicts:
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.COULD_NOT_CHECK
    problems = tuple(summary(number, r) for number, r in enumerate(reports, start=1)
                     if not r.verified)
    return Check(name, outcome, problems, detail, reports=tuple(reports))


def main_problem(report: VerificationReport) -> Problem | None:
    """The first finding of a report that is not verified: a failure, or for a report that
    could not verify, what could not be checked."""
    could_not = report.verdict is Verdict.COULD_NOT_VERIFY
    found = [p for c in report.checks if not c.ok for p in c.problems
             if (p.kind == "error") == could_not] or report.problems()
    return found[0] if found else None
