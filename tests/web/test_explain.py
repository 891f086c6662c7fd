"""The panel's state comes from the report: revoked and suspended in so many words; a broken
signature outranks everything; "genuine" only for a verified report."""

from __future__ import annotations

import pytest

from vcissuer.errors import CREDENTIAL_EXPIRED
from vcissuer.proofs.result import Problem
from vcissuer.status import StatusResult
from vcissuer.verify import Check, Outcome, VerificationReport
from vcissuer.web.explain import State, explain

PASS = {name: Check(name, Outcome.PASSED) for name in
        ("structure", "proof", "issuer key", "status", "validity period")}


def report(*changed: Check, statuses: tuple[StatusResult, ...] = ()) -> VerificationReport:
    checks = dict(PASS)
    for check in changed:
        checks[check.name] = check
    return VerificationReport(checks=tuple(checks.values()), statuses=statuses)


REVOKED = StatusResult(status=1, purpose="revocation", method="BitstringStatusListEntry")
SUSPENDED = StatusResult(status=1, purpose="suspension", method="BitstringStatusListEntry")
FAILED_STATUS = Check("status", Outcome.FAILED, (Problem("x#REVOKED", "revoked"),))
EXPIRED = Check("validity period", Outcome.FAILED, (Problem(CREDENTIAL_EXPIRED, "expired"),))
BAD_PROOF = Check("proof", Outcome.FAILED, (Problem("x#PROOF", "bad signature"),))
NO_KEY = Check("issuer key", Outcome.COULD_NOT_CHECK, (Problem("x#KEY", "down", kind="error"),))


@pytest.mark.parametrize(("value", "state"), [
    (report(), State.GENUINE),
    (report(FAILED_STATUS, statuses=(REVOKED,)), State.REVOKED),
    (report(FAILED_STATUS, statuses=(SUSPENDED,)), State.SUSPENDED),
    (report(FAILED_STATUS, EXPIRED, statuses=(REVOKED,)), State.REVOKED),
    (report(EXPIRED), State.EXPIRED),
    (report(BAD_PROOF, FAILED_STATUS, statuses=(REVOKED,)), State.INVALID),
    (report(BAD_PROOF), State.INVALID),
    (report(NO_KEY), State.UNKNOWN),
    (report(NO_KEY, EXPIRED), State.EXPIRED),
    (VerificationReport(checks=()), State.UNKNOWN),
])
def test_state(value: VerificationReport, state: State) -> None:
    assert explain(value).state is state


def test_every_check_is_explained_in_words() -> None:
    explanation = explain(report(FAILED_STATUS, EXPIRED, statuses=(REVOKED,)))
    words = {c.name: (c.title, c.summary) for c in explanation.checks}
    assert words["status"] == ("Revocation and suspension", "The issuer has revoked it.")
    assert words["validity period"] == ("Dates", "It has expired.")
    assert words["proof"][0] == "Digital signature"
    assert explanation.headline == "Revoked" and explanation.css == "bad"


def test_unknown_checks_still_read() -> None:
    explanation = explain(report(Check("holder", Outcome.FAILED)))
    assert explanation.checks[-1].title == "Holder" and explanation.state is State.INVALID
