"""CLR 2.0 records: the credentials a ClrCredential embeds, and the check that verifies each.

https://www.imsglobal.org/spec/clr/v2p0/ — a ClrCredential's ``credentialSubject``
(a ClrSubject) holds ``verifiableCredential``: the credentials of the record, each as it was
issued, with its own proof. The record's proof says the record's issuer assembled them; it
says nothing of whether each is genuine, unrevoked and in date. So each embedded credential is
verified with the same steps as the record (signature, issuer key, status, validity), each
with its own report, as OB 3.0 verifies embedded endorsements; the record's check names the
ones that fail ("credential 2 (<id>) revoked").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vcissuer.errors import MALFORMED_VALUE_ERROR
from vcissuer.limits import MAX_CLR_CREDENTIALS
from vcissuer.proofs.result import Problem
from vcissuer.status.errors import CREDENTIAL_REVOKED, CREDENTIAL_SUSPENDED
from vcissuer.verify.report import (
    Check,
    Verdict,
    VerificationReport,
    main_problem,
    nested_check,
    verify_each,
)

__all__ = ["CLR_CREDENTIAL", "check_records", "embedded_credentials", "is_clr"]

CLR_CREDENTIAL = "ClrCredential"
_MEMBER = "verifiableCredential"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_clr(credential: Any) -> bool:
    """A CLR 2.0 ClrCredential (by type)."""
    return isinstance(credential, Mapping) and CLR_CREDENTIAL in _as_list(credential.get("type"))


def embedded_credentials(credential: Any) -> list[tuple[str, Any]]:
    """``(location, credential)`` for every credential a ClrCredential embeds (objects or
    VC-JWT strings); nothing for any other credential."""
    if not is_clr(credential):
        return []
    subject = credential.get("credentialSubject")
    found = []
    for index, item in enumerate(_as_list(subject)):
        if not isinstance(item, Mapping):
            continue
        path = "credentialSubject." if not isinstance(subject, list) \
            else f"credentialSubject[{index}]."
        for number, value in enumerate(_as_list(item.get(_MEMBER))):
            found.append((f"{path}{_MEMBER}[{number}]", value))
    return found


def check_records(
    credential: Mapping[str, Any],
    *,
    depth: int,
    verify: Callable[[Any, str], VerificationReport],
    maximum: int = MAX_CLR_CREDENTIALS,
) -> Check | None:
    """Verify each credential a ClrCredential embeds with ``verify(credential, location)``;
    None for a credential that is not a record."""
    if not is_clr(credential):
        return None
    found = embedded_credentials(credential)
    if not found:
        return Check.from_problems("credentials", [Problem(
            MALFORMED_VALUE_ERROR, "a ClrCredential must embed its credentials in "
            "credentialSubject.verifiableCredential")])
    if depth <= 0:
        return Check.from_problems("credentials", [Problem(
            MALFORMED_VALUE_ERROR, "the credentials of a record inside a record are not "
            "verified", kind="error")])
    if len(found) > maximum:
        return Check.from_problems("credentials", [Problem(
            MALFORMED_VALUE_ERROR,
            f"{len(found)} embedded credentials: at most {maximum} are verified (limit: "
            "credentials per record)", kind="error")])
    reports = verify_each(found, verify, what="an embedded credential")
    return nested_check("credentials", reports, _summary)


def _summary(number: int, report: VerificationReport) -> Problem:
    """One problem naming an embedded credential that did not verify, and why."""
    document = report.credential or {}
    name = f"credential {number}"
    if isinstance(document.get("id"), str):
        name += f" ({document['id'][:200]})"
    first = main_problem(report)
    code = first.code if first else MALFORMED_VALUE_ERROR
    if report.revoked or report.suspended:
        status = next((p for p in report.problems()
                       if p.code in (CREDENTIAL_REVOKED, CREDENTIAL_SUSPENDED)), first)
        word = "revoked" if report.revoked else "suspended"
        return Problem(status.code if status else code, f"{name} {word}")
    could_not = report.verdict is Verdict.COULD_NOT_VERIFY
    reason = f": {first.message}" if first else ""
    return Problem(code, f"{name} is {report.verdict}{reason}",
                   kind="error" if could_not else "invalid")
