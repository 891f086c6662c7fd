"""JSON Canonicalization Scheme, RFC 8785 (https://www.rfc-editor.org/rfc/rfc8785)."""

from __future__ import annotations

import json
import struct

import pytest

from vcissuer.jsonld.jcs import JcsError, jcs_canonicalize, serialize_number

# RFC 8785 Appendix B: IEEE 754 double (hex) -> ECMAScript serialization.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_appendix_b_numbers(bits: str, expected: str) -> None:
    """RFC 8785 section 3.2.2.3 and Appendix B."""
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert serialize_number(value) == expected


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinity_are_errors(bits: str) -> None:
    """RFC 8785 Appendix B: NaN and Infinity are not serializable."""
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    with pytest.raises(JcsError):
        serialize_number(value)


@pytest.mark.parametrize(("value", "expected"), [
    (0, "0"), (1, "1"), (-1, "-1"), (10, "10"), (1.0, "1"), (1.5, "1.5"), (100.0, "100"),
    (1e20, "100000000000000000000"), (1e21, "1e+21"), (123e-7, "0.0000123"),
    (1e-7, "1e-7"), (1.25e-7, "1.25e-7"), (0.1, "0.1"), (-0.0, "0"), (2**53, "9007199254740992"),
    # Integers beyond 2^53 become the nearest double, as a JavaScript parser reads them.
    (2**53 + 1, "9007199254740992"), (10**21, "1e+21"), (123456789012345678901, "123456789012345680000"),
])
def test_more_numbers(value: float, expected: str) -> None:
    assert serialize_number(value) == expected


def test_huge_integer_is_an_error() -> None:
    with pytest.raises(JcsError):
        serialize_number(10**400)


def test_section_3_2_4_example() -> None:
    """RFC 8785 section 3.2.4 (the primitive data types example), parsed from its JSON text."""
    text = r"""{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"""
    expected = (r'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,'
                r'1e-27],"string":"€$\u000f\nA' + "'" + r'B\"\\\\\"/"}')
    assert jcs_canonicalize(json.loads(text)).decode("utf-8") == expected


def test_section_3_2_3_sorting() -> None:
    """RFC 8785 section 3.2.3: member names sorted as UTF-16 code units, not code points (the
    emoji's surrogate pair D83D DE00 sorts before U+FB33)."""
    text = r"""{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"""
    canonical = json.loads(jcs_canonicalize(json.loads(text)))
    assert list(canonical.values()) == [
        "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
        "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"]


def test_strings_escape_only_what_json_requires() -> None:
    """RFC 8785 section 3.2.2.2: short escapes for \\b \\t \\n \\f \\r, \\u00xx (lower case) for
    other controls, no escaping of DEL, non-ASCII or '/'."""
    value = "\b\t\n\f\r\x00\x1f\x7f/é€😀\u2028"
    assert jcs_canonicalize(value) == ('"\\b\\t\\n\\f\\r\\u0000\\u001f\x7f/é€😀\u2028"'
                                       ).encode("utf-8")


def test_whitespace_and_nesting() -> None:
    value = {"b": [1, {"d": True, "c": None}], "a": {}, "": []}
    assert jcs_canonicalize(value) == b'{"":[],"a":{},"b":[1,{"c":null,"d":true}]}'


def test_lone_surrogate_is_an_error() -> None:
    with pytest.raises(JcsError, match="surrogate"):
        jcs_canonicalize({"x": "\ud800"})


def test_non_json_values_are_errors() -> None:
    with pytest.raises(JcsError):
        jcs_canonicalize({"x": object()})
    with pytest.raises(JcsError):
        jcs_canonicalize({1: "x"})
    with pytest.raises(JcsError):
        jcs_canonicalize(float("nan"))
