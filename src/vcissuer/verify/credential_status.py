"""The status check: Bitstring Status List and 1EdTech Revocation List, over fetched lists.

https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm — the list credential is
verified with the same resolver as the credential (every proof, and its key must belong to the
list's issuer), and the list's issuer must be the credential's issuer. A list that could not be
fetched or verified leaves the status "could not check"; a revoked or suspended credential
fails the check.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vcissuer.clock import Clock
from vcissuer.dids.base import VerificationMethodResolver
from vcissuer.errors import MALFORMED_VALUE_ERROR, VcError
from vcissuer.jsonld import DocumentCanonicalizer
from vcissuer.proofs import verify_proofs
from vcissuer.proofs.result import Problem
from vcissuer.status import (
    BITSTRING_STATUS_LIST_ENTRY,
    REVOCATION_LIST_TYPE,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
    BitstringStatusListEntry,
    MalformedStatusError,
    StatusError,
    StatusResult,
    check_revocation_list,
    check_status,
    credential_statuses,
)
from vcissuer.status.entries import types_of
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.malformed import malformed_proofs
from vcissuer.verify.report import Check, Outcome

__all__ = ["StatusListCache", "check_credential_status", "status_list_urls"]


def status_list_urls(credential: Mapping[str, Any]) -> list[str]:
    """Every list a credential's statuses point at (what to fetch before verifying)."""
    try:
        items = credential_statuses(credential)
    except MalformedStatusError:
        return []
    urls = []
    for item in items:
        types = types_of(item)
        url = (item.get("statusListCredential") if BITSTRING_STATUS_LIST_ENTRY in types
               else item.get("id") if REVOCATION_LIST_TYPE in types else None)
        if isinstance(url, str):
            urls.append(url)
    return urls


@dataclass(frozen=True, slots=True)
class _VerifiedList:
    """A status list credential after its proofs were checked: usable when no problems."""

    credential: Mapping[str, Any] | None
    problems: tuple[Problem, ...]


class StatusListCache:
    """Status list credentials already verified, by (URL, content digest, issuer).

    The digest is of the fetched bytes, so a changed list is verified again; the network
    layer decides how long the bytes themselves are kept.
    """

    def __init__(self, *, maxsize: int = 256) -> None:
        self._entries: OrderedDict[tuple[str, str, str], _VerifiedList] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> _VerifiedList | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, key: tuple[str, str, str], value: _VerifiedList) -> None:
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)


ListVerifier = Callable[[Any, str], _VerifiedList]


def _list_issuer(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return issuer if isinstance(issuer, str) else None


def _verify_list(
    document: Any, issuer: str, *, resolver: VerificationMethodResolver, clock: Clock,
    canonicalizer: DocumentCanonicalizer | None,
) -> _VerifiedList:
    """Verify a fetched status list credential (JSON-LD or VC-JWT) issued by ``issuer``."""
    if isinstance(document, str):
        from vcissuer.proofs.jose import verify_vc_jwt

        try:
            outcome = verify_vc_jwt(document.strip(), resolver=resolver)
        except VcError as error:
            return _VerifiedList(None, (Problem(STATUS_VERIFICATION_ERROR,
                                                f"the status list token: {error.message}",
                                                kind="error"),))
        credential: Mapping[str, Any] = outcome.credential
        verified, controllers = outcome.verified, [outcome.controller]
        failures = list(outcome.problems)
    elif isinstance(document, Mapping):
        credential = document
        if malformed_proofs(document):
            return _VerifiedList(None, (Problem(
                STATUS_VERIFICATION_ERROR, "the status list credential's proof is malformed",
                kind="error"),))
        proofs = verify_proofs(document, resolver=resolver, clock=clock,
                               canonicalizer=canonicalizer)
        verified, controllers = proofs.verified, [r.controller for r in proofs.results]
        failures = proofs.all_problems()
    else:
        return _VerifiedList(None, (Problem(STATUS_VERIFICATION_ERROR,
                                            "the status list is not a credential",
                                            kind="error"),))
    list_issuer = _list_issuer(credential)
    if not verified:
        why = failures[0].message if failures else "it has no proof"
        return _VerifiedList(None, (Problem(
            STATUS_VERIFICATION_ERROR,
            f"the status list credential does not verify: {why}", kind="error"),))
    if list_issuer is None or any(c != list_issuer for c in controllers):
        return _VerifiedList(None, (Problem(
            STATUS_VERIFICATION_ERROR,
            "the status list is signed with a key that does not belong to its issuer",
            kind="error"),))
    if list_issuer != issuer:
        return _VerifiedList(None, (Problem(
            STATUS_VERIFICATION_ERROR,
            f"the status list is issued by {list_issuer!r}, not by the credential's issuer",
            kind="error"),))
    return _VerifiedList(credential, ())


def check_credential_status(
    credential: Mapping[str, Any],
    *,
    issuer: str | None,
    retrieved: Retrieved | None,
    resolver: VerificationMethodResolver,
    clock: Clock,
    skew: timedelta,
    canonicalizer: DocumentCanonicalizer | None = None,
    cache: StatusListCache | None = None,
) -> tuple[Check, tuple[StatusResult, ...]]:
    """Check every ``credentialStatus`` entry; the check and the statuses determined."""
    try:
        items = credential_statuses(credential)
    except MalformedStatusError as error:
        return Check.from_problems("status", [Problem(error.code, error.message)]), ()
    if not items:
        return Check("status", Outcome.NOT_APPLICABLE,
                     detail="the credential has no credentialStatus"), ()

    def verified_list(url: str, document: Any) -> _VerifiedList:
        digest = retrieved.digest(url) if retrieved is not None else None
        key = (url, digest or "", issuer or "")
        if cache is not None and digest is not None:
            hit = cache.get(key)
            if hit is not None:
                return hit
        result = _verify_list(document, issuer or "", resolver=resolver, clock=clock,
                              canonicalizer=canonicalizer)
        if cache is not None and digest is not None:
            cache.put(key, result)
        return result

    problems: list[Problem] = []
    notes: list[str] = []
    results: list[StatusResult] = []
    for item in items:
        types = types_of(item)
        try:
            if BITSTRING_STATUS_LIST_ENTRY in types:
                result = _bitstring(item, retrieved, verified_list, clock=clock, skew=skew)
            elif REVOCATION_LIST_TYPE in types:
                result = _revocation_list(credential, item, retrieved)
            else:
                problems.append(Problem(
                    STATUS_VERIFICATION_ERROR,
                    f"status type {', '.join(types) or '(none)'} is not supported, so the "
                    "credential's status is unknown", kind="error"))
                continue
        except MalformedStatusError as error:
            # The credential's own entry is malformed: processed, and invalid.
            problems.append(Problem(error.code or MALFORMED_VALUE_ERROR, error.message))
            continue
        except StatusError as error:
            problems.append(Problem(error.code, error.message, kind="error"))
            continue
        results.append(result)
        found = result.problems()
        problems.extend(found)
        if not found and result.status:
            notes.append(f"{result.purpose} status {result.status:#x}"
                         + (f": {result.message}" if result.message else ""))
    detail = "; ".join(_describe(r) for r in results)
    return (Check.from_problems("status", problems, detail=detail, notes=tuple(notes)),
            tuple(results))


def _describe(result: StatusResult) -> str:
    if result.revoked:
        return "REVOKED"
    if result.suspended:
        return "SUSPENDED"
    return f"{result.purpose}: not set" if result.status == 0 else \
        f"{result.purpose}: {result.status:#x}"


def _document(retrieved: Retrieved | None, url: str, *, what: str) -> Any:
    if retrieved is None:
        raise StatusError(f"the {what} {url} was not retrieved (offline verification)",
                          code=STATUS_RETRIEVAL_ERROR)
    document = retrieved.document(url)
    if document is None:
        why = retrieved.failure(url) or "it was not retrieved"
        raise StatusError(f"the {what} {url} could not be retrieved: {why}",
                          code=STATUS_RETRIEVAL_ERROR)
    return document


def _bitstring(item: Mapping[str, Any], retrieved: Retrieved | None,
               verified_list: Callable[[str, Any], _VerifiedList], *, clock: Clock,
               skew: timedelta) -> StatusResult:
    entry = BitstringStatusListEntry.from_json(item)
    url = entry.status_list_credential
    listed = verified_list(url, _document(retrieved, url, what="status list"))
    if listed.credential is None:
        problem = listed.problems[0]
        raise StatusError(problem.message, code=problem.code)
    try:
        return check_status(entry, listed.credential, verify_list=_VERIFIED, clock=clock,
                            skew=skew)
    except MalformedStatusError as error:
        # The list (not the credential) is malformed: the status cannot be determined.
        raise StatusError(f"the status list: {error.message}", code=error.code) from None


def _revocation_list(credential: Mapping[str, Any], item: Mapping[str, Any],
                     retrieved: Retrieved | None) -> StatusResult:
    url = item.get("id")
    if not isinstance(url, str):
        raise MalformedStatusError("a 1EdTechRevocationList status needs the list URL as id")
    document = _document(retrieved, url, what="revocation list")
    try:
        return check_revocation_list(credential, document)
    except MalformedStatusError as error:
        raise StatusError(f"the revocation list: {error.message}", code=error.code) from None


class _Verified:
    verified = True


_VERIFIED = _Verified()
