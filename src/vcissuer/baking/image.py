"""Bake or unbake whichever image format ``data`` is (PNG by signature, else SVG)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from vcissuer.baking.errors import BakingError
from vcissuer.baking.png import PNG_SIGNATURE, bake_png, unbake_png
from vcissuer.baking.svg import bake_svg, unbake_svg

__all__ = ["MEDIA_TYPES", "bake", "image_format", "unbake"]

ImageFormat = Literal["png", "svg"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}


def image_format(data: bytes) -> ImageFormat:
    """``png`` for the PNG signature, ``svg`` for text that starts like XML/SVG."""
    if not isinstance(data, bytes):
        raise TypeError("image data must be bytes")
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) or b"<svg" in head:
        return "svg"
    raise BakingError("the image is neither PNG nor SVG")


def bake(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """A baked copy of a PNG or SVG (UTF-8) image."""
    if image_format(image) == "png":
        return bake_png(image, credential)
    return bake_svg(image, credential)


def unbake(image: bytes) -> dict[str, Any] | str:
    """The credential baked into a PNG or SVG image: a dict (JSON) or a compact JWS."""
    if image_format(image) == "png":
        return unbake_png(image)
    return unbake_svg(image)
