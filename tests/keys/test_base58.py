"""base58btc (chunked big-integer arithmetic) against the textbook digit-by-digit algorithm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer.keys.multibase import (
    BASE58BTC_ALPHABET,
    MultibaseError,
    base58btc_decode,
    base58btc_encode,
)


def textbook(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number, digits = int.from_bytes(data, "big"), []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58BTC_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


@settings(max_examples=500)
@given(st.binary(max_size=130) | st.builds(lambda n, tail: b"\0" * n + tail,
                                           st.integers(0, 12), st.binary(max_size=40)))
def test_encode_matches_the_textbook_and_round_trips(data: bytes) -> None:
    assert base58btc_encode(data) == textbook(data)
    assert base58btc_decode(base58btc_encode(data)) == data


def test_a_foreign_character_is_named_by_position() -> None:
    with pytest.raises(MultibaseError, match="position 12"):
        base58btc_decode("z6MkhaXgBZDvo0tDkL5257faiztiGiC2QtKLGpbnnEGta2doK"[1:])
