"""Uploaded images: PNG checked by signature, chunks and IHDR; SVG refused when it could run
script or load anything from elsewhere (OB 3.0 Image: https://www.imsglobal.org/spec/ob/v3p0/#image;
PNG 1.2 section 11.2.2 for IHDR)."""

from __future__ import annotations

import pytest

from vcissuer.baking.inspect import MAX_IMAGE_BYTES, UnsafeImage, inspect_image
from vcissuer.web.png import encode_png

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'width="120" height="80px">{}</svg>'


def png(width: int = 3, height: int = 2) -> bytes:
    return encode_png(width, height, [bytes(width * 4)] * height)


def test_png_dimensions_come_from_ihdr() -> None:
    info = inspect_image(png(7, 5))
    assert (info.media_type, info.width, info.height, info.extension) == ("image/png", 7, 5, "png")


def test_a_corrupt_png_is_refused() -> None:
    data = bytearray(png())
    data[20] ^= 0xFF  # inside IHDR: its CRC no longer matches
    with pytest.raises(UnsafeImage) as error:
        inspect_image(bytes(data))
    assert error.value.rule == "png"


def test_a_truncated_png_is_refused() -> None:
    with pytest.raises(UnsafeImage):
        inspect_image(png()[:-12])


def test_size_cap() -> None:
    with pytest.raises(UnsafeImage) as error:
        inspect_image(SVG.format("<!--" + "x" * MAX_IMAGE_BYTES + "-->").encode())
    assert error.value.rule == "max-size"


def test_a_plain_svg_is_accepted() -> None:
    body = ('<defs><linearGradient id="g"><stop offset="0"/></linearGradient>'
            '<circle id="c" r="4"/></defs><style>.a{fill:url(#g)}</style>'
            '<use xlink:href="#c"/><use href="#c"/><rect fill="url(#g)" width="3" height="3"/>'
            '<a href="#c"><text>Badge</text></a>')
    info = inspect_image(SVG.format(body).encode())
    assert (info.media_type, info.width, info.height) == ("image/svg+xml", 120, 80)


@pytest.mark.parametrize(("body", "rule"), [
    ("<script>alert(1)</script>", "svg-element"),
    ('<circle onload="alert(1)" r="1"/>', "svg-event-handler"),
    ('<circle ONCLICK="x()" r="1"/>', "svg-event-handler"),
    ('<image href="https://tracker.example/x.png"/>', "svg-external-reference"),
    ('<image xlink:href="data:image/png;base64,AAAA"/>', "svg-external-reference"),
    ('<use xlink:href="other.svg#c"/>', "svg-external-reference"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "svg-external-reference"),
    ("<foreignObject><div/></foreignObject>", "svg-element"),
    ('<h:p xmlns:h="http://www.w3.org/1999/xhtml">x</h:p>', "svg-element"),
    ("<style>@import url(https://evil.example/x.css);</style>", "svg-external-reference"),
    ("<style>rect{fill:url(https://evil.example/p)}</style>", "svg-external-reference"),
    ("<style>rect{background:u\\72l(https://evil.example/p)}</style>",
     "svg-external-reference"),
    ('<rect style="fill:url(\'https://evil.example/p\')"/>', "svg-external-reference"),
    ('<a><set attributeName="href" to="javascript:alert(1)"/></a>', "svg-animation"),
    ('<animate attributeName="onbegin" to="x"/>', "svg-animation"),
])
def test_unsafe_svg_is_refused(body: str, rule: str) -> None:
    with pytest.raises(UnsafeImage) as error:
        inspect_image(SVG.format(body).encode())
    assert error.value.rule == rule


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    b'<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&ent;</text></svg>',
    b'<!DOCTYPE svg [<!ELEMENT svg ANY>]><svg xmlns="http://www.w3.org/2000/svg"/>',
    b'<?xml-stylesheet href="https://evil.example/x.css"?>'
    b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&undefined;</text></svg>',
    b"<svg><circle/></svg>",  # not in the SVG namespace
    b"<html><body/></html>",
    b"GIF89a....",
])
def test_doctype_entities_processing_instructions_and_non_svg_are_refused(
        document: bytes) -> None:
    with pytest.raises(UnsafeImage):
        inspect_image(document)


def test_the_svg_11_doctype_editors_write_is_accepted() -> None:
    document = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
                b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    assert inspect_image(document).media_type == "image/svg+xml"
