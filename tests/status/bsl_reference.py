"""A test-only, deliberately plain reading of the Bitstring Status List v1.0 algorithms.

https://www.w3.org/TR/vc-bitstring-status-list/ §3.2 (validate), §3.3 (generation), §3.4
(expansion), §2.1 (statusSize, statusMessage). Written from the spec text alone and sharing
no code with ``vcissuer.status``: bits are a Python string of "0"/"1" characters, index 0 is
its first character (the left-most bit of the first byte), values are read with ``int(s, 2)``.
Slow on purpose; the differential tests check our encoder, decoder and verifier against it.
Proof verification (step 4) is out of scope: the caller passes lists already verified.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Mapping
from typing import Any

STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"
STATUS_VERIFICATION_ERROR = STATUS_LIST + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = STATUS_LIST + "STATUS_LIST_LENGTH_ERROR"
RANGE_ERROR = "RANGE_ERROR"
MALFORMED_VALUE_ERROR = "MALFORMED_VALUE_ERROR"
MINIMUM_NUMBER_OF_ENTRIES = 131_072


class SpecError(Exception):
    """An error the spec's algorithm raises, by its name."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def generate(statuses: Mapping[int, int], *, status_size: int, length_bits: int) -> str:
    """§3.3: a zeroed bitstring of ``length_bits``; each value at index x statusSize; GZIP;
    multibase base64url without padding."""
    bits = ["0"] * length_bits
    for index, value in statuses.items():
        text = format(value, "b").rjust(status_size, "0")
        assert len(text) == status_size
        start = index * status_size
        bits[start:start + status_size] = list(text)
    assert len(bits) == length_bits and length_bits % 8 == 0
    raw = bytes(int("".join(bits[i:i + 8]), 2) for i in range(0, length_bits, 8))
    compressed = gzip.compress(raw)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def expand(encoded: str) -> str:
    """§3.4: multibase-decode (``u`` = base64url, no padding), then GZIP-decompress; the
    bits as a string, left-most bit first."""
    if not encoded.startswith("u"):
        raise SpecError(MALFORMED_VALUE_ERROR)
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return "".join(format(byte, "08b") for byte in raw)


def validate(entry: Mapping[str, Any], list_credential: Mapping[str, Any], *,
             minimum_number_of_entries: int = MINIMUM_NUMBER_OF_ENTRIES) -> dict[str, Any]:
    """§3.2 steps 3 and 5-13 over a list credential whose proofs already verified."""
    purpose = entry["statusPurpose"]
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or size <= 0:
        raise SpecError(MALFORMED_VALUE_ERROR)
    messages = entry.get("statusMessage")
    if size > 1 and messages is None:
        raise SpecError(MALFORMED_VALUE_ERROR)
    if messages is not None and len(messages) != 2 ** size:
        raise SpecError(MALFORMED_VALUE_ERROR)
    subject = list_credential["credentialSubject"]
    list_purposes = subject["statusPurpose"]
    if isinstance(list_purposes, str):
        list_purposes = [list_purposes]
    if purpose not in list_purposes:
        raise SpecError(STATUS_VERIFICATION_ERROR)
    bits = expand(subject["encodedList"])
    if len(bits) / size < minimum_number_of_entries:
        raise SpecError(STATUS_LIST_LENGTH_ERROR)
    index = int(entry["statusListIndex"])
    position = index * size
    if position + size > len(bits):
        raise SpecError(RANGE_ERROR)
    status = int(bits[position:position + size], 2)
    result: dict[str, Any] = {"status": status, "purpose": purpose, "valid": status == 0}
    if purpose == "message":
        if messages is None:
            result["message"] = "set" if status else "unset"
        else:
            result["message"] = next(m["message"] for m in messages
                                     if int(m["status"], 16) == status)
    return result
