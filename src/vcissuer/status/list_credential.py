"""BitstringStatusListCredential: build one (unsigned), read one, and check an entry against it.

https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential — the issuer signs
the built credential with :func:`vcissuer.proofs.add_proof`; the verifier fetches the list and
verifies its proofs before calling :func:`check_status` (no I/O here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from vcissuer.clock import Clock, format_datetime, parse_datetime, system_clock
from vcissuer.credentials.contexts import VC_V2
from vcissuer.status.bitstring import DEFAULT_MAXIMUM_BYTES, MINIMUM_BITS, Bitstring
from vcissuer.status.entries import (
    BITSTRING_STATUS_LIST_ENTRY,
    REVOCATION,
    BitstringStatusListEntry,
    types_of,
)
from vcissuer.status.errors import (
    MalformedStatusError,
    StatusError,
    StatusListLengthError,
    StatusRangeError,
)
from vcissuer.status.result import StatusResult

__all__ = [
    "BITSTRING_STATUS_LIST",
    "BITSTRING_STATUS_LIST_CREDENTIAL",
    "DEFAULT_LIST_VALIDITY",
    "DEFAULT_SKEW",
    "StatusList",
    "Verified",
    "check_status",
    "create_status_list_credential",
]

BITSTRING_STATUS_LIST_CREDENTIAL = "BitstringStatusListCredential"
BITSTRING_STATUS_LIST = "BitstringStatusList"
# A short validity makes a stale copy of the list expire; the issuer re-signs on a schedule.
DEFAULT_LIST_VALIDITY = timedelta(days=1)
DEFAULT_SKEW = timedelta(minutes=5)


class Verified(Protocol):
    """What proof verification returns: ProofSetResult or a VC-JWT verification."""

    @property
    def verified(self) -> bool: ...


def create_status_list_credential(
    list_url: str,
    *,
    issuer: str | Mapping[str, Any],
    bitstring: Bitstring,
    purpose: str | Sequence[str] = REVOCATION,
    valid_from: datetime | None = None,
    valid_for: timedelta | None = DEFAULT_LIST_VALIDITY,
    ttl: int | None = None,
    clock: Clock = system_clock,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (VC 2.0 context) for ``list_url``.

    https://www.w3.org/TR/vc-bitstring-status-list/#generate-algorithm — ``valid_for=None``
    omits ``validUntil``; ``ttl`` is in milliseconds.
    """
    if not isinstance(list_url, str) or not list_url:
        raise ValueError("list_url must be a non-empty URL string")
    if bitstring.size < MINIMUM_BITS:
        raise ValueError(f"a published status list needs at least {MINIMUM_BITS} bits")
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise ValueError("purpose must be one or more non-empty strings")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
        raise ValueError("ttl must be a non-negative number of milliseconds")
    start = valid_from or clock()
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": BITSTRING_STATUS_LIST,
        "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
        "encodedList": bitstring.encode(),
    }
    if ttl is not None:
        subject["ttl"] = ttl
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", BITSTRING_STATUS_LIST_CREDENTIAL],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": format_datetime(start),
    }
    if valid_for is not None:
        credential["validUntil"] = format_datetime(start + valid_for)
    credential["credentialSubject"] = subject
    return credential


@dataclass(frozen=True, slots=True)
class StatusList:
    """The parts of a BitstringStatusListCredential a status check reads."""

    id: str | None
    purposes: tuple[str, ...]
    encoded_list: str
    ttl: int | None = None
    # Not in the VC 2.0 context's BitstringStatusList terms, but BSL §2.2 names
    # credentialSubject.statusSize for message lists: when a list states it, entries must agree.
    status_size: int | None = None

    @classmethod
    def from_credential(cls, credential: Mapping[str, Any]) -> StatusList:
        """Read and validate the list's shape; :class:`MalformedStatusError` if it is not one."""
        if not isinstance(credential, Mapping):
            raise MalformedStatusError("a status list credential must be a JSON object")
        if BITSTRING_STATUS_LIST_CREDENTIAL not in types_of(credential):
            raise MalformedStatusError(f"the list's type lacks {BITSTRING_STATUS_LIST_CREDENTIAL}")
        subject = credential.get("credentialSubject")
        subjects = subject if isinstance(subject, list) else [subject]
        subject = next((s for s in subjects if isinstance(s, Mapping)
                        and BITSTRING_STATUS_LIST in types_of(s)), None)
        if subject is None:
            raise MalformedStatusError(
                f"the list's credentialSubject must have type {BITSTRING_STATUS_LIST}"
            )
        purpose = subject.get("statusPurpose")
        purposes = [purpose] if isinstance(purpose, str) else purpose
        if not isinstance(purposes, list) or not purposes or not all(
            isinstance(p, str) and p for p in purposes
        ):
            raise MalformedStatusError("the list's statusPurpose must be one or more strings")
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            raise MalformedStatusError("the list's encodedList must be a string")
        ttl = subject.get("ttl")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
            raise MalformedStatusError("the list's ttl must be a non-negative integer")
        size = subject.get("statusSize")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)
                                 or size < 1):
            raise MalformedStatusError("the list's statusSize must be an integer above zero")
        list_id = credential.get("id")
        return cls(
            id=list_id if isinstance(list_id, str) else None,
            purposes=tuple(purposes),
            encoded_list=encoded,
            ttl=ttl,
            status_size=size,
        )

    def bitstring(self, *, maximum_bytes: int = DEFAULT_MAXIMUM_BYTES) -> Bitstring:
        """The expanded list; the length check against a minimum is the caller's."""
        return Bitstring.decode(self.encoded_list, minimum_bits=0, maximum_bytes=maximum_bytes)


def check_status(
    entry: BitstringStatusListEntry | Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    verify_list: Verified | Callable[[Mapping[str, Any]], Verified],
    minimum_entries: int = MINIMUM_BITS,
    clock: Clock = system_clock,
    skew: timedelta = DEFAULT_SKEW,
    maximum_bytes: int = DEFAULT_MAXIMUM_BYTES,
) -> StatusResult:
    """Status of one entry against its (already fetched) status list credential.

    https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm — ``verify_list`` is the
    result of verifying the list's proofs, or a function that verifies them. Returns the status
    (revoked is a result); raises :class:`StatusError` when status cannot be determined: list
    unverified or out of its validity period or purpose mismatch (STATUS_VERIFICATION_ERROR),
    malformed (MALFORMED_VALUE_ERROR), too short (STATUS_LIST_LENGTH_ERROR), index outside the
    list (RANGE_ERROR).
    """
    if not isinstance(entry, BitstringStatusListEntry):
        entry = BitstringStatusListEntry.from_json(entry)
    status_list = StatusList.from_credential(list_credential)
    # Step 4: every proof of the list verifies.
    outcome = verify_list(list_credential) if callable(verify_list) else verify_list
    if outcome.verified is not True:
        raise StatusError("the status list credential's proof does not verify")
    _check_list_validity(list_credential, now=clock(), skew=skew)
    # Step 5: the entry's purpose is one of the list's.
    if entry.status_purpose not in status_list.purposes:
        raise StatusError(
            f"statusPurpose {entry.status_purpose!r} is not a purpose of the status list "
            f"({', '.join(status_list.purposes)})"
        )
    if status_list.status_size is not None and status_list.status_size != entry.status_size:
        raise StatusError(
            f"the entry's statusSize {entry.status_size} differs from the status list's "
            f"{status_list.status_size}"
        )
    # Steps 6-9: expand, then the herd-privacy minimum in entries (bits / statusSize).
    bits = status_list.bitstring(maximum_bytes=maximum_bytes)
    entries = bits.size // entry.status_size
    if entries < minimum_entries:
        raise StatusListLengthError(
            f"the status list has {entries} entries; at least {minimum_entries} are required"
        )
    # Step 10: the value at index * statusSize.
    if entry.position + entry.status_size > bits.size:
        raise StatusRangeError(
            f"statusListIndex {entry.status_list_index} is outside the status list "
            f"of {entries} entries"
        )
    status = bits.get_status(entry.status_list_index, status_size=entry.status_size)
    return StatusResult(
        status=status,
        purpose=entry.status_purpose,
        method=BITSTRING_STATUS_LIST_ENTRY,
        list_url=entry.status_list_credential,
        index=entry.status_list_index,
        message=entry.message_for(status),
    )


def _check_list_validity(credential: Mapping[str, Any], *, now: datetime, skew: timedelta) -> None:
    """A stale or not-yet-valid list says nothing about today's status."""
    for key in ("validFrom", "validUntil"):
        if key not in credential:
            continue
        try:
            moment = parse_datetime(credential[key])
        except ValueError as error:
            raise MalformedStatusError(f"the status list's {key}: {error}") from None
        if key == "validFrom" and now + skew < moment:
            raise StatusError(f"the status list is not valid until {credential[key]}")
        if key == "validUntil" and now - skew > moment:
            raise StatusError(f"the status list expired at {credential[key]}")
