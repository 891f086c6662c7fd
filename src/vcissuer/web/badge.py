"""Badge images: the achievement's own (a PNG or SVG ``data:`` URI) or a generated one, baked.

https://www.imsglobal.org/spec/ob/v3p0/#baking — the PNG gets one uncompressed ``iTXt`` chunk
``openbadgecredential``; the SVG an ``openbadges:credential`` element. Remote images are never
fetched (the service would be fetching URLs a credential names); a generated badge stands in.
Without an image library the PNG rendition of a badge is the generated medal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from vcissuer.baking import PNG_SIGNATURE, BakingError, bake_png, bake_svg, image_format
from vcissuer.web.png import badge_png
from vcissuer.web.templating import render

__all__ = ["BadgeArt", "badge_art", "baked_png", "baked_svg", "colour_for", "data_uri",
           "generated_svg"]

# Dark enough for white text (WCAG AA, 4.5:1 and more).
_PALETTE: tuple[tuple[int, int, int], ...] = (
    (29, 78, 216), (4, 120, 87), (109, 40, 217), (185, 28, 28), (15, 118, 110),
    (154, 52, 18), (55, 65, 81), (157, 23, 77),
)
_DATA_URI = re.compile(r"^data:(image/(?:png|svg\+xml))((?:;[^,;]*)*?)(;base64)?,(.*)$",
                       re.IGNORECASE | re.DOTALL)
_MAX_IMAGE = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class BadgeArt:
    """The images to bake: the achievement's own where it has one, else generated."""

    png: bytes
    svg: str
    generated_png: bool
    generated_svg: bool


def colour_for(key: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def _hex(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _lines(text: str, *, width: int = 18, count: int = 3) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    lines = [item if len(item) <= width + 4 else item[:width + 3] + "…" for item in lines]
    if len(lines) > count:
        lines = lines[:count]
        lines[-1] = lines[-1][:width] + "…"
    return lines


def generated_svg(name: str, issuer: str, *, key: str) -> str:
    """A round badge naming the achievement and its issuer (text escaped by the template)."""
    colour = colour_for(key)
    lines = _lines(name or "Badge")
    first = 200 - (len(lines) - 1) * 17
    return render("badge.svg", colour=_hex(colour),
                  ring=_hex(tuple(round(c * 0.65) for c in colour)),  # type: ignore[arg-type]
                  lines=[(first + i * 34, line) for i, line in enumerate(lines)],
                  issuer=_lines(issuer, width=28, count=1)[0] if issuer else "",
                  title=f"{name} — {issuer}" if issuer else name)


def data_uri(value: Any) -> tuple[str, bytes] | None:
    """``(media type, bytes)`` of a PNG or SVG ``data:`` URI, or of an Image object's id."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if not isinstance(value, str) or len(value) > _MAX_IMAGE * 2:
        return None
    match = _DATA_URI.match(value.strip())
    if match is None:
        return None
    media, _, is_base64, payload = match.groups()
    try:
        data = (base64.b64decode(payload, validate=True) if is_base64
                else unquote_to_bytes(payload))
    except (binascii.Error, ValueError):
        return None
    return (media.lower(), data) if len(data) <= _MAX_IMAGE else None


def _svg_around_png(png: bytes, *, title: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return render("png.svg", href=f"data:image/png;base64,{encoded}", title=title)


def badge_art(achievement: Any, *, issuer_name: str = "",
              stored: tuple[str, bytes] | None = None) -> BadgeArt:
    """The PNG and SVG to bake for an achievement. ``stored``: its image, when the image is
    one uploaded to this service (``(media type, bytes)``)."""
    achievement = achievement if isinstance(achievement, Mapping) else {}
    name = achievement.get("name") if isinstance(achievement.get("name"), str) else "Badge"
    key = achievement.get("id") if isinstance(achievement.get("id"), str) else name
    own = stored or data_uri(achievement.get("image"))
    png = svg = None
    if own is not None:
        media, data = own
        try:
            kind = image_format(data)
        except BakingError:
            kind = None
        if media == "image/png" and kind == "png" and data.startswith(PNG_SIGNATURE):
            png = data
        elif media == "image/svg+xml" and kind == "svg":
            try:
                svg = data.decode("utf-8")
            except UnicodeDecodeError:
                svg = None
    generated_png = png is None
    generated_svg_ = svg is None
    if svg is None:
        svg = (_svg_around_png(png, title=name) if png is not None
               else generated_svg(name, issuer_name, key=key))
    return BadgeArt(png=png if png is not None else badge_png(colour_for(key)), svg=svg,
                    generated_png=generated_png, generated_svg=generated_svg_)


def baked_png(art: BadgeArt, credential: Mapping[str, Any] | str, *,
              achievement: Any = None) -> bytes:
    """The PNG with the credential baked in; a malformed own image gives way to the medal."""
    try:
        return bake_png(art.png, credential)
    except BakingError:
        if art.generated_png:
            raise
        key = achievement.get("id") if isinstance(achievement, Mapping) else None
        return bake_png(badge_png(colour_for(key if isinstance(key, str) else "badge")),
                        credential)


def baked_svg(art: BadgeArt, credential: Mapping[str, Any] | str, *,
              achievement: Any = None, issuer_name: str = "") -> str:
    """The SVG with the credential baked in; a malformed own image gives way to a generated one."""
    try:
        return bake_svg(art.svg, credential)
    except BakingError:
        if art.generated_svg:
            raise
        achievement = achievement if isinstance(achievement, Mapping) else {}
        name = achievement.get("name") if isinstance(achievement.get("name"), str) else "Badge"
        key = achievement.get("id") if isinstance(achievement.get("id"), str) else name
        return bake_svg(generated_svg(name, issuer_name, key=key), credential)
