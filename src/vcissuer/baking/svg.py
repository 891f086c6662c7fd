"""SVG baking: an ``<openbadges:credential>`` element directly after the root ``<svg>`` tag.

https://www.imsglobal.org/spec/ob/v3p0/#svg-baking — a VC-JWT goes in the ``verify``
attribute, credential JSON in a CDATA section. Untrusted SVG is never given to an XML parser:
a small linear tokenizer finds the root tag and the credential element, skips comments, CDATA,
processing instructions and the DOCTYPE, and expands no entity but the five predefined ones and
character references (so no entity expansion attacks, no external fetches). It does not check
that the rest of the document is well-formed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeVar

from vcissuer.baking.errors import BakingError, NotBakedError
from vcissuer.baking.payload import credential_text, is_compact_jws, parse_credential_text

__all__ = ["MAX_SVG_CHARS", "OB_NAMESPACE", "bake_svg", "unbake_svg"]

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
MAX_SVG_CHARS = 32 * 1024 * 1024
_PREFIX = "openbadges"
_ELEMENT = f"{_PREFIX}:credential"

_XML_SPACE = " \t\r\n"
_WS = re.compile(r"[ \t\r\n]*")
_NAME = re.compile(r"[^\s<>/=\"'!?&;0-9.\-][^\s<>/=\"'&;]*")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6})|([^\s&;<>]{1,32}));|&")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# Inside a DOCTYPE: the characters that can change how far it reaches.
_DOCTYPE_SPECIAL = re.compile(r"<!--|[\"'\[\]>]")

SvgText = TypeVar("SvgText", str, bytes)


class _Attr(NamedTuple):
    name: str
    raw: str
    start: int  # index of the value's first character
    end: int  # index of the closing quote


class _Tag(NamedTuple):
    name: str
    attrs: tuple[_Attr, ...]
    start: int  # index of "<"
    end: int  # index after ">"
    close: int  # index of "/>" or ">"
    empty: bool  # "<x/>"

    def attr(self, name: str) -> _Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


class _Element(NamedTuple):
    tag: _Tag
    content_end: int  # index of the end tag's "<" (== tag.end for an empty element)
    end: int  # index after the end tag


def bake_svg(svg: SvgText, credential: Mapping[str, Any] | str) -> SvgText:
    """``svg`` with the credential baked in; an earlier ``<openbadges:credential>`` is replaced.

    Takes and returns text (``str``), or UTF-8 ``bytes``.
    """
    text = _text(svg)
    payload = credential_text(credential)
    root = _root(text)
    elements = _credential_elements(text, root)
    if is_compact_jws(payload):
        element = f'<{_ELEMENT} verify="{payload}"></{_ELEMENT}>'
    else:
        cdata = payload.replace("]]>", "]]]]><![CDATA[>")
        element = f"<{_ELEMENT}><![CDATA[{cdata}]]></{_ELEMENT}>"
    out = [text[:root.start], _root_tag_with_namespace(text, root), "\n", element]
    if root.empty:
        out.append(f"\n</{root.name}>")
    position = root.end
    for existing in elements:
        out.append(text[position:_line_start(text, existing.tag.start, floor=position)])
        position = existing.end
    out.append(text[position:])
    baked = "".join(out)
    return baked.encode("utf-8") if isinstance(svg, bytes) else baked  # type: ignore[return-value]


def unbake_svg(svg: str | bytes) -> dict[str, Any] | str:
    """The credential of the first ``<openbadges:credential>``: a dict or a compact JWS.

    https://www.imsglobal.org/spec/ob/v3p0/#svg-extracting — the ``verify`` attribute holds a
    VC-JWT; otherwise the element's text (CDATA) is the credential JSON.
    """
    text = _text(svg)
    root = _root(text)
    element = next(iter(_credential_elements(text, root, first_only=True)), None)
    if element is None:
        raise NotBakedError("the SVG has no openbadges:credential element")
    verify = element.tag.attr("verify")
    if verify is not None:
        return parse_credential_text(_unescape(verify.raw))
    return parse_credential_text(_element_text(text, element.tag.end, element.content_end))


def _text(svg: str | bytes) -> str:
    if isinstance(svg, bytes):
        try:
            svg = svg.decode("utf-8")
        except UnicodeDecodeError:
            raise BakingError("the SVG is not UTF-8") from None
    if not isinstance(svg, str):
        raise TypeError("svg must be str or bytes")
    if len(svg) > MAX_SVG_CHARS:
        raise BakingError("the SVG is too large")
    return svg


def _skip_ws(text: str, position: int) -> int:
    match = _WS.match(text, position)
    return match.end() if match else position


def _skip(text: str, start: int, terminator: str, what: str) -> int:
    end = text.find(terminator, start)
    if end < 0:
        raise BakingError(f"malformed SVG: unterminated {what}")
    return end + len(terminator)


def _skip_doctype(text: str, position: int) -> int:
    """The index after a DOCTYPE, internal subset and quoted literals included."""
    in_subset = False
    while True:
        match = _DOCTYPE_SPECIAL.search(text, position)
        if match is None:
            raise BakingError("malformed SVG: unterminated DOCTYPE")
        mark, position = match.group(), match.end()
        if mark == "<!--":
            position = _skip(text, position, "-->", "comment")
        elif mark in ("\"", "'"):
            position = _skip(text, position, mark, "DOCTYPE literal")
        elif mark == "[":
            in_subset = True
        elif mark == "]":
            in_subset = False
        elif not in_subset:  # ">"
            return position


def _root(text: str) -> _Tag:
    """The root element's start tag, after the XML declaration, comments, PIs and DOCTYPE."""
    position = 1 if text.startswith("\ufeff") else 0
    while True:
        position = _skip_ws(text, position)
        if text.startswith("<?", position):
            position = _skip(text, position + 2, "?>", "processing instruction")
        elif text.startswith("<!--", position):
            position = _skip(text, position + 4, "-->", "comment")
        elif text.startswith("<!DOCTYPE", position):
            position = _skip_doctype(text, position + 9)
        elif text.startswith("<", position) and _NAME.match(text, position + 1):
            tag = _start_tag(text, position)
            if tag.name.rpartition(":")[2] != "svg":
                raise BakingError(f"the root element is <{tag.name}>, not <svg>")
            return tag
        else:
            raise BakingError("not an SVG document: no root <svg> element")


def _start_tag(text: str, position: int) -> _Tag:
    """Parse the start tag at ``text[position] == "<"``; linear, quotes may hold ">"."""
    name_match = _NAME.match(text, position + 1)
    if name_match is None:
        raise BakingError("malformed SVG: bad element name")
    cursor, attrs = name_match.end(), []
    while True:
        after_space = _skip_ws(text, cursor)
        if text.startswith("/>", after_space):
            return _Tag(name_match.group(), tuple(attrs), position, after_space + 2,
                        after_space, True)
        if text.startswith(">", after_space):
            return _Tag(name_match.group(), tuple(attrs), position, after_space + 1,
                        after_space, False)
        attr_match = _NAME.match(text, after_space)
        if after_space == cursor or attr_match is None:
            raise BakingError(f"malformed SVG: bad attribute in <{name_match.group()}>")
        equals = _skip_ws(text, attr_match.end())
        if not text.startswith("=", equals):
            raise BakingError(f"malformed SVG: attribute without value in <{name_match.group()}>")
        quote_at = _skip_ws(text, equals + 1)
        quote = text[quote_at:quote_at + 1]
        if quote not in ('"', "'"):
            raise BakingError(f"malformed SVG: unquoted attribute in <{name_match.group()}>")
        closing = text.find(quote, quote_at + 1)
        if closing < 0 or "<" in text[quote_at + 1:closing]:
            raise BakingError(f"malformed SVG: unterminated attribute in <{name_match.group()}>")
        attrs.append(_Attr(attr_match.group(), text[quote_at + 1:closing], quote_at + 1, closing))
        cursor = closing + 1


def _credential_names(root: _Tag) -> set[str]:
    """``openbadges:credential``, and ``p:credential`` for any prefix p the root binds to OB."""
    names = {_ELEMENT}
    for attr in root.attrs:
        if attr.name.startswith("xmlns:") and _unescape(attr.raw) == OB_NAMESPACE:
            names.add(f"{attr.name[6:]}:credential")
    return names


def _credential_elements(text: str, root: _Tag, *, first_only: bool = False) -> list[_Element]:
    """Every credential element after the root start tag, in document order.

    Only comments, CDATA sections, processing instructions and credential start tags matter
    (``<`` cannot occur inside attribute values), so one C-speed regex search finds each.
    """
    names = "|".join(re.escape(name) for name in sorted(_credential_names(root)))
    markup = re.compile(rf"<!--|<!\[CDATA\[|<\?|<(?:{names})(?=[ \t\r\n/>])")
    found: list[_Element] = []
    position = root.end
    while (match := markup.search(text, position)) is not None:
        found_markup = match.group()
        if found_markup == "<!--":
            position = _skip(text, match.end(), "-->", "comment")
        elif found_markup == "<![CDATA[":
            position = _skip(text, match.end(), "]]>", "CDATA section")
        elif found_markup == "<?":
            position = _skip(text, match.end(), "?>", "processing instruction")
        else:
            element = _close(text, _start_tag(text, match.start()))
            found.append(element)
            if first_only:
                break
            position = element.end
    return found


def _close(text: str, tag: _Tag) -> _Element:
    """The element that ``tag`` opens, up to its end tag (not one quoted in CDATA or a comment)."""
    if tag.empty:
        return _Element(tag, tag.end, tag.end)
    end_tag = re.compile(rf"<!\[CDATA\[|<!--|</{re.escape(tag.name)}[ \t\r\n]*>")
    position = tag.end
    while (match := end_tag.search(text, position)) is not None:
        if match.group() == "<![CDATA[":
            position = _skip(text, match.end(), "]]>", "CDATA section")
        elif match.group() == "<!--":
            position = _skip(text, match.end(), "-->", "comment")
        else:
            return _Element(tag, match.start(), match.end())
    raise BakingError(f"malformed SVG: <{tag.name}> is never closed")


def _element_text(text: str, start: int, end: int) -> str:
    """Character data of an element: text (references expanded) and CDATA; no child elements."""
    parts: list[str] = []
    position = start
    while position < end:
        markup = text.find("<", position, end)
        if markup < 0:
            parts.append(_unescape(text[position:end]))
            break
        parts.append(_unescape(text[position:markup]))
        if text.startswith("<![CDATA[", markup):
            close = text.find("]]>", markup + 9, end)
            if close < 0:
                raise BakingError("malformed SVG: unterminated CDATA section")
            parts.append(text[markup + 9:close])
            position = close + 3
        elif text.startswith("<!--", markup):
            close = text.find("-->", markup + 4, end)
            if close < 0:
                raise BakingError("malformed SVG: unterminated comment")
            position = close + 3
        else:
            raise BakingError("unexpected markup inside openbadges:credential")
    return "".join(parts)


def _unescape(value: str) -> str:
    """Expand character references and the five predefined entities; refuse any other."""
    def replace(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        if decimal or hexadecimal:
            code = int(decimal) if decimal else int(hexadecimal, 16)
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise BakingError("malformed SVG: invalid character reference")
            return chr(code)
        if name in _PREDEFINED:
            return _PREDEFINED[name]
        if name:
            raise BakingError(f"the SVG uses entity &{name}; which is never expanded")
        raise BakingError("malformed SVG: bare '&'")

    return _REFERENCE.sub(replace, value) if "&" in value else value


def _root_tag_with_namespace(text: str, root: _Tag) -> str:
    """The root start tag declaring ``xmlns:openbadges``; an ``<svg/>`` is opened."""
    raw = text[root.start:root.close]
    declared = root.attr(f"xmlns:{_PREFIX}")
    if declared is None:
        raw = raw.rstrip(_XML_SPACE) + f' xmlns:{_PREFIX}="{OB_NAMESPACE}"'
    elif _unescape(declared.raw) != OB_NAMESPACE:
        offset = root.start
        raw = raw[:declared.start - offset] + OB_NAMESPACE + raw[declared.end - offset:]
    return raw + ">"


def _line_start(text: str, position: int, *, floor: int) -> int:
    """Where to cut before a removed element: back over its indentation and line break."""
    start = position
    while start > floor and text[start - 1] in " \t":
        start -= 1
    if start > floor and text[start - 1] == "\n":
        start -= 1
        if start > floor and text[start - 1] == "\r":
            start -= 1
    return start
