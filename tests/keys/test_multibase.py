"""Multibase, base58btc and base64url: known values, round trips, and every way decoding fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcissuer.errors import VcError
from vcissuer.keys.multibase import (
    MultibaseError,
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
)


@pytest.mark.parametrize(("data", "text"), [
    (b"", ""),
    (b"\0", "1"),
    (b"\0\0\x01", "112"),
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
])
def test_base58btc_known_values(data: bytes, text: str) -> None:
    assert base58btc_encode(data) == text
    assert base58btc_decode(text) == data


@given(st.binary(max_size=80))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


@given(st.binary(max_size=80))
def test_base64url_round_trip(data: bytes) -> None:
    text = base64url_encode(data)
    assert "=" not in text
    assert base64url_decode(text) == data


@given(st.binary(max_size=80), st.sampled_from(["z", "u"]))
def test_multibase_round_trip(data: bytes, base: str) -> None:
    encoded = multibase_encode(data, base=base)  # type: ignore[arg-type]
    assert encoded[0] == base
    assert multibase_decode(encoded) == data


def test_multibase_known_values() -> None:
    assert multibase_encode(b"yes mani !", base="z") == "z7paNL19xttacUY"
    assert multibase_encode(b"yes mani !", base="u") == "ueWVzIG1hbmkgIQ"


def test_multibase_error_is_a_vc_error_and_a_value_error() -> None:
    with pytest.raises(MultibaseError) as caught:
        multibase_decode("x123")
    assert isinstance(caught.value, VcError)
    assert isinstance(caught.value, ValueError)


# --- every way decoding fails --------------------------------------------------------------

@pytest.mark.parametrize("text", ["0abc", "Oabc", "Iabc", "labc", "ab+c", "ab c", "abç"])
def test_base58btc_rejects_foreign_characters(text: str) -> None:
    with pytest.raises(MultibaseError, match="position"):
        base58btc_decode(text)


@pytest.mark.parametrize(("text", "why"), [
    ("YQ==", "padding"),
    ("ab+c", "alphabet"),
    ("ab/c", "alphabet"),
    ("ab c", "alphabet"),
    ("a", "length"),
    ("YR", "non-canonical"),  # 'a' is YQ; YR sets unused bits
])
def test_base64url_rejects(text: str, why: str) -> None:
    with pytest.raises(MultibaseError):
        base64url_decode(text)


@pytest.mark.parametrize("text", ["", "m", "f00", "Bxyz", "Z123"])
def test_multibase_rejects_unknown_or_missing_prefix(text: str) -> None:
    with pytest.raises(MultibaseError):
        multibase_decode(text)


def test_multibase_rejects_non_strings() -> None:
    with pytest.raises(MultibaseError):
        multibase_decode(b"z123")  # type: ignore[arg-type]


def test_multibase_encode_rejects_unknown_base() -> None:
    with pytest.raises(ValueError, match="'z'"):
        multibase_encode(b"x", base="f")  # type: ignore[arg-type]


def test_errors_do_not_echo_the_input() -> None:
    secret = "zSECRET0SECRET"
    with pytest.raises(MultibaseError) as caught:
        multibase_decode(secret)
    assert "SECRET" not in str(caught.value)
