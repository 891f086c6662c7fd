"""A verification report in plain language: one state for the panel, each check explained.

The state is read from the report the pipeline produced, never assumed: "genuine" only when the
report is verified. Revoked and suspended are said in so many words, before anything else that
the issuer's own statement makes moot; a failed signature outranks them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vcissuer.errors import CREDENTIAL_EXPIRED, CREDENTIAL_NOT_YET_VALID
from vcissuer.verify import Check, Outcome, VerificationReport

__all__ = ["CheckView", "Explanation", "State", "explain"]

# Checks whose failure means the document itself cannot be trusted.
_INTEGRITY = ("retrieval", "structure", "proof", "issuer key")


class State(StrEnum):
    GENUINE = "genuine"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    INVALID = "not valid"
    UNKNOWN = "could not check"


_HEADLINES = {
    State.GENUINE: ("Genuine", "Verified just now: the issuer signed this credential, it has not "
                               "been changed, revoked or suspended, and it is in date."),
    State.EXPIRED: ("Expired", "The issuer signed this credential and has not revoked it, but "
                               "its validity period has ended."),
    State.NOT_YET_VALID: ("Not yet valid", "The issuer signed this credential, but its validity "
                                           "period has not started."),
    State.SUSPENDED: ("Suspended", "The issuer has suspended this credential. It may be "
                                   "reinstated later; until then, do not rely on it."),
    State.REVOKED: ("Revoked", "The issuer has revoked this credential. It is no longer valid."),
    State.INVALID: ("Not valid", "This credential failed verification: do not rely on it. "
                                 "The checks below say what is wrong."),
    State.UNKNOWN: ("Could not check", "Some checks could not be completed, for instance "
                                       "because the issuer's server did not answer. This does "
                                       "not mean the credential is false; try again later."),
}

# name: (title, passed, failed, could not check, not applicable)
_CHECKS: dict[str, tuple[str, str, str, str, str]] = {
    "retrieval": (
        "Fetching the credential", "The credential was fetched from its URL.",
        "The URL did not give a credential.", "The credential could not be fetched.", ""),
    "structure": (
        "Well-formed Open Badge",
        "It follows the Verifiable Credentials and Open Badges 3.0 data model and schema.",
        "It breaks the rules of the Open Badges data model.",
        "Its structure could not be checked (a schema could not be retrieved).", ""),
    "proof": (
        "Digital signature",
        "The signature matches the content: nothing has changed since it was signed.",
        "The signature does not match: the credential was altered or signed wrongly.",
        "The signature could not be checked.", ""),
    "issuer key": (
        "Issuer's key",
        "It was signed with a key that belongs to the issuer it names.",
        "It was signed with a key that does not belong to the issuer it names.",
        "The issuer's key could not be retrieved, so who signed it is unknown.", ""),
    "status": (
        "Revocation and suspension",
        "The issuer's published status list says it is neither revoked nor suspended.",
        "The issuer's status list marks it as no longer valid.",
        "The issuer's status list could not be retrieved or checked.",
        "The issuer publishes no revocation status for this credential."),
    "validity period": (
        "Dates", "Today is within its validity period.",
        "Today is outside its validity period.", "Its dates could not be read.",
        "It has no validity period."),
    "endorsements": (
        "Endorsements", "Every endorsement verified.", "An endorsement failed verification.",
        "An endorsement could not be checked.", "It carries no endorsements."),
    "credentials": (
        "Credentials in this record", "Every credential in the record verified on its own.",
        "A credential in the record failed verification: see the list of credentials.",
        "A credential in the record could not be checked.", ""),
    "refresh": (
        "Refresh service", "", "", "",
        "It offers a refresh service; it was verified as presented."),
}


@dataclass(frozen=True, slots=True)
class CheckView:
    name: str
    title: str
    outcome: str  # passed / failed / could not check / not applicable
    summary: str
    detail: str
    problems: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    state: State
    headline: str
    summary: str
    checks: tuple[CheckView, ...]

    @property
    def css(self) -> str:
        return {State.GENUINE: "ok", State.UNKNOWN: "unknown"}.get(self.state, "bad")


def _codes(check: Check | None) -> set[str]:
    return {p.code for p in check.problems} if check is not None else set()


def _state(report: VerificationReport) -> State:
    if any(c.outcome is Outcome.FAILED for c in report.checks if c.name in _INTEGRITY):
        return State.INVALID
    if report.revoked:
        return State.REVOKED
    if report.suspended:
        return State.SUSPENDED
    validity = report.check("validity period")
    if validity is not None and validity.outcome is Outcome.FAILED:
        failed_elsewhere = any(c.outcome is Outcome.FAILED for c in report.checks
                               if c is not validity)
        if not failed_elsewhere and CREDENTIAL_EXPIRED in _codes(validity):
            return State.EXPIRED
        if not failed_elsewhere and CREDENTIAL_NOT_YET_VALID in _codes(validity):
            return State.NOT_YET_VALID
    if report.verified:
        return State.GENUINE
    if any(c.outcome is Outcome.FAILED for c in report.checks):
        return State.INVALID
    return State.UNKNOWN


def _check(check: Check) -> CheckView:
    default = (check.name.capitalize(), "Passed.", "Failed.", "Could not be checked.",
               "Does not apply.")
    title, passed, failed, unknown, not_applicable = _CHECKS.get(check.name, default)
    summary = {Outcome.PASSED: passed, Outcome.FAILED: failed,
               Outcome.COULD_NOT_CHECK: unknown,
               Outcome.NOT_APPLICABLE: not_applicable}[check.outcome]
    if check.name == "status" and check.outcome is Outcome.FAILED:
        codes = {p.short_code for p in check.problems}
        summary = ("The issuer has revoked it." if "REVOKED" in codes else
                   "The issuer has suspended it." if "SUSPENDED" in codes else summary)
    if check.name == "validity period" and check.outcome is Outcome.FAILED:
        codes = _codes(check)
        summary = ("It has expired." if CREDENTIAL_EXPIRED in codes else
                   "Its validity period has not started." if CREDENTIAL_NOT_YET_VALID in codes
                   else summary)
    return CheckView(name=check.name, title=title, outcome=str(check.outcome),
                     summary=summary or default[0], detail=check.detail,
                     problems=tuple(p.message for p in check.problems),
                     notes=tuple(check.notes))


def explain(report: VerificationReport) -> Explanation:
    """The panel's state and headline, and every check in the order it ran."""
    state = _state(report)
    headline, summary = _HEADLINES[state]
    return Explanation(state=state, headline=headline, summary=summary,
                       checks=tuple(_check(c) for c in report.checks))
