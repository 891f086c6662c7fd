"""Differential: our bitstring encoder/decoder, the store's bit writer and our status check
against the plain reading of Bitstring Status List v1.0 in ``tests/status/bsl_reference.py``.

Random lists (hypothesis) with statusSize 1, 2, 3 and 8: §3.3 generation (value at
index x statusSize, index 0 the left-most bit, GZIP, multibase base64url), §3.4 expansion,
and §3.2 validation (purpose match, STATUS_LIST_LENGTH_ERROR counted in entries, RANGE_ERROR,
the status value and, for ``message``, the statusMessage of that value).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.status import bsl_reference as ref
from vcissuer.status import (
    Bitstring,
    BitstringStatusListEntry,
    MalformedStatusError,
    StatusError,
    StatusListLengthError,
    StatusRangeError,
    check_status,
)
from vcissuer.store import get_status

LIST_URL = "https://issuer.example/status/uni/l1"
PURPOSES = ("revocation", "suspension", "message")
SIZES = (1, 2, 3, 8)


class _Verified:
    verified = True


@st.composite
def status_lists(draw: st.DrawFn, *, entries: tuple[int, ...] = (8, 64, 1024)
                 ) -> tuple[int, int, dict[int, int]]:
    """(statusSize, number of entries, {index: value}) with values that fit the size."""
    size = draw(st.sampled_from(SIZES))
    count = draw(st.sampled_from(entries))
    statuses = draw(st.dictionaries(st.integers(0, count - 1),
                                    st.integers(0, (1 << size) - 1), max_size=40))
    return size, count, statuses


def _messages(size: int) -> list[dict[str, str]]:
    return [{"status": f"{v:#x}", "message": f"m{v}"} for v in range(1 << size)]


def _ours(statuses: dict[int, int], size: int, count: int) -> Bitstring:
    bits = Bitstring(count * size)
    for index, value in statuses.items():
        bits.set_status(index, value, status_size=size)
    return bits


@settings(max_examples=150, deadline=None)
@given(status_lists())
def test_our_encoding_expands_to_the_references_bits(drawn) -> None:
    """§3.3/§3.4: what we encode, the reference expands to exactly the expected bits."""
    size, count, statuses = drawn
    expected = ["0"] * (count * size)
    for index, value in statuses.items():
        expected[index * size:(index + 1) * size] = format(value, "b").rjust(size, "0")
    assert ref.expand(_ours(statuses, size, count).encode()) == "".join(expected)


@settings(max_examples=150, deadline=None)
@given(status_lists())
def test_we_decode_what_the_reference_generates(drawn) -> None:
    size, count, statuses = drawn
    encoded = ref.generate(statuses, status_size=size, length_bits=count * size)
    bits = Bitstring.decode(encoded, minimum_bits=0)
    raw = bits.to_bytes()
    for index in range(count):
        want = statuses.get(index, 0)
        assert bits.get_status(index, status_size=size) == want
        assert get_status(raw, index, size) == want  # the store's reader


def _entry(size: int, purpose: str, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = BitstringStatusListEntry.create(
        LIST_URL, index=index, purpose=purpose).to_json()
    if size != 1:
        entry["statusSize"] = size
        entry["statusMessage"] = _messages(size)
    elif purpose == "message":
        entry["statusMessage"] = _messages(1)
    return entry


def _list(encoded: str, purposes: list[str]) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:12345",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
                              "encodedList": encoded},
    }


def _our_outcome(entry: dict[str, Any], listed: dict[str, Any], minimum: int) -> Any:
    try:
        result = check_status(entry, listed, verify_list=_Verified(), minimum_entries=minimum)
    except StatusListLengthError:
        return ref.STATUS_LIST_LENGTH_ERROR
    except StatusRangeError:
        return ref.RANGE_ERROR
    except MalformedStatusError:
        return ref.MALFORMED_VALUE_ERROR
    except StatusError:
        return ref.STATUS_VERIFICATION_ERROR
    out = {"status": result.status, "purpose": result.purpose, "valid": result.valid}
    if result.purpose == "message":
        out["message"] = result.message
    return out


def _reference_outcome(entry: dict[str, Any], listed: dict[str, Any], minimum: int) -> Any:
    try:
        return ref.validate(entry, listed, minimum_number_of_entries=minimum)
    except ref.SpecError as error:
        return error.code


@settings(max_examples=300, deadline=None)
@given(status_lists(), st.data())
def test_our_status_check_agrees_with_the_validate_algorithm(drawn, data) -> None:
    """§3.2: the same result (status, purpose, valid, message) or the same error, including
    lists too short in entries, indexes past the end and purposes the list lacks."""
    size, count, statuses = drawn
    purpose = data.draw(st.sampled_from(PURPOSES))
    list_purposes = data.draw(st.lists(st.sampled_from(PURPOSES), min_size=1, max_size=3,
                                       unique=True))
    index = data.draw(st.one_of(st.sampled_from(sorted(statuses) or [0]),
                                st.integers(0, count - 1), st.integers(count, count + 64)))
    minimum = data.draw(st.sampled_from([1, count // 2, count, count + 1, 2 * count]))
    encoded = ref.generate(statuses, status_size=size, length_bits=count * size)
    entry, listed = _entry(size, purpose, index), _list(encoded, list_purposes)
    assert _our_outcome(entry, listed, minimum) == _reference_outcome(entry, listed, minimum)


@pytest.mark.parametrize("size", [1, 2, 8])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_full_size_lists_round_trip(size: int, data) -> None:
    """The spec's minimum in entries: 131,072 x statusSize bits; one entry short fails with
    STATUS_LIST_LENGTH_ERROR in both."""
    count = ref.MINIMUM_NUMBER_OF_ENTRIES
    statuses = data.draw(st.dictionaries(st.integers(0, count - 1),
                                         st.integers(0, (1 << size) - 1), max_size=20))
    ours = _ours(statuses, size, count).encode()
    index = data.draw(st.sampled_from(sorted(statuses) or [count - 1]))
    entry = _entry(size, "message", index)
    listed = _list(ours, ["message"])
    assert _our_outcome(entry, listed, count) == _reference_outcome(entry, listed, count)
    assert _our_outcome(entry, listed, count)["status"] == statuses.get(index, 0)
    short = _list(_ours({}, size, count - 8).encode(), ["message"])
    entry = _entry(size, "message", 0)
    assert _our_outcome(entry, short, count) == ref.STATUS_LIST_LENGTH_ERROR
    assert _reference_outcome(entry, short, count) == ref.STATUS_LIST_LENGTH_ERROR


def test_a_new_multi_bit_list_holds_the_minimum_in_entries() -> None:
    """§3.2 step 9 divides the bitstring's length by statusSize: a list made for statusSize 2
    has 131,072 x 2 bits, so it passes the check at its own size."""
    count = ref.MINIMUM_NUMBER_OF_ENTRIES
    for size in (1, 2, 8):
        encoded = Bitstring(count * size).encode()
        entry = _entry(size, "suspension", count - 1)
        listed = _list(encoded, ["suspension"])
        assert _reference_outcome(entry, listed, count)["valid"] is True
        assert _our_outcome(entry, listed, count)["valid"] is True
