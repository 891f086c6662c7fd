"""Multibase: base58btc (``z``) and base64url without padding (``u``).

https://www.w3.org/TR/cid-1.0/#multibase-0 — error messages never echo the input, since the
input may be secret key material.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Literal

from vcissuer.errors import MALFORMED_VALUE_ERROR, VcError

__all__ = [
    "BASE58BTC_ALPHABET",
    "MAX_MULTIBASE_CHARS",
    "MultibaseError",
    "base58btc_max_chars",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "multibase_decode",
    "multibase_encode",
]

BASE58BTC_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# byte -> digit value, 0xff for a byte outside the alphabet (non-ASCII text becomes "?").
_BASE58_DIGITS = bytes(BASE58BTC_ALPHABET.find(chr(byte)) & 0xFF for byte in range(256))
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")

MultibasePrefix = Literal["z", "u"]


class MultibaseError(VcError, ValueError):
    """A string that is not valid multibase, base58btc or base64url."""

    code = MALFORMED_VALUE_ERROR


_DIGITS_PER_CHUNK = 10  # 58**10 < 2**64: big-integer divisions once per ten digits
_CHUNK = 58**_DIGITS_PER_CHUNK
_LEAF_DIGITS = 200  # below this, chunk by chunk; above, halves (Karatsuba)
_BASE58_DIGITS_PER_BYTE = math.log(256) / math.log(58)
# Multibase values here are keys and signatures (at most a few hundred bytes; RSA keys
# travel as JWKs). Longer text is refused before decoding, whatever the caller allows.
MAX_MULTIBASE_CHARS = 4096


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


def base58btc_max_chars(size: int) -> int:
    """The longest base58btc text of a ``size``-byte value: each leading zero byte is one
    ``1``, every other byte at most log(256)/log(58) digits."""
    return math.ceil(size * _BASE58_DIGITS_PER_BYTE)


def base58btc_decode(text: str, *, max_bytes: int | None = None) -> bytes:
    """Inverse of :func:`base58btc_encode`; :class:`MultibaseError` on a foreign character.

    The length is checked before any arithmetic: text longer than a ``max_bytes`` value can
    take (or, without ``max_bytes``, longer than :data:`MAX_MULTIBASE_CHARS`) is refused at
    once. Decoding splits the digits in halves, so long text costs Karatsuba multiplications,
    not one pass of big-integer arithmetic per digit.
    """
    limit = MAX_MULTIBASE_CHARS if max_bytes is None else base58btc_max_chars(max_bytes)
    if len(text) > limit:
        raise MultibaseError(_too_long("base58btc", len(text), limit, max_bytes))
    digits = text.encode("ascii", "replace").translate(_BASE58_DIGITS) if text else b""
    foreign = digits.find(b"\xff")
    if foreign >= 0:
        raise MultibaseError(f"invalid base58btc character at position {foreign}")
    number = _base58_value(digits, 0, len(digits), {})
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    if max_bytes is not None and zeros + len(body) > max_bytes:
        raise MultibaseError(f"base58btc value decodes to {zeros + len(body)} bytes, more "
                             f"than {max_bytes}")
    return b"\0" * zeros + body


def _base58_value(digits: bytes, begin: int, end: int, powers: dict[int, int]) -> int:
    """The number the base58 digit values ``digits[begin:end]`` spell."""
    if end - begin > _LEAF_DIGITS:
        middle = (begin + end) // 2
        low_digits = end - middle
        power = powers.get(low_digits)
        if power is None:
            power = powers[low_digits] = 58**low_digits
        return (_base58_value(digits, begin, middle, powers) * power
                + _base58_value(digits, middle, end, powers))
    number = 0
    start = begin + ((end - begin) % _DIGITS_PER_CHUNK or _DIGITS_PER_CHUNK)
    chunk = 0
    for value in digits[begin:start]:
        chunk = chunk * 58 + value
    number = chunk
    for first in range(start, end, _DIGITS_PER_CHUNK):
        chunk = 0
        for value in digits[first:first + _DIGITS_PER_CHUNK]:
            chunk = chunk * 58 + value
        number = number * _CHUNK + chunk
    return number


def _too_long(kind: str, length: int, limit: int, max_bytes: int | None) -> str:
    if max_bytes is None:
        return f"{kind} value of {length} characters; at most {limit} are decoded"
    return (f"{kind} value of {length} characters; a value of at most {max_bytes} bytes "
            f"takes at most {limit}")


def base64url_encode(data: bytes) -> str:
    """base64url without ``=`` padding (RFC 4648 section 5, as JOSE and multibase ``u`` use it)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str, *, max_bytes: int | None = None) -> bytes:
    """Strict inverse of :func:`base64url_encode`: no padding, no other alphabet, canonical bits.

    With ``max_bytes``, text longer than such a value takes is refused before decoding."""
    if max_bytes is not None and isinstance(text, str) and len(text) > -(-max_bytes * 4 // 3):
        raise MultibaseError(_too_long("base64url", len(text), -(-max_bytes * 4 // 3),
                                       max_bytes))
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


def multibase_decode(text: str, *, max_bytes: int | None = None) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string; with ``max_bytes``,
    a value longer than that is refused before it is decoded."""
    if not isinstance(text, str) or not text:
        raise MultibaseError("a multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58btc_decode(body, max_bytes=max_bytes)
    if prefix == "u":
        if max_bytes is None and len(body) > MAX_MULTIBASE_CHARS:
            raise MultibaseError(_too_long("base64url", len(body), MAX_MULTIBASE_CHARS, None))
        return base64url_decode(body, max_bytes=max_bytes)
    raise MultibaseError("unsupported multibase prefix (expected 'z' base58btc or 'u' base64url)")
