"""QR codes as inline SVG ``data:`` URIs: badge pages share their URL, credential offers their
deep link. Inline, so a page with a strict Content-Security-Policy (img-src 'self' data:) and an
LMS showing an offer need no other request."""

from __future__ import annotations

import functools

import segno

__all__ = ["qr_data_uri"]


@functools.lru_cache(maxsize=256)
def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` (error correction M, quiet zone 4) as a ``data:`` URI."""
    return segno.make(text, error="m", micro=False).svg_data_uri(
        scale=4, border=4, dark="#000000", light="#ffffff")
