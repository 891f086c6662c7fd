"""Per-route request body caps (api/limits.py ROUTE_BODY_CAPS), through the real ASGI app.

Anonymous routes take bodies fitting their purpose; every other route keeps
VCISSUER_MAX_BODY_BYTES. Over the cap, declared (Content-Length) or not (chunked): 413
problem+json naming the limit (RFC 9110 section 15.5.14, RFC 9457).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.api.app import create_app
from vcissuer.api.limits import KIB, MIB, ROUTE_BODY_CAPS, BodyCap
from vcissuer.issuance.context import Services

README = Path(__file__).parents[2] / "README.md"
GLOBAL = 4 * MIB  # the default of VCISSUER_MAX_BODY_BYTES
_CAPS = {f"{cap.method} {cap.path}": cap for cap in ROUTE_BODY_CAPS}


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """The app as served by default (rate limits off: these tests post many bodies)."""
    with TestClient(create_app(services, rate_limits={})) as test_client:
        yield test_client


def _problem_413(response, cap: int) -> dict:
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 413 and body["title"] == "Content Too Large"
    assert body["limit"] == "request body" and body["maximum"] == cap
    assert body["errors"] == [{"field": "body", "rule": "max-body-bytes",
                               "message": f"at most {cap} bytes"}]
    assert str(cap) in body["detail"]
    return body


def _url(cap: BodyCap) -> str:
    return cap.path.replace("{ref}", "no-such-exchange")


def _json_of(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    head, tail = b'{"padding":"', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def _chunks(data: bytes, size: int = 64 * KIB) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_the_documented_numbers() -> None:
    """The caps the README documents, and what they are for."""
    assert _CAPS["POST /credentials/verify"].max_bytes == 1 * MIB
    assert _CAPS["POST /presentations/verify"].max_bytes == 2 * MIB
    assert _CAPS["POST /verify/url"].max_bytes == 8 * KIB
    assert _CAPS["POST /verify"].max_bytes == 8 * MIB + 64 * KIB
    assert _CAPS["POST /oid4vci/token"].max_bytes == 8 * KIB
    assert _CAPS["POST /oid4vci/nonce"].max_bytes == 1 * KIB
    assert _CAPS["POST /oid4vci/credential"].max_bytes == 64 * KIB
    assert _CAPS["POST /exchanges/{ref}"].max_bytes == 64 * KIB


def test_readme_limits_table_lists_every_cap() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("### Limits"):]
    table = table[:table.index("\n## ")]
    for cap in ROUTE_BODY_CAPS:
        size = (f"{cap.max_bytes // MIB} MiB" if cap.max_bytes % MIB == 0
                else f"{cap.max_bytes // KIB} KiB")
        if cap.path == "/verify":
            size = "8 MiB + 64 KiB"
        row = next((line for line in table.splitlines()
                    if f"`{cap.method} {cap.path}`" in line), None)
        assert row is not None, f"no README row for {cap.method} {cap.path}"
        assert size in row, (size, row)


@pytest.mark.parametrize("name", sorted(_CAPS))
def test_over_the_cap_by_content_length_is_413(client: TestClient, name: str) -> None:
    cap = _CAPS[name]
    response = client.post(_url(cap), content=_json_of(cap.max_bytes + 1),
                           headers={"Content-Type": "application/json"})
    body = _problem_413(response, cap.max_bytes)
    assert body["instance"] == _url(cap)


@pytest.mark.parametrize("name", sorted(_CAPS))
def test_over_the_cap_chunked_is_413(client: TestClient, name: str) -> None:
    """No Content-Length (Transfer-Encoding: chunked): counted while read."""
    cap = _CAPS[name]
    response = client.post(_url(cap), content=_chunks(_json_of(cap.max_bytes + 1)),
                           headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    _problem_413(response, cap.max_bytes)


@pytest.mark.parametrize("name", sorted(_CAPS))
def test_at_the_cap_the_route_reads_the_body(client: TestClient, name: str) -> None:
    """Exactly the cap passes the limit: the route answers (whatever it makes of the body)."""
    cap = _CAPS[name]
    response = client.post(_url(cap), content=_json_of(cap.max_bytes),
                           headers={"Content-Type": "application/json"})
    assert response.status_code not in (413, 500), response.text[:300]


def _multipart(upload: bytes) -> tuple[bytes, str]:
    boundary = "vcissuer-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"badge.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + upload + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_verify_form_takes_a_baked_image_above_the_global_cap(client: TestClient) -> None:
    """The verify page's upload may be as large as a baked image fetched by URL (8 MiB): a
    5 MiB upload is read (and found to be no image), not refused as too large."""
    body, media = _multipart(b"\x00" * (5 * MIB))
    response = client.post("/verify", content=body,
                           headers={"Content-Type": media, "Accept": "text/html"})
    assert response.status_code != 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Verify" in response.text


def test_verify_form_over_its_cap_chunked_is_413_problem(client: TestClient) -> None:
    """A multipart upload past the form's cap, chunked: the page's error handling does not
    turn the cut-off body into an error page; the answer is the 413 problem."""
    cap = _CAPS["POST /verify"].max_bytes
    body, media = _multipart(b"\x00" * cap)
    response = client.post("/verify", content=_chunks(body),
                           headers={"Content-Type": media, "Accept": "text/html"})
    _problem_413(response, cap)


def test_routes_without_a_cap_keep_the_global_one(client: TestClient) -> None:
    """The authenticated batch route takes up to VCISSUER_MAX_BODY_BYTES (4 MiB by default),
    more than any anonymous route but the form: a 3 MiB body gets as far as authentication."""
    response = client.post("/issuers/uni/credentials/batch", content=_json_of(3 * MIB),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 401, response.text[:300]
    _problem_413(client.post("/issuers/uni/credentials/batch", content=_json_of(GLOBAL + 1),
                             headers={"Content-Type": "application/json"}), GLOBAL)
    _problem_413(client.post("/issuers/uni/credentials/batch",
                             content=_chunks(_json_of(GLOBAL + 1)),
                             headers={"Content-Type": "application/json"}), GLOBAL)


def test_a_batch_of_1000_assessment_records_fits_the_global_cap() -> None:
    """What the global cap is for: 1,000 records (the batch maximum) with evidence."""
    items = [assessment("5f0c7a36-1c1e-4d2b-9a43-0b6f5d0e8c11", ref=f"lms-{n:06d}",
                        recipient={"email": f"learner{n}@example.org",
                                   "name": "Ada Learner-Lovelace"})
             for n in range(1000)]
    size = len(json.dumps({"items": items}).encode())
    assert 400 * KIB < size < GLOBAL // 4, size  # about 480 KiB


def test_an_ob_credential_with_an_embedded_image_fits_the_credential_cap(
        client: TestClient, services: Services) -> None:
    """OB 3.0 Image ``id`` may be a data: URI (OB 3.0 section B.1.13). This service stores an
    image given that way (at most 256 KiB) and names it by its own URL; another issuer may
    embed one: a credential embedding a 512 KiB PNG still fits POST /credentials/verify."""
    admin = bearer(api_key(services))
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (2 * 1024)
    image = {"id": "data:image/png;base64," + base64.b64encode(png).decode()}
    achievement = make_achievement(client, headers)
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"]))
    assert issued.status_code == 201, issued.text
    credential = issued.json()["credential"]
    # As another issuer would send it: the image inside the credential itself (unsigned here,
    # so the verdict is "not verified"; what matters is that the body is read and checked).
    credential["credentialSubject"]["achievement"]["image"] = {**image, "type": "Image"}
    body = json.dumps({"verifiableCredential": credential}).encode()
    assert 512 * KIB < len(body) <= _CAPS["POST /credentials/verify"].max_bytes
    response = client.post("/credentials/verify", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text[:500]
    assert response.json()["verdict"] == "not verified"
    assert any(c["check"] == "proof" and c["outcome"] == "failed"
               for c in response.json()["checks"])


def test_openapi_413_names_each_routes_cap(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    def described(path: str) -> str:
        return spec["paths"][path]["post"]["responses"]["413"]["description"]

    assert re.search(r"\b1 MiB\b", described("/credentials/verify"))
    assert re.search(r"\b2 MiB\b", described("/presentations/verify"))
    assert re.search(r"\b8 KiB\b", described("/verify/url"))
    assert re.search(r"\b64 KiB\b", described("/exchanges/{ref}"))
    assert re.search(r"\b64 KiB\b", described("/oid4vci/credential"))
    batch = described("/issuers/{slug}/credentials/batch")
    assert "4 MiB" in batch and "VCISSUER_MAX_BODY_BYTES" in batch
    response = spec["paths"]["/credentials/verify"]["post"]["responses"]["413"]
    assert "application/problem+json" in response["content"]
