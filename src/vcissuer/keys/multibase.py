"""Multibase: base58btc (``z``) and base64url without padding (``u``).

https://www.w3.org/TR/cid-1.0/#multibase-0 — error messages never echo the input, since the
input may be secret key material.
"""

from __future__ import annotations

import base64
import re
from typing import Literal

from vcissuer.errors import MALFORMED_VALUE_ERROR, VcError

__all__ = [
    "BASE58BTC_ALPHABET",
    "MultibaseError",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "multibase_decode",
    "multibase_encode",
]

BASE58BTC_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58BTC_ALPHABET)}
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")

MultibasePrefix = Literal["z", "u"]


class MultibaseError(VcError, ValueError):
    """A string that is not valid multibase, base58btc or base64url."""

    code = MALFORMED_VALUE_ERROR


_DIGITS_PER_CHUNK = 10  # 58**10 < 2**64: big-integer divisions once per ten digits
_CHUNK = 58**_DIGITS_PER_CHUNK


def base58btc_encode(data: bytes) -> str:
    """Bitcoin base58: each leading zero byte becomes a leading ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, chunk = divmod(number, _CHUNK)
        for _ in range(_DIGITS_PER_CHUNK):
            chunk, remainder = divmod(chunk, 58)
            digits.append(BASE58BTC_ALPHABET[remainder])
    # The most significant chunk was padded with zero digits ("1"): drop them.
    return "1" * zeros + "".join(reversed(digits)).lstrip("1")


def base58btc_decode(text: str) -> bytes:
    """Inverse of :func:`base58btc_encode`; :class:`MultibaseError` on a foreign character."""
    number = 0
    start = len(text) % _DIGITS_PER_CHUNK or min(_DIGITS_PER_CHUNK, len(text))
    for begin, end in [(0, start)] + [(i, i + _DIGITS_PER_CHUNK)
                                      for i in range(start, len(text), _DIGITS_PER_CHUNK)]:
        chunk = 0
        for position in range(begin, end):
            value = _BASE58_INDEX.get(text[position])
            if value is None:
                raise MultibaseError(f"invalid base58btc character at position {position}")
            chunk = chunk * 58 + value
        number = number * 58 ** (end - begin) + chunk
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def base64url_encode(data: bytes) -> str:
    """base64url without ``=`` padding (RFC 4648 section 5, as JOSE and multibase ``u`` use it)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Strict inverse of :func:`base64url_encode`: no padding, no other alphabet, canonical bits."""
    if not isinstance(text, str) or not _BASE64URL.match(text):
        raise MultibaseError("invalid base64url: only A-Z a-z 0-9 - _ without padding are allowed")
    if len(text) % 4 == 1:
        raise MultibaseError("invalid base64url: impossible length")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # Unused trailing bits must be zero, so every byte string has exactly one encoding.
    if base64url_encode(data) != text:
        raise MultibaseError("invalid base64url: non-canonical trailing bits")
    return data


def multibase_encode(data: bytes, base: MultibasePrefix = "z") -> str:
    """Multibase-encode ``data``: ``z`` base58btc (the default) or ``u`` base64url-no-pad."""
    if base == "z":
        return "z" + base58btc_encode(data)
    if base == "u":
        return "u" + base64url_encode(data)
    raise ValueError("multibase base must be 'z' (base58btc) or 'u' (base64url)")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string."""
    if not isinstance(text, str) or not text:
        raise MultibaseError("a multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        return base64url_decode(body)
    raise MultibaseError("unsupported multibase prefix (expected 'z' base58btc or 'u' base64url)")
