"""Baked badges from the endpoints, checked at the byte level against the OB 3.0 baking rules.

https://www.imsglobal.org/spec/ob/v3p0/#baking — PNG: exactly one iTXt chunk, keyword
``openbadgecredential``, compression flag 0, the credential as issued; SVG: one
``openbadges:credential`` element after the root tag, JSON in CDATA or a JWS in ``verify``.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import BROWSER, issue, make_achievement, page, state_of
from vcissuer.baking import unbake

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Every chunk, each length and CRC checked (an independent reader, not vcissuer's)."""
    assert png.startswith(PNG_SIGNATURE)
    out, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind = png[offset + 4:offset + 8]
        data = png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        out.append((kind, data))
        offset += 12 + length
        if kind == b"IEND":
            break
    assert offset == len(png), "nothing after IEND"
    return out


def itxt_fields(data: bytes) -> tuple[bytes, int, int, bytes, bytes, bytes]:
    keyword, rest = data.split(b"\0", 1)
    flag, method, rest = rest[0], rest[1], rest[2:]
    language, rest = rest.split(b"\0", 1)
    translated, text = rest.split(b"\0", 1)
    return keyword, flag, method, language, translated, text


@pytest.fixture
def achievement(client: TestClient, issuer_headers):
    return make_achievement(client, issuer_headers)


def with_image(client: TestClient, services, headers, uri: str):
    """An achievement whose image is ``uri``. Set in the store: the API does not yet add the
    ``type: Image`` OB 3.0 requires, so issuing from an API-made image fails the schema."""
    from vcissuer.store import AchievementRepository

    achievement = make_achievement(client, headers)
    with services.db.session_scope() as session:
        repo = AchievementRepository(session)
        record = repo.get_public(achievement["id"])
        document = {**record.document, "image": {"id": uri, "type": "Image"}}
        repo.update(record.id, issuer_id=record.issuer_id, document=document)
    return achievement


def _check_png(client: TestClient, credential_id: str, signed: bytes) -> bytes:
    response = client.get(f"/credentials/{credential_id}.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["x-content-type-options"] == "nosniff"
    png = response.content
    found = chunks(png)
    assert found[0][0] == b"IHDR" and found[-1][0] == b"IEND"
    texts = [(k, d) for k, d in found if k in (b"iTXt", b"tEXt", b"zTXt")]
    assert len(texts) == 1
    kind, data = texts[0]
    assert kind == b"iTXt"
    keyword, flag, method, language, translated, text = itxt_fields(data)
    assert (keyword, flag, method, language, translated) == (b"openbadgecredential", 0, 0,
                                                             b"", b"")
    assert text == signed  # the credential exactly as issued, uncompressed
    return png


def test_png_round_trip(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement)
    signed = client.get(f"/credentials/{issued['id']}").content
    png = _check_png(client, issued["id"], signed)
    assert unbake(png) == json.loads(signed) == issued["credential"]
    assert png == client.get(f"/credentials/{issued['id']}.png").content  # deterministic


def test_svg_round_trip(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement)
    signed = client.get(f"/credentials/{issued['id']}").text
    response = client.get(f"/credentials/{issued['id']}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in response.headers["content-security-policy"]
    svg = response.text
    assert svg.startswith("<svg ")
    root = svg[:svg.index(">") + 1]
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in root
    assert svg.count("<openbadges:credential") == 1
    assert f"<openbadges:credential><![CDATA[{signed}]]></openbadges:credential>" in svg
    assert unbake(svg.encode()) == issued["credential"]


def test_jwt_round_trip(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement, ref="jwt", format="jwt")
    token = issued["jwt"]
    png = _check_png(client, issued["id"], token.encode("ascii"))
    assert unbake(png) == token
    svg = client.get(f"/credentials/{issued['id']}.svg").text
    assert f'<openbadges:credential verify="{token}"></openbadges:credential>' in svg
    assert unbake(svg.encode()) == token
    response = client.get(f"/credentials/{issued['id']}.jwt")
    assert response.status_code == 200 and response.text == token
    assert response.headers["content-type"] == "application/vc+jwt"
    assert client.get(f"/credentials/{issued['id']}.json").status_code == 404


def test_json_download_is_the_credential_as_issued(client, issuer_headers, achievement) -> None:
    issued = issue(client, issuer_headers, achievement)
    response = client.get(f"/credentials/{issued['id']}.json")
    assert response.status_code == 200
    assert response.content == client.get(f"/credentials/{issued['id']}").content
    assert response.headers["content-type"] == "application/vc+ld+json"
    assert response.headers["content-disposition"] == \
        'attachment; filename="data-analysis-with-python.json"'
    missing = client.get(f"/credentials/{issued['id']}.jwt")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_unknown_credential_downloads_are_404_problems(client) -> None:
    for suffix in ("png", "svg", "json", "jwt"):
        response = client.get(f"/credentials/nope.{suffix}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


def _tiny_png() -> bytes:
    from vcissuer.web.png import encode_png

    return encode_png(2, 2, [b"\xff\x00\x00\xff" * 2, b"\x00\x00\xff\xff" * 2])


def test_bakes_into_the_achievements_own_png(client, services, issuer_headers) -> None:
    own = _tiny_png()
    uri = "data:image/png;base64," + base64.b64encode(own).decode()
    achievement = with_image(client, services, issuer_headers, uri)
    issued = issue(client, issuer_headers, achievement)
    png = client.get(f"/credentials/{issued['id']}.png").content
    assert [k for k, _ in chunks(png)] == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    assert dict(chunks(png))[b"IDAT"] == dict(chunks(own))[b"IDAT"]
    # The SVG rendition wraps that PNG; the page shows the image itself.
    svg = client.get(f"/credentials/{issued['id']}.svg").text
    assert base64.b64encode(own).decode() in svg
    assert unbake(svg.encode()) == issued["credential"]
    assert f'src="{uri}"' in page(client, f"/credentials/{issued['id']}")


def test_bakes_into_the_achievements_own_svg(client, services, issuer_headers) -> None:
    own = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" ' \
          'height="10" fill="teal"/></svg>'
    uri = "data:image/svg+xml;base64," + base64.b64encode(own.encode()).decode()
    achievement = with_image(client, services, issuer_headers, uri)
    issued = issue(client, issuer_headers, achievement)
    svg = client.get(f"/credentials/{issued['id']}.svg").text
    assert '<rect width="10" height="10" fill="teal"/>' in svg
    assert unbake(svg.encode()) == issued["credential"]
    # No PNG of its own: the PNG is the generated medal, still carrying the credential.
    assert unbake(client.get(f"/credentials/{issued['id']}.png").content) == \
        issued["credential"]


def test_a_broken_own_image_gives_way_to_the_generated_badge(client, services,
                                                             issuer_headers) -> None:
    broken = PNG_SIGNATURE + b"not really a png"
    uri = "data:image/png;base64," + base64.b64encode(broken).decode()
    achievement = with_image(client, services, issuer_headers, uri)
    issued = issue(client, issuer_headers, achievement)
    png = client.get(f"/credentials/{issued['id']}.png").content
    assert unbake(png) == issued["credential"]
    assert re.search(rb"IHDR\x00\x00\x01\x00\x00\x00\x01\x00", png)  # the 256 px medal


def test_remote_images_are_not_fetched(client, services, issuer_headers) -> None:
    achievement = with_image(client, services, issuer_headers,
                             "https://images.example.org/badge.png")
    issued = issue(client, issuer_headers, achievement)
    html = page(client, f"/credentials/{issued['id']}")
    assert "images.example.org" not in html
    assert unbake(client.get(f"/credentials/{issued['id']}.png").content) == \
        issued["credential"]


def test_a_downloaded_baked_png_verifies_on_the_verify_page(client, issuer_headers,
                                                             achievement) -> None:
    issued = issue(client, issuer_headers, achievement)
    for suffix, media in (("png", "image/png"), ("svg", "image/svg+xml")):
        image = client.get(f"/credentials/{issued['id']}.{suffix}").content
        response = client.post("/verify", headers=BROWSER,
                               files={"file": (f"badge.{suffix}", image, media)})
        assert response.status_code == 200
        assert state_of(response.text) == "genuine"
        assert "Data Analysis with Python" in response.text
        assert f'href="/credentials/{issued["id"]}"' in response.text
