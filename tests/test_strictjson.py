"""The strict JSON parser of request bodies (RFC 8259), on its own."""

from __future__ import annotations

import pytest

from vcissuer.strictjson import JsonInputError, loads_strict


@pytest.mark.parametrize(("raw", "value"), [
    (b'{"a": [1, 2.5, -0, true, null, "x"]}', {"a": [1, 2.5, 0, True, None, "x"]}),
    ('{"emoji": "\\ud83d\\ude00"}', {"emoji": "\U0001f600"}),  # a surrogate pair is fine
    ("\ufeff{}".encode(), {}),  # RFC 8259 section 8.1: a parser MAY ignore a BOM
    (b"1.7976931348623157e308", 1.7976931348623157e308),  # the largest double
    (b'{"a": {"b": 1}, "b": {"b": 2}}', {"a": {"b": 1}, "b": {"b": 2}}),  # one key per object
])
def test_strict_json_is_still_json(raw: bytes | str, value: object) -> None:
    assert loads_strict(raw) == value


@pytest.mark.parametrize(("raw", "rule", "line", "column"), [
    (b'{"a": 1, "a": 1}', "duplicate-key", 1, 1),
    (b'[{}, {"b": 1,\n"c": 2, "b": 3}]', "duplicate-key", 1, 6),
    (b"[1e400]", "non-finite-number", 1, 2),
    (b"[-1e400]", "non-finite-number", 1, 2),
    (b"[Infinity]", "non-finite-number", 1, 2),
    (b'{"x":\n\n  NaN}', "non-finite-number", 3, 3),
    (b'["\\ud800"]', "lone-surrogate", 1, 3),
    (b'{"a" 1}', "json-syntax", 1, 6),
    (b"", "json-syntax", 1, 1),
    (b"\xc3\x28", "utf-8", None, None),
    (b"9" * 5000, "json-syntax", None, None),  # longer than Python converts (sys.int_info)
    (b"[" * 100_000, "nesting", None, None),
])
def test_what_is_refused_and_where(raw: bytes, rule: str, line: int | None,
                                   column: int | None) -> None:
    with pytest.raises(JsonInputError) as caught:
        loads_strict(raw)
    assert (caught.value.rule, caught.value.line, caught.value.column) == (rule, line, column)
    assert caught.value.message
