"""Bitstring: the W3C and 1EdTech encoded lists, round trips, and every way decoding fails."""

from __future__ import annotations

import base64
import gzip
import zlib
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.errors import MALFORMED_VALUE_ERROR, RANGE_ERROR
from vcissuer.status import (
    MINIMUM_BITS,
    STATUS_LIST_LENGTH_ERROR,
    Bitstring,
    MalformedStatusError,
    StatusListLengthError,
    StatusRangeError,
)

VECTORS = Path(__file__).parents[1] / "vectors"
W3C = VECTORS / "w3c-bitstring-status-list-rec-examples"
W3C_LISTS = sorted(
    path for path in W3C.glob("*.json")
    if "BitstringStatusListCredential" in load_json(path)["type"]
)
ONEEDTECH_LIST = VECTORS / "1edtech-validator-ob30/status/bitstring-status-list-credential.json"


def _encoded(path: Path) -> str:
    return load_json(path)["credentialSubject"]["encodedList"]


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_w3c_examples_are_found() -> None:
    assert len(W3C_LISTS) == 2


@pytest.mark.parametrize("path", W3C_LISTS, ids=lambda p: p.name)
def test_w3c_examples_decode_to_131072_zero_bits(path: Path) -> None:
    bits = Bitstring.decode(_encoded(path))
    assert bits.size == 131_072
    assert list(bits.set_indexes()) == []
    assert Bitstring.decode(bits.encode()) == bits


@pytest.mark.parametrize("path", W3C_LISTS, ids=lambda p: p.name)
def test_our_all_zero_list_equals_theirs(path: Path) -> None:
    ours = Bitstring().encode()
    assert Bitstring.decode(ours) == Bitstring.decode(_encoded(path))
    # Deterministic GZIP (mtime 0, level 6) happens to reproduce the REC example byte for byte.
    assert ours == _encoded(path)


def test_1edtech_list_has_only_index_23_set() -> None:
    bits = Bitstring.decode(_encoded(ONEEDTECH_LIST))
    assert bits.size == 131_072
    assert list(bits.set_indexes()) == [23]
    assert bits.get(23) and not bits.get(22) and not bits.get(24)
    assert Bitstring.decode(bits.encode()) == bits


def test_index_0_is_the_most_significant_bit_of_byte_0() -> None:
    bits = Bitstring(16)
    bits.set(0, True)
    bits.set(15, True)
    assert bits.to_bytes() == b"\x80\x01"
    bits.set(0, False)
    assert bits.to_bytes() == b"\x00\x01"


def test_encoding_is_deterministic_and_round_trips() -> None:
    bits = Bitstring()
    for index in (0, 1, 4095, 99_999, MINIMUM_BITS - 1):
        bits.set(index, True)
    assert bits.encode() == bits.encode()
    assert bits.encode().startswith("u")
    decoded = Bitstring.decode(bits.encode())
    assert decoded == bits
    assert list(decoded.set_indexes()) == [0, 1, 4095, 99_999, MINIMUM_BITS - 1]


def test_status_size_above_one() -> None:
    bits = Bitstring(64)
    bits.set_status(3, 0b10, status_size=2)
    bits.set_status(4, 0b11, status_size=2)
    assert bits.get_status(3, status_size=2) == 2
    assert bits.get_status(4, status_size=2) == 3
    assert bits.get_status(5, status_size=2) == 0
    # Entry 3 of size 2 is bits 6 and 7, the most significant first.
    assert list(bits.set_indexes()) == [6, 8, 9]
    with pytest.raises(ValueError, match="does not fit"):
        bits.set_status(0, 4, status_size=2)


def test_size_must_be_a_positive_multiple_of_8() -> None:
    assert Bitstring().size == MINIMUM_BITS
    for size in (0, -8, 12):
        with pytest.raises(ValueError):
            Bitstring(size)
    with pytest.raises(TypeError):
        Bitstring(True)  # type: ignore[arg-type]


def test_values_and_indexes_are_typed() -> None:
    bits = Bitstring(8)
    with pytest.raises(TypeError):
        bits.set(0, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bits.get("0")  # type: ignore[arg-type]


# --- negative block: one test per way decoding or lookup fails -----------------------------


@pytest.mark.parametrize("index", [-1, 131_072, 10**12])
def test_index_out_of_range(index: int) -> None:
    bits = Bitstring()
    with pytest.raises(StatusRangeError) as caught:
        bits.get(index)
    assert caught.value.code == RANGE_ERROR
    assert isinstance(caught.value, IndexError)
    with pytest.raises(StatusRangeError):
        bits.set(index, True)


def test_status_entry_straddling_the_end_is_out_of_range() -> None:
    with pytest.raises(StatusRangeError):
        Bitstring(8).get_status(4, status_size=2)  # bits 8-9 of 8


def test_too_short_list() -> None:
    short = Bitstring(MINIMUM_BITS - 8).encode()
    with pytest.raises(StatusListLengthError) as caught:
        Bitstring.decode(short)
    assert caught.value.code == STATUS_LIST_LENGTH_ERROR
    assert Bitstring.decode(short, minimum_bits=8).size == MINIMUM_BITS - 8


def test_empty_list() -> None:
    with pytest.raises(StatusListLengthError):
        Bitstring.decode(_u(gzip.compress(b"", mtime=0)), minimum_bits=0)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("zH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "'u' prefix"),
        ("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "'u' prefix"),
        ("", "non-empty"),
        ("uH4sI+AAA/", "base64url"),
        ("u" + "A" * 5, "base64url"),
    ],
)
def test_bad_multibase(encoded: str, message: str) -> None:
    with pytest.raises(MalformedStatusError, match=message) as caught:
        Bitstring.decode(encoded)
    assert caught.value.code == MALFORMED_VALUE_ERROR


def test_not_gzip() -> None:
    with pytest.raises(MalformedStatusError, match="not GZIP"):
        Bitstring.decode(_u(bytes(16384)))
    with pytest.raises(MalformedStatusError, match="not GZIP"):
        Bitstring.decode(_u(zlib.compress(bytes(16384))))


def test_corrupt_and_truncated_gzip() -> None:
    good = gzip.compress(bytes(16384), mtime=0)
    with pytest.raises(MalformedStatusError, match="truncated"):
        Bitstring.decode(_u(good[:-12]))
    corrupt = good[:10] + b"\xff\xff\xff" + good[13:]
    with pytest.raises(MalformedStatusError, match="not valid GZIP"):
        Bitstring.decode(_u(corrupt))
    with pytest.raises(MalformedStatusError):
        Bitstring.decode(_u(good + b"trailing junk"))


def test_decompression_bomb_is_refused() -> None:
    bomb = gzip.compress(bytes(17 * 1024 * 1024), compresslevel=1, mtime=0)  # 75 KB -> 17 MB
    with pytest.raises(MalformedStatusError, match="expands beyond"):
        Bitstring.decode(_u(bomb))
    with pytest.raises(MalformedStatusError, match="expands beyond"):
        Bitstring.decode(Bitstring(MINIMUM_BITS * 2).encode(), maximum_bytes=16384)


def test_multi_member_gzip_is_one_list() -> None:
    two = gzip.compress(bytes(8192), mtime=0) + gzip.compress(b"\x01" + bytes(8191), mtime=0)
    bits = Bitstring.decode(_u(two))
    assert list(bits.set_indexes()) == [8192 * 8 + 7]
