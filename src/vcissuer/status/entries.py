"""``credentialStatus`` entries: build a BitstringStatusListEntry, read one from a credential.

https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry — OB 3.0's
CredentialStatus requires an ``id``, so built entries carry ``<list URL>#<index>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vcissuer.status.errors import MalformedStatusError

__all__ = [
    "BITSTRING_STATUS_LIST_ENTRY",
    "MAX_STATUS_SIZE",
    "MESSAGE",
    "REFRESH",
    "REVOCATION",
    "SUSPENSION",
    "BitstringStatusListEntry",
    "StatusMessage",
    "bitstring_status_entries",
    "credential_statuses",
    "types_of",
]

BITSTRING_STATUS_LIST_ENTRY = "BitstringStatusListEntry"
REVOCATION = "revocation"
SUSPENSION = "suspension"
MESSAGE = "message"
REFRESH = "refresh"
# statusSize > 1 needs 2**statusSize messages; a bound keeps a hostile entry from asking for
# an astronomically long array.
MAX_STATUS_SIZE = 16

_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_DECIMAL = re.compile(r"^[0-9]{1,30}$")
_HEX_STATUS = re.compile(r"^0x[0-9A-Fa-f]{1,8}$")


def types_of(node: Mapping[str, Any]) -> list[str]:
    """``type`` as a list: JSON-LD allows one string or an array."""
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """One ``statusMessage`` element: a status value and its (developer-facing) message."""

    status: int
    message: str

    def to_json(self) -> dict[str, str]:
        return {"status": f"{self.status:#x}", "message": self.message}

    @classmethod
    def from_json(cls, value: Any) -> StatusMessage:
        if not isinstance(value, Mapping):
            raise MalformedStatusError("each statusMessage must be an object")
        status, message = value.get("status"), value.get("message")
        if not isinstance(status, str) or not _HEX_STATUS.match(status):
            raise MalformedStatusError("statusMessage status must be a hex string like '0x1'")
        if not isinstance(message, str):
            raise MalformedStatusError("statusMessage message must be a string")
        return cls(int(status, 16), message)


@dataclass(frozen=True, slots=True)
class BitstringStatusListEntry:
    """A BitstringStatusListEntry; ``status_list_index`` is an int here, a string on the wire."""

    status_list_credential: str
    status_list_index: int
    status_purpose: str = REVOCATION
    id: str | None = None
    status_size: int = 1
    status_messages: tuple[StatusMessage, ...] = ()
    status_reference: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_url(self.status_list_credential, "statusListCredential")
        index = self.status_list_index
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise MalformedStatusError("statusListIndex must be an integer >= 0")
        if not isinstance(self.status_purpose, str) or not self.status_purpose:
            raise MalformedStatusError("statusPurpose must be a non-empty string")
        if self.id is not None:
            _check_url(self.id, "id")
            if self.id == self.status_list_credential:
                raise MalformedStatusError("the entry id must not be the status list URL")
        size = self.status_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise MalformedStatusError(f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}")
        if self.status_messages and len(self.status_messages) != 1 << size:
            raise MalformedStatusError(
                f"statusMessage must have {1 << size} elements for statusSize {size}"
            )
        if size > 1 and not self.status_messages:
            raise MalformedStatusError("statusMessage is required when statusSize is above 1")
        values = [m.status for m in self.status_messages]
        if any(v >= 1 << size for v in values):
            raise MalformedStatusError(
                f"a statusMessage status does not fit in statusSize {size} bits")
        if len(set(values)) != len(values):
            raise MalformedStatusError("statusMessage has two elements for one status value")
        for reference in self.status_reference:
            _check_url(reference, "statusReference")

    @property
    def position(self) -> int:
        """The first bit of this entry: index times statusSize."""
        return self.status_list_index * self.status_size

    def message_for(self, status: int) -> str | None:
        """The message for a status value: from ``statusMessage``, else "set"/"unset"."""
        for item in self.status_messages:
            if item.status == status:
                return item.message
        if not self.status_messages and self.status_size == 1:
            return "set" if status else "unset"
        return None

    @classmethod
    def create(
        cls,
        list_url: str,
        *,
        index: int,
        purpose: str = REVOCATION,
        status_size: int = 1,
        status_messages: Sequence[StatusMessage] = (),
        status_reference: Sequence[str] = (),
    ) -> BitstringStatusListEntry:
        """A new entry with ``id`` ``<list_url>#<index>`` (OB 3.0 requires an id)."""
        return cls(
            status_list_credential=list_url,
            status_list_index=index,
            status_purpose=purpose,
            id=f"{list_url}#{index}",
            status_size=status_size,
            status_messages=tuple(status_messages),
            status_reference=tuple(status_reference),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["type"] = BITSTRING_STATUS_LIST_ENTRY
        out["statusPurpose"] = self.status_purpose
        out["statusListIndex"] = str(self.status_list_index)
        out["statusListCredential"] = self.status_list_credential
        if self.status_size != 1:
            out["statusSize"] = self.status_size
        if self.status_messages:
            out["statusMessage"] = [m.to_json() for m in self.status_messages]
        if self.status_reference:
            references = list(self.status_reference)
            out["statusReference"] = references[0] if len(references) == 1 else references
        return out

    @classmethod
    def from_json(cls, value: Any) -> BitstringStatusListEntry:
        """Parse and validate one entry; the index may be a string (spec) or a number (1EdTech)."""
        if not isinstance(value, Mapping):
            raise MalformedStatusError("a credentialStatus entry must be an object")
        if BITSTRING_STATUS_LIST_ENTRY not in types_of(value):
            raise MalformedStatusError(f"the entry's type is not {BITSTRING_STATUS_LIST_ENTRY}")
        messages = value.get("statusMessage", [])
        if not isinstance(messages, list):
            raise MalformedStatusError("statusMessage must be an array")
        reference = value.get("statusReference", [])
        references = [reference] if isinstance(reference, str) else reference
        if not isinstance(references, list):
            raise MalformedStatusError("statusReference must be a URL or an array of URLs")
        entry_id = value.get("id")
        if entry_id is not None and not isinstance(entry_id, str):
            raise MalformedStatusError("the entry id must be a string")
        return cls(
            status_list_credential=value.get("statusListCredential"),  # type: ignore[arg-type]
            status_list_index=_parse_index(value.get("statusListIndex")),
            status_purpose=value.get("statusPurpose"),  # type: ignore[arg-type]
            id=entry_id,
            status_size=value.get("statusSize", 1),
            status_messages=tuple(StatusMessage.from_json(m) for m in messages),
            status_reference=tuple(references),
        )


def _check_url(value: Any, name: str) -> None:
    if not isinstance(value, str) or not _ABSOLUTE_URL.match(value):
        raise MalformedStatusError(f"{name} must be an absolute URL")


def _parse_index(value: Any) -> int:
    if isinstance(value, str) and _DECIMAL.match(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise MalformedStatusError(
        "statusListIndex must be a non-negative base-10 integer, expressed as a string"
    )


def credential_statuses(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every ``credentialStatus`` object of a credential (an object or an array of them)."""
    value = credential.get("credentialStatus")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, Mapping) for item in items):
        raise MalformedStatusError("credentialStatus must be an object or an array of objects")
    return items


def bitstring_status_entries(credential: Mapping[str, Any]) -> list[BitstringStatusListEntry]:
    """The BitstringStatusListEntry objects of a credential, parsed; other status types skipped."""
    return [
        BitstringStatusListEntry.from_json(item)
        for item in credential_statuses(credential)
        if BITSTRING_STATUS_LIST_ENTRY in types_of(item)
    ]
