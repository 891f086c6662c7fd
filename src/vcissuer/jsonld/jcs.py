"""JSON Canonicalization Scheme (JCS), RFC 8785: https://www.rfc-editor.org/rfc/rfc8785

What eddsa-jcs-2022 hashes instead of RDFC-1.0 N-Quads. Three rules (RFC 8785 section 3.2):
no whitespace; object members sorted by their names as arrays of UTF-16 code units; strings
and numbers serialized as ECMAScript's ``JSON.stringify`` does (numbers by
``Number.prototype.toString``, strings with only the mandatory escapes). Input must be I-JSON
(RFC 7493): no NaN or infinities, no lone surrogates; numbers are IEEE 754 doubles.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["JcsError", "jcs_canonicalize", "serialize_number"]


class JcsError(ValueError):
    """The value cannot be canonicalized (not I-JSON, or not JSON at all)."""


# json's own string encoder with ensure_ascii=False escapes exactly what RFC 8785 section
# 3.2.2.2 asks: '"', '\\', \b \f \n \r \t, other controls as \u00xx (lower-case hex).
_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _utf16_key(name: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly like the sequence of 16-bit code units.
    return name.encode("utf-16-be", "surrogatepass")


def serialize_number(value: float | int) -> str:
    """ECMAScript Number::toString of ``value`` as an IEEE 754 double (ECMA-262 section
    6.1.6.1.20; RFC 8785 section 3.2.2.3)."""
    try:
        number = float(value)
    except OverflowError:
        raise JcsError(f"number {value} is too large for an IEEE 754 double") from None
    if math.isnan(number) or math.isinf(number):
        raise JcsError("NaN and Infinity are not JSON numbers")
    if number == 0:
        return "0"  # also -0
    if number < 0:
        return "-" + serialize_number(-number)
    # repr() gives the shortest digits that round-trip, choosing the closest when several do:
    # the same digits ECMAScript picks (its step 5 and the note on the tie rule).
    sign, digit_tuple, exponent = Decimal(repr(number)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int) and not sign
    k = len(digits)
    # value = 0.<digits> x 10^n
    n = exponent + len(digit_tuple)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, int | float):
        out.append(serialize_number(value))
    elif isinstance(value, Mapping):
        names = list(value)
        if not all(isinstance(name, str) for name in names):
            raise JcsError("object member names must be strings")
        out.append("{")
        for i, name in enumerate(sorted(names, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_encode_string(name))
            out.append(":")
            _write(value[name], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise JcsError(f"{type(value).__name__} is not a JSON value")


def jcs_canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical form of a JSON value (as parsed by :func:`json.loads`), UTF-8."""
    out: list[str] = []
    _write(value, out)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        raise JcsError("a string contains a lone surrogate (not I-JSON)") from None
