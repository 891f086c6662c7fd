"""A small PNG badge drawn in pure Python: a medal (ring, disc, star) in the badge's colour.

Used when an achievement has no PNG image of its own: baking needs a PNG to carry the
credential, and nothing here may pull in an image library. Anti-aliased by coverage at the
circle edges and 3x3 supersampling of the star.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib

__all__ = ["badge_png", "encode_png"]

Colour = tuple[int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rgba_rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG from rows of ``width * 4`` bytes (filter type 0 on every row)."""
    if len(rgba_rows) != height or any(len(row) != width * 4 for row in rgba_rows):
        raise ValueError("rows must be height rows of width * 4 bytes")
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\0" + row for row in rgba_rows)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _spans(y: float, polygon: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The x intervals where the line at height ``y`` is inside ``polygon`` (even-odd rule)."""
    crossings = []
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y):
            crossings.append((xj - xi) * (y - yi) / (yj - yi) + xi)
        j = i
    crossings.sort()
    return list(zip(crossings[::2], crossings[1::2], strict=False))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


@functools.lru_cache(maxsize=32)
def badge_png(colour: Colour, *, size: int = 256) -> bytes:
    """A ``size`` x ``size`` medal in ``colour`` with a darker ring and a white star."""
    ring = _mix(colour, (0, 0, 0), 0.35)
    white = (255, 255, 255)
    centre = (size - 1) / 2
    outer, inner = size * 0.48, size * 0.40
    star = _star(centre, centre, size * 0.27, size * 0.11)
    samples = (-1 / 3, 0.0, 1 / 3)
    rows = []
    for y in range(size):
        row = bytearray(size * 4)
        dy = y - centre
        spans = [_spans(y + oy, star) for oy in samples]
        for x in range(size):
            distance = math.hypot(x - centre, dy)
            alpha = min(max(outer - distance + 0.5, 0.0), 1.0)
            if alpha == 0.0:
                continue
            # Blend ring into disc over one pixel at the inner edge.
            pixel = _mix(ring, colour, min(max(inner - distance + 0.5, 0.0), 1.0))
            hits = sum(start <= x + ox < end for line in spans for start, end in line
                       for ox in samples)
            if hits:
                pixel = _mix(pixel, white, hits / 9)
            row[x * 4:x * 4 + 4] = bytes((*pixel, round(alpha * 255)))
        rows.append(bytes(row))
    return encode_png(size, size, rows)
