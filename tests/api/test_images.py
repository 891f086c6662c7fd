"""Badge images and logos: typed as OB 3.0 Images, uploaded, served from our origin, baked.

OB 3.0 Image (https://www.imsglobal.org/spec/ob/v3p0/#image): ``id`` and ``type`` "Image"
are required. PNG baking: https://www.imsglobal.org/spec/ob/v3p0/#png-baking.
"""

from __future__ import annotations

import base64
import struct

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.baking import unbake_png
from vcissuer.issuance.context import Services
from vcissuer.web.png import encode_png

LOGO = {"id": "https://uni.example.ac.uk/logo.png", "caption": "Uni crest"}
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
       b'<circle cx="32" cy="32" r="30" fill="#1d4ed8"/></svg>')


def png(width: int = 24, height: int = 24) -> bytes:
    return encode_png(width, height, [bytes([200, 30, 30, 255] * width)] * height)


def data_uri(data: bytes, media: str = "image/png") -> str:
    return f"data:{media};base64," + base64.b64encode(data).decode()


@pytest.fixture
def headers(client: TestClient, services: Services, admin) -> dict[str, str]:
    make_issuer(client, admin, image=LOGO)
    return bearer(api_key(services, issuer_slug="uni"))


def _issue(client: TestClient, headers, achievement_id: str, ref: str = "img-1") -> dict:
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement_id, ref=ref))
    assert response.status_code == 201, response.text
    return response.json()["credential"]


def test_remote_image_and_logo_no_longer_block_issuing(client, headers) -> None:
    achievement = make_achievement(client, headers, image={
        "id": "https://uni.example.ac.uk/badges/data.png", "caption": "Data badge"})
    credential = _issue(client, headers, achievement["id"])
    image = credential["credentialSubject"]["achievement"]["image"]
    assert image == {"id": "https://uni.example.ac.uk/badges/data.png", "type": "Image",
                     "caption": "Data badge"}
    assert credential["issuer"]["image"] == {**LOGO, "type": "Image"}


def test_type_image_is_accepted(client, headers) -> None:
    achievement = make_achievement(client, headers, image={
        "id": "https://uni.example.ac.uk/b.png", "type": "Image"})
    assert achievement["achievement"]["image"]["type"] == "Image"
    bad = client.post("/issuers/uni/achievements", headers=headers,
                      json={"name": "x", "description": "x", "criteria": {"narrative": "x"},
                            "image": {"id": "https://uni.example.ac.uk/b.png",
                                      "type": "Picture"}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.image.type"


def test_a_data_uri_is_stored_served_and_baked(client, headers) -> None:
    picture = png(24, 20)
    achievement = make_achievement(client, headers, image={"id": data_uri(picture),
                                                           "caption": "Red square"})
    image = achievement["achievement"]["image"]
    assert image["id"].startswith("http://testserver/images/") and image["id"].endswith(".png")
    served = client.get(image["id"].removeprefix("http://testserver"))
    assert served.status_code == 200
    assert served.content == picture
    assert served.headers["content-type"] == "image/png"
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in served.headers["cache-control"]
    credential = _issue(client, headers, achievement["id"])
    assert credential["credentialSubject"]["achievement"]["image"] == {
        "id": image["id"], "type": "Image", "caption": "Red square"}
    baked = client.get(credential["id"].removeprefix("http://testserver") + ".png")
    assert baked.status_code == 200
    width, height = struct.unpack(">II", baked.content[16:24])  # IHDR: the uploaded image
    assert (width, height) == (24, 20)
    assert unbake_png(baked.content)["id"] == credential["id"]


def test_the_issuer_logo_can_be_cleared_and_replaced(client, headers, admin) -> None:
    assert client.get("/issuers/uni").json()["image"]["type"] == "Image"
    cleared = client.patch("/issuers/uni", headers=headers, json={"image": None})
    assert cleared.status_code == 200
    assert "image" not in cleared.json()["profile"]
    assert "image" not in client.get("/issuers/uni").json()
    uploaded = client.put("/issuers/uni/image?caption=Crest", headers={
        **headers, "content-type": "image/svg+xml"}, content=SVG)
    assert uploaded.status_code == 200, uploaded.text
    logo = uploaded.json()["profile"]["image"]
    assert logo["type"] == "Image" and logo["caption"] == "Crest"
    served = client.get(logo["id"].removeprefix("http://testserver"))
    assert served.headers["content-type"] == "image/svg+xml"
    assert served.content == SVG
    achievement = make_achievement(client, headers)
    assert _issue(client, headers, achievement["id"])["issuer"]["image"]["id"] == logo["id"]


def test_achievement_image_upload_makes_a_new_revision(client, headers) -> None:
    achievement = make_achievement(client, headers)
    response = client.put(f"/issuers/uni/achievements/{achievement['id']}/image",
                          headers={**headers, "content-type": "image/png"}, content=png())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["revision"] == 2
    assert body["achievement"]["image"]["id"].endswith(".png")
    credential = _issue(client, headers, achievement["id"])
    assert credential["credentialSubject"]["achievement"]["image"]["type"] == "Image"


@pytest.mark.parametrize(("content", "media", "rule"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "image/svg+xml", "svg-element"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml",
     "svg-event-handler"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://t.example/p.png"/></svg>',
     "image/svg+xml", "svg-external-reference"),
    (SVG, "image/png", "media-type"),
    (png()[:-12], "image/png", "png"),
    (png(), "image/gif", "media-type"),
])
def test_unsafe_uploads_are_refused(client, headers, content, media, rule) -> None:
    response = client.put("/issuers/uni/image", headers={**headers, "content-type": media},
                          content=content)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["rule"] == rule


def test_oversized_and_unsafe_data_uris_are_refused(client, headers) -> None:
    big = b'<svg xmlns="http://www.w3.org/2000/svg"><!--' + b"x" * 300_000 + b"--></svg>"
    for uri, rule in ((data_uri(big, "image/svg+xml"), "max-size"),
                      (data_uri(b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/>'
                                b"</svg>", "image/svg+xml"), "svg-element"),
                      ("data:image/jpeg;base64,AAAA", "media-type")):
        response = client.post("/issuers/uni/achievements", headers=headers,
                               json={"name": "x", "description": "x",
                                     "criteria": {"narrative": "x"}, "image": {"id": uri}})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0] == {**response.json()["errors"][0],
                                                "field": "image.id", "rule": rule}


def test_unknown_images_are_404(client) -> None:
    assert client.get("/images/nothing.png").status_code == 404
    assert client.get("/images/00000000-0000-4000-8000-000000000000.svg").status_code == 404


def test_an_uploaded_svg_is_baked(client, headers) -> None:
    """OB 3.0 SVG baking (https://www.imsglobal.org/spec/ob/v3p0/#svg-baking) into the
    issuer's own uploaded image."""
    from vcissuer.baking import unbake_svg

    achievement = make_achievement(client, headers)
    client.put(f"/issuers/uni/achievements/{achievement['id']}/image",
               headers={**headers, "content-type": "image/svg+xml"}, content=SVG)
    credential = _issue(client, headers, achievement["id"])
    baked = client.get(credential["id"].removeprefix("http://testserver") + ".svg")
    assert baked.status_code == 200
    assert '<circle cx="32" cy="32" r="30" fill="#1d4ed8"/>' in baked.text
    assert unbake_svg(baked.text)["id"] == credential["id"]


def test_pages_show_uploaded_images_from_this_origin(client, headers) -> None:
    achievement = make_achievement(client, headers, image={"id": data_uri(png())})
    path = achievement["achievement"]["image"]["id"].removeprefix("http://testserver")
    html = {"Accept": "text/html"}
    page = client.get(f"/achievements/{achievement['id']}", headers=html)
    assert f'src="{path}"' in page.text
    credential = _issue(client, headers, achievement["id"])
    badge = client.get(credential["id"].removeprefix("http://testserver"), headers=html)
    assert f'src="{path}"' in badge.text
    logo = client.put("/issuers/uni/image", headers={**headers, "content-type": "image/svg+xml"},
                      content=SVG).json()["profile"]["image"]["id"]
    issuer_page = client.get("/issuers/uni", headers=html)
    assert f'src="{logo.removeprefix("http://testserver")}"' in issuer_page.text


def test_achievement_image_replaced_and_cleared_by_patch(client, headers) -> None:
    achievement = make_achievement(client, headers, image={"id": "https://uni.example.ac.uk/a.png"})
    path = f"/issuers/uni/achievements/{achievement['id']}"
    replaced = client.patch(path, headers=headers,
                            json={"image": {"id": data_uri(SVG, "image/svg+xml"),
                                            "caption": "New"}})
    assert replaced.status_code == 200, replaced.text
    image = replaced.json()["achievement"]["image"]
    assert image["id"].endswith(".svg") and image["type"] == "Image"
    cleared = client.patch(path, headers=headers, json={"image": None})
    assert "image" not in cleared.json()["achievement"]
    assert cleared.json()["revision"] == 3
    credential = _issue(client, headers, achievement["id"])
    assert "image" not in credential["credentialSubject"]["achievement"]
