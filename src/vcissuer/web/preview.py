"""The link preview of a badge page: a 1200x630 PNG (the size LinkedIn, Facebook, Slack, X,
Teams, WhatsApp and Discord show large) with the badge image, its name, the issuer and the
learner. A withdrawn credential's preview says REVOKED or SUSPENDED across it.

Drawn with Pillow and the scalable font Pillow ships with, so nothing is fetched and no system
font is needed. The badge image is the achievement's own PNG when it has one (decoded with a
pixel cap), else the generated medal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

__all__ = ["PREVIEW_SIZE", "PreviewText", "preview_png"]

PREVIEW_SIZE = (1200, 630)
_BADGE = 360
_MARGIN = 64
_INK = (17, 24, 39)
_MUTED = (75, 85, 99)
_PAPER = (255, 255, 255)
_BAND = (243, 244, 246)
_BAD = (185, 28, 28)
# An issuer's image is at most a few hundred KB; refuse to decode anything absurdly large.
_MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True, slots=True)
class PreviewText:
    badge: str
    issuer: str
    learner: str | None = None
    withdrawn: str | None = None  # "revoked" / "suspended"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width`` pixels (the last one ellipsed)."""
    words = text.split()
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            current = " ".join(words[index:])
            break
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1] + " " + "…"
    if out:
        last = out[-1]
        while draw.textlength(last, font=font) > width and len(last) > 1:
            last = last[:-2] + "…"
        out[-1] = last
    return out


def _badge(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    if image.width * image.height > _MAX_PIXELS:
        raise ValueError("the badge image is too large to draw")
    image = image.convert("RGBA")
    image.thumbnail((_BADGE, _BADGE), Image.Resampling.LANCZOS)
    return image


def preview_png(text: PreviewText, badge_png: bytes, *, fallback_png: bytes) -> bytes:
    """The preview card as PNG bytes. ``fallback_png`` is drawn when ``badge_png`` will not
    decode (a broken own image never breaks the preview)."""
    width, height = PREVIEW_SIZE
    card = Image.new("RGB", PREVIEW_SIZE, _PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, _BADGE + 2 * _MARGIN, height), fill=_BAND)
    try:
        badge = _badge(badge_png)
    except (OSError, ValueError, Image.DecompressionBombError):
        badge = _badge(fallback_png)
    left = _MARGIN + (_BADGE - badge.width) // 2
    top = (height - badge.height) // 2
    card.paste(badge, (left, top), badge)

    x = _BADGE + 3 * _MARGIN
    room = width - x - _MARGIN
    y = _MARGIN
    if text.withdrawn:
        label = text.withdrawn.upper()
        font = _font(44)
        box = draw.textbbox((0, 0), label, font=font)
        draw.rectangle((x, y, x + box[2] + 32, y + box[3] + 20), fill=_BAD)
        draw.text((x + 16, y + 8), label, font=font, fill=_PAPER)
        y += box[3] + 48
    title_font = _font(58)
    for line in _wrap(draw, text.badge, title_font, room, 3):
        draw.text((x, y), line, font=title_font, fill=_INK)
        y += 70
    y += 24
    body = _font(34)
    if text.learner:
        for line in _wrap(draw, f"Awarded to {text.learner}", body, room, 2):
            draw.text((x, y), line, font=body, fill=_INK)
            y += 44
    for line in _wrap(draw, f"by {text.issuer}" if text.issuer else "", body, room, 2):
        draw.text((x, y), line, font=body, fill=_MUTED)
        y += 44
    footer = _font(26)
    draw.text((x, height - _MARGIN - 26), "Open Badge · verifiable credential", font=footer,
              fill=_MUTED)
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=False)
    return out.getvalue()
