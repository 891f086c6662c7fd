"""Embedded endorsements: where OB 3.0 puts them, and the check that verifies each.

https://www.imsglobal.org/spec/ob/v3p0/#endorsement-verification — an EndorsementCredential
embedded in the credential, its issuer Profile, its Achievement (or the Achievement's creator)
is verified with the same steps as the credential, each with its own report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from vcissuer.errors import MALFORMED_VALUE_ERROR
from vcissuer.limits import MAX_ENDORSEMENTS
from vcissuer.proofs.result import Problem
from vcissuer.verify.report import (
    Check,
    Outcome,
    Verdict,
    VerificationReport,
    main_problem,
    nested_check,
    verify_each,
)

__all__ = ["MAX_ENDORSEMENTS", "check_endorsements", "embedded_endorsements"]

# A hostile credential could embed thousands, each naming keys and lists to fetch
# (MAX_ENDORSEMENTS lives with the other limits in vcissuer.limits).
_MEMBERS = ("endorsement", "endorsementJwt")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _holders(credential: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The objects that may carry endorsements, with their paths."""
    yield "", credential
    if isinstance(credential.get("issuer"), Mapping):
        yield "issuer.", credential["issuer"]
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    for index, item in enumerate(subjects):
        if not isinstance(item, Mapping) or not isinstance(item.get("achievement"), Mapping):
            continue
        path = ("credentialSubject." if not isinstance(subject, list)
                else f"credentialSubject[{index}].") + "achievement."
        achievement = item["achievement"]
        yield path, achievement
        if isinstance(achievement.get("creator"), Mapping):
            yield path + "creator.", achievement["creator"]


def embedded_endorsements(credential: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """``(location, endorsement)`` for every embedded endorsement (objects or VC-JWT strings)."""
    found = []
    for path, holder in _holders(credential):
        for member in _MEMBERS:
            for index, value in enumerate(_as_list(holder.get(member))):
                found.append((f"{path}{member}[{index}]", value))
    return found


def check_endorsements(
    credential: Mapping[str, Any],
    *,
    depth: int,
    verify: Callable[[Any, str], VerificationReport],
    maximum: int = MAX_ENDORSEMENTS,
) -> Check:
    """Verify each embedded endorsement with ``verify(endorsement, location)``."""
    found = embedded_endorsements(credential)
    if not found:
        return Check("endorsements", Outcome.NOT_APPLICABLE,
                     detail="the credential carries no endorsements")
    if depth <= 0:
        return Check.from_problems("endorsements", [Problem(
            MALFORMED_VALUE_ERROR, "endorsements nested this deep are not verified",
            kind="error")])
    if len(found) > maximum:
        return Check.from_problems("endorsements", [Problem(
            MALFORMED_VALUE_ERROR,
            f"{len(found)} endorsements: at most {maximum} are verified (limit: endorsements "
            "per credential)",
            kind="error")])
    reports = verify_each(found, verify, what="an endorsement")
    return nested_check("endorsements", reports, _summary)


def _summary(number: int, report: VerificationReport) -> Problem:
    """One problem for an endorsement that did not verify, with the code of its main finding."""
    del number  # an endorsement is named by where it is
    could_not = report.verdict is Verdict.COULD_NOT_VERIFY
    first = main_problem(report)
    reason = f": {first.message}" if first else ""
    return Problem(first.code if first else MALFORMED_VALUE_ERROR,
                   f"the endorsement at {report.location} is {report.verdict}{reason}",
                   kind="error" if could_not else "invalid")
