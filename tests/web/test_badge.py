"""Generated badge images: a valid PNG medal, an SVG whose text is escaped, own images used."""

from __future__ import annotations

import base64
import struct
import zlib

from vcissuer.baking import unbake
from vcissuer.web.badge import badge_art, baked_png, baked_svg, data_uri, generated_svg
from vcissuer.web.png import badge_png, encode_png


def test_the_medal_is_a_valid_png() -> None:
    png = badge_png((29, 78, 216))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (width, height, depth, colour) == (256, 256, 8, 6)
    idat = png[png.index(b"IDAT") + 4:png.index(b"IEND") - 8]
    raw = zlib.decompress(idat)
    assert len(raw) == 256 * (1 + 256 * 4)
    corner, centre = raw[1:5], raw[128 * 1025 + 1 + 128 * 4:128 * 1025 + 1 + 129 * 4]
    assert corner == b"\0\0\0\0"  # transparent outside the medal
    assert centre == b"\xff\xff\xff\xff"  # the white star


def test_generated_svg_escapes_text() -> None:
    svg = generated_svg('<b>"Badge" & co</b>', "<i>Uni</i>", key="k")
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;" in svg and "&amp;" in svg and "&lt;i&gt;Uni&lt;/i&gt;" in svg


def test_long_names_wrap() -> None:
    svg = generated_svg("A very long achievement name that goes on and on for ever more",
                        "Issuer", key="k")
    assert svg.count('font-size="28"') == 3 and "…" in svg


def test_data_uris() -> None:
    png = encode_png(1, 1, [b"\0\0\0\0"])
    assert data_uri("data:image/png;base64," + base64.b64encode(png).decode()) == \
        ("image/png", png)
    assert data_uri({"id": "data:image/svg+xml,%3Csvg%2F%3E"}) == ("image/svg+xml", b"<svg/>")
    for bad in ("data:image/png;base64,***", "data:text/html,x", "https://x.example/a.png",
                None, 5):
        assert data_uri(bad) is None


def test_art_for_each_kind_of_image() -> None:
    png = encode_png(1, 1, [b"\0\0\0\0"])
    art = badge_art({"id": "a", "name": "A",
                     "image": {"id": "data:image/png;base64," + base64.b64encode(png).decode()}})
    assert art.png == png and not art.generated_png and art.generated_svg
    art = badge_art({"id": "a", "name": "A", "image": "data:image/svg+xml,%3Csvg%2F%3E"})
    assert art.svg == "<svg/>" and art.generated_png and not art.generated_svg
    art = badge_art({"id": "a", "name": "A", "image": "https://x.example/a.png"})
    assert art.generated_png and art.generated_svg
    assert unbake(baked_png(art, "a.b.c")) == "a.b.c"
    assert unbake(baked_svg(art, {"x": 1}).encode()) == {"x": 1}
    assert badge_art(None).generated_png
