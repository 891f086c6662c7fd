"""Status error codes and the errors that carry them.

https://www.w3.org/TR/vc-bitstring-status-list/#processing-errors — the three status codes
live under ``https://www.w3.org/ns/credentials/status-list#``; the validate algorithm also raises
VCDM 2.0's RANGE_ERROR and MALFORMED_VALUE_ERROR, which the core already names.

Hierarchy (all :class:`~vcissuer.errors.VcError`: status that *could not be determined*)::

    StatusError                 STATUS_VERIFICATION_ERROR (list unverified, purpose mismatch)
    ├── MalformedStatusError    MALFORMED_VALUE_ERROR (entry, list or encodedList unreadable)
    ├── StatusListLengthError   STATUS_LIST_LENGTH_ERROR (shorter than the herd-privacy minimum)
    ├── StatusRangeError        RANGE_ERROR (index outside the list; also an IndexError)
    └── StatusRetrievalError    STATUS_RETRIEVAL_ERROR (for the fetching layer to raise)

A revoked or suspended credential is not an error: :func:`check_status` returns it.
"""

from __future__ import annotations

from vcissuer.errors import MALFORMED_VALUE_ERROR, RANGE_ERROR, VCISSUER, VcError

__all__ = [
    "CREDENTIAL_REVOKED",
    "CREDENTIAL_SUSPENDED",
    "MALFORMED_VALUE_ERROR",
    "RANGE_ERROR",
    "STATUS_ERROR_NUMBERS",
    "STATUS_LIST",
    "STATUS_LIST_LENGTH_ERROR",
    "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "MalformedStatusError",
    "StatusError",
    "StatusListLengthError",
    "StatusRangeError",
    "StatusRetrievalError",
]

STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"
STATUS_RETRIEVAL_ERROR = STATUS_LIST + "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR = STATUS_LIST + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = STATUS_LIST + "STATUS_LIST_LENGTH_ERROR"

# The integer ``code`` of an RFC 9457 problem for each status type (BSL "Processing Errors").
STATUS_ERROR_NUMBERS = {
    STATUS_RETRIEVAL_ERROR: -128,
    STATUS_VERIFICATION_ERROR: -129,
    STATUS_LIST_LENGTH_ERROR: -130,
}

# Findings, not errors: no spec names them, so they sit in our own namespace (as EXPIRED does).
CREDENTIAL_REVOKED = VCISSUER + "REVOKED"
CREDENTIAL_SUSPENDED = VCISSUER + "SUSPENDED"


class StatusError(VcError):
    """The status of a credential could not be determined (never: "it is revoked")."""

    code = STATUS_VERIFICATION_ERROR


class MalformedStatusError(StatusError, ValueError):
    """A status entry, status list credential or ``encodedList`` that does not conform."""

    code = MALFORMED_VALUE_ERROR


class StatusListLengthError(StatusError):
    """A list with fewer entries than the herd-privacy minimum (131,072 by default)."""

    code = STATUS_LIST_LENGTH_ERROR


class StatusRangeError(StatusError, IndexError):
    """An index (times ``statusSize``) outside the bitstring."""

    code = RANGE_ERROR


class StatusRetrievalError(StatusError):
    """A status list that could not be fetched; raised by the layer that does I/O."""

    code = STATUS_RETRIEVAL_ERROR
