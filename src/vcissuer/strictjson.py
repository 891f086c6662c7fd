"""Strict JSON (RFC 8259) for request bodies: one parser, used by every body the service reads.

Python's ``json.loads`` is lenient where RFC 8259 leaves room: a repeated object key keeps the
last value silently (section 4: names "SHOULD be unique"), ``NaN`` and ``Infinity`` are accepted
although the grammar has no such literals (section 6), and a number beyond the range of a
double (``1e400``) becomes infinity (section 6 lets implementations set limits), and an
escaped lone surrogate (``"\\ud800"``) becomes a string no UTF-8 encoder accepts (section
8.2). A signed credential built from such input would not say what its sender meant, or could
not be stored, so :func:`loads_strict` refuses all four, and says where and what:
:class:`JsonInputError` carries the rule broken, a message, and the line and column (1-based)
when the place is known.
"""

from __future__ import annotations

import json
import math
import re
from json.decoder import JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

__all__ = ["JsonInputError", "loads_strict"]


class JsonInputError(ValueError):
    """A body that is not strict JSON. ``rule``: ``json-syntax``, ``utf-8``, ``duplicate-key``,
    ``non-finite-number``, ``lone-surrogate`` or ``nesting``."""

    def __init__(self, rule: str, what: str, *, doc: str = "", pos: int | None = None) -> None:
        self.rule = rule
        self.what = what
        self.line: int | None = None
        self.column: int | None = None
        if pos is not None:
            self.line = doc.count("\n", 0, pos) + 1
            self.column = pos - doc.rfind("\n", 0, pos)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.line is None:
            return self.what
        return f"line {self.line}, column {self.column}: {self.what}"


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
        self.pos: int | None = None


class _NonFiniteError(ValueError):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return document


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NonFiniteError(literal)
    return value


def _constant(literal: str) -> Any:
    raise _NonFiniteError(literal)


# An escaped UTF-16 surrogate: only then can a parsed string hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=_float,
                            parse_constant=_constant)


def loads_strict(raw: bytes | str) -> Any:
    """The JSON value of ``raw`` (UTF-8 when bytes); :class:`JsonInputError` if not strict JSON."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JsonInputError("utf-8", f"byte {error.start} is not UTF-8") from None
    else:
        text = raw
    if text.startswith("\ufeff"):  # RFC 8259 section 8.1: a parser MAY ignore a BOM
        text = text[1:]
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise JsonInputError("json-syntax", error.msg, doc=text, pos=error.pos) from None
    except _DuplicateKeyError as error:
        raise JsonInputError("duplicate-key", f"the key {error.key!r} occurs twice in one "
                                              "object", doc=text, pos=_locate(text)) from None
    except _NonFiniteError as error:
        where = text.find(error.literal)
        raise JsonInputError("non-finite-number",
                             f"{error.literal} is not a finite number",
                             doc=text, pos=where if where >= 0 else None) from None
    except ValueError as error:  # an integer longer than Python converts (sys.int_info)
        raise JsonInputError("json-syntax", str(error)) from None
    except RecursionError:
        raise JsonInputError("nesting", "arrays and objects nest too deeply") from None
    if _SURROGATE_ESCAPE.search(text) and not _encodable(value):
        found = _SURROGATE_ESCAPE.search(text)
        raise JsonInputError("lone-surrogate", "a \\u escape names half of a UTF-16 "
                                               "surrogate pair", doc=text,
                             pos=found.start() if found else None)
    return value


def _encodable(value: Any) -> bool:
    """Every string (key or value) in ``value`` is Unicode text that UTF-8 can encode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _locate(text: str) -> int | None:
    """Where the object holding a repeated key starts: a second, slower parse (errors only)."""
    decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=_float,
                               parse_constant=_constant)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> Any:
        try:
            return JSONObject(s_and_end, *args)
        except _DuplicateKeyError as error:
            if error.pos is None:
                error.pos = s_and_end[1] - 1
            raise

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = py_make_scanner(decoder)
    try:
        decoder.decode(text)
    except _DuplicateKeyError as error:
        return error.pos
    except (ValueError, RecursionError):
        return None
    return None
