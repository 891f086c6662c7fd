"""Checking an uploaded badge image before it is stored and served from our own origin.

A PNG is checked by its signature and every chunk (length, CRC, IHDR first, IEND last), and its
dimensions are read from IHDR (PNG 1.2 section 11.2.2). An SVG is parsed by expat with any
DOCTYPE internal subset, entity declaration or reference, and processing instruction refused
(so no entity expansion; an external DTD is never read), and refused when it could run
script or load anything from elsewhere: a ``script``/``foreignObject``/HTML element, an
``on*`` event attribute, an ``href`` that is not a same-document ``#fragment``, a CSS ``url()``
that is not ``#fragment``, ``@import``, or an animation that targets ``href`` or an event
attribute. Refused, not rewritten: what is served
is exactly the bytes that were checked.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from xml.parsers import expat

from vcissuer.baking.errors import BakingError
from vcissuer.baking.png import PNG_SIGNATURE, _chunks

__all__ = ["MAX_IMAGE_BYTES", "ImageInfo", "UnsafeImage", "inspect_image"]

MAX_IMAGE_BYTES = 256 * 1024
MAX_DIMENSION = 8192
SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_SEP = "\x1f"  # expat's namespace separator: "<namespace>\x1f<local name>"
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler",
                       "listener", "audio", "video", "canvas", "link", "meta", "base"}
_ANIMATIONS = {"animate", "set", "animatemotion", "animatetransform", "animatecolor"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_DIMENSION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")


class UnsafeImage(BakingError):  # noqa: N818 - read as an outcome
    """An image we will not serve; ``rule`` names what it broke."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class ImageInfo:
    media_type: Literal["image/png", "image/svg+xml"]
    width: int | None
    height: int | None

    @property
    def extension(self) -> str:
        return "png" if self.media_type == "image/png" else "svg"


def inspect_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES) -> ImageInfo:
    """What ``data`` is (PNG or SVG) and its size; UnsafeImage when it is not fit to serve."""
    if not isinstance(data, bytes):
        raise TypeError("image data must be bytes")
    if not data:
        raise UnsafeImage("empty", "the image is empty")
    if len(data) > max_bytes:
        raise UnsafeImage("max-size", f"the image is larger than {max_bytes // 1024} KiB")
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    return _svg(data)


# --- PNG -------------------------------------------------------------------------------------

def _png(data: bytes) -> ImageInfo:
    try:
        chunks = list(_chunks(data))
    except BakingError as error:
        raise UnsafeImage("png", str(error)) from None
    if chunks[-1].type != b"IEND":
        raise UnsafeImage("png", "the PNG has no IEND chunk")
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0].data[:10])
    if not (0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION):
        raise UnsafeImage("png-dimensions",
                          f"the PNG must be 1 to {MAX_DIMENSION} pixels wide and high")
    if colour not in (0, 2, 3, 4, 6) or depth not in (1, 2, 4, 8, 16):
        raise UnsafeImage("png", "the PNG header has an invalid colour type or bit depth")
    if not any(chunk.type == b"IDAT" for chunk in chunks):
        raise UnsafeImage("png", "the PNG has no image data (IDAT)")
    return ImageInfo("image/png", width, height)


# --- SVG -------------------------------------------------------------------------------------

def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEP)
    return namespace, local


def _is_fragment(value: str) -> bool:
    return value.strip().startswith("#")


class _SvgCheck:
    def __init__(self) -> None:
        self.root: tuple[str, dict[str, str]] | None = None
        self.depth = 0
        self.in_style = 0
        self.style_text: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, local = _local(name)
        lowered = local.lower()
        if self.root is None:
            if namespace != SVG_NS or local != "svg":
                raise UnsafeImage("svg-root", "the root element must be <svg> in the SVG "
                                              "namespace")
            self.root = (name, attrs)
        if namespace == XHTML_NS or lowered in _FORBIDDEN_ELEMENTS:
            raise UnsafeImage("svg-element", f"<{local}> elements are not allowed")
        if lowered in _ANIMATIONS:
            target = attrs.get("attributeName", "").strip().lower().rpartition(":")[2]
            if target in ("href", "style") or target.startswith("on"):
                raise UnsafeImage("svg-animation", f"<{local}> may not animate {target!r}")
        for attr, value in attrs.items():
            _, attr_local = _local(attr)
            self._attribute(local, attr_local.lower(), value)
        if lowered == "style":
            self.in_style += 1
        self.depth += 1

    def _attribute(self, element: str, name: str, value: str) -> None:
        if name.startswith("on"):
            raise UnsafeImage("svg-event-handler", f"event attribute {name!r} on <{element}> "
                                                   "is not allowed")
        if name in ("href", "src", "action", "formaction") and not _is_fragment(value):
            raise UnsafeImage("svg-external-reference",
                              f"{name} on <{element}> must be a #fragment of this image")
        if "javascript:" in value.lower().replace(" ", ""):
            raise UnsafeImage("svg-script", f"attribute {name!r} on <{element}> holds script")
        _check_css(value, where=f"attribute {name!r} on <{element}>", style=name == "style")

    def end(self, name: str) -> None:
        if _local(name)[1].lower() == "style":
            self.in_style -= 1
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.in_style:
            self.style_text.append(data)


def _check_css(text: str, *, where: str, style: bool = True) -> None:
    lowered = text.lower()
    if "@import" in lowered or "expression(" in lowered:
        raise UnsafeImage("svg-external-reference", f"{where}: CSS @import is not allowed")
    if style and "\\" in text:  # CSS escapes could spell url( or @import
        raise UnsafeImage("svg-external-reference", f"{where}: escaped CSS is not allowed")
    for match in _CSS_URL.finditer(text):
        if not _is_fragment(match.group(2)):
            raise UnsafeImage("svg-external-reference",
                              f"{where}: CSS url() must be a #fragment of this image")
    if "url(" in lowered and not _CSS_URL.search(text):
        raise UnsafeImage("svg-external-reference", f"{where}: malformed CSS url()")


def _refuse(rule: str, message: str) -> Callable[..., None]:
    def handler(*_args: object) -> None:
        raise UnsafeImage(rule, message)
    return handler


def _doctype(_name: str, _system_id: str | None, _public_id: str | None,
             has_internal_subset: int) -> None:
    """A bare DOCTYPE (editors write SVG 1.1's) is harmless: the external DTD is never read.
    An internal subset could declare entities: refused."""
    if has_internal_subset:
        raise UnsafeImage("svg-doctype", "a DOCTYPE with an internal subset is not allowed")


def _svg(data: bytes) -> ImageInfo:
    check = _SvgCheck()
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.StartElementHandler = check.start
    parser.EndElementHandler = check.end
    parser.CharacterDataHandler = check.text
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _refuse("svg-doctype", "entity declarations are not allowed")
    parser.SkippedEntityHandler = _refuse("svg-doctype", "entity references are not allowed")
    parser.ExternalEntityRefHandler = _refuse("svg-doctype", "external entities are not allowed")
    parser.ProcessingInstructionHandler = _refuse(
        "svg-processing-instruction", "processing instructions (e.g. xml-stylesheet) are not "
                                      "allowed")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise UnsafeImage("svg-syntax", f"neither a PNG nor well-formed SVG: "
                                        f"{expat.ErrorString(error.code)}") from None
    if check.root is None:
        raise UnsafeImage("svg-root", "the image is neither a PNG nor an SVG")
    _check_css("".join(check.style_text), where="<style>", style=True)
    attrs = check.root[1]
    return ImageInfo("image/svg+xml", _dimension(attrs.get("width")),
                     _dimension(attrs.get("height")))


def _dimension(value: str | None) -> int | None:
    match = _DIMENSION.match(value) if value else None
    return round(float(match.group(1))) if match else None
