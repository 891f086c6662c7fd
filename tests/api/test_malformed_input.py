"""Malformed input is a problem naming what is wrong, never a 500, on SQLite and PostgreSQL.

Issue #12 items 3, 4 and 9, issue #15 item 8: control characters in stored strings (PostgreSQL's
text type cannot hold NUL), JSON-LD processing errors at VC-API issue and verify, and what the
contract fuzzer found (strict JSON bodies, strict booleans, 413 for a chunked body, Allow).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.issuance.context import Services

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def issuer_key(client: TestClient, services: Services, admin: dict[str, str]) -> dict[str, str]:
    make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni"))


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def _errors(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in body.get("errors", [])}


# -- control characters (#12.3) ----------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_refused_in_stored_strings(client: TestClient, admin, issuer_key,
                                                      char: str) -> None:
    """NUL (and every C0 control but tab, LF and CR in prose) is a 422 naming the field, the
    same on both databases, before anything reaches the database."""
    response = client.post("/issuers", headers=admin, json={
        "slug": "other", "name": "Other", "description": f"a{char}b"})
    assert ("body.description", "control_character") in _errors(_problem(response, 422))

    response = client.post("/issuers/uni/achievements", headers=issuer_key, json={
        "name": f"Data{char}", "description": "D", "criteria": {"narrative": "N"}})
    assert ("body.name", "control_character") in _errors(_problem(response, 422))

    achievement = make_achievement(client, issuer_key)
    response = client.post("/issuers/uni/credentials", headers=issuer_key,
                           json=assessment(achievement["id"], ref=f"lms{char}42"))
    assert ("body.assessmentRef", "control_character") in _errors(_problem(response, 422))

    response = client.get("/issuers/uni/credentials", headers=issuer_key,
                          params={"assessmentRef": f"x{char}"})
    assert ("query.assessmentRef", "control_character") in _errors(_problem(response, 422))


def test_prose_keeps_tab_and_line_breaks_one_line_values_do_not(client: TestClient,
                                                                 issuer_key) -> None:
    response = client.post("/issuers/uni/achievements", headers=issuer_key, json={
        "name": "Data", "description": "Line one.\r\nLine two:\tindented.",
        "criteria": {"narrative": "Pass.\n"}})
    assert response.status_code == 201, response.text
    assert response.json()["achievement"]["description"] == "Line one.\r\nLine two:\tindented."
    response = client.post("/issuers/uni/achievements", headers=issuer_key, json={
        "name": "Data\nAnalysis", "description": "D", "criteria": {"narrative": "N"}})
    assert ("body.name", "control_character") in _errors(_problem(response, 422))


@pytest.mark.parametrize("path", ["/issuers/uni%00", "/issuers/uni%00/credentials",
                                  "/credentials/abc%00", "/status/uni/x%01"])
def test_control_characters_in_a_path_name_nothing(client: TestClient, issuer_key,
                                                   path: str) -> None:
    _problem(client.get(path, headers=issuer_key), 404)


# -- JSON-LD errors at VC-API issue and verify (#12.4, #15.8) ----------------------------------

def _credential(did: str, **changes: Any) -> dict[str, Any]:
    return {"@context": [V2], "type": ["VerifiableCredential"], "issuer": did,
            "credentialSubject": {"id": "did:example:learner", "name": "Ada"}, **changes}


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"@context": [V2, {"id": "https://example.org/id"}]}, "credential.@context", "jsonld"),
    ({"@context": [V2, {"VerifiableCredential": "https://example.org/VC"}]},
     "credential.@context", "jsonld"),
    # VCDM 2.0 section 4.3: an item after the base context is a URL or a context object.
    ({"@context": [V2, 123192875]}, "credential.@context[1]", "context-item"),
    ({"@context": [V2, {"@vocab": None}]}, "credential.@context", "jsonld"),
    ({"@context": [V2, {"x": "https ://not-a-url#x"}]}, "credential.@context", "jsonld"),
    ({"credentialSubject": {"@context": {"id": "https://example.org/id"}, "id": "did:ex:1"}},
     "credential.credentialSubject.@context", "jsonld"),
    ({"id": None}, "credential.id", "url"),
    ({"type": 10}, "credential.type", "type"),
    ({"credentialStatus": {"type": 2}}, "credential.credentialStatus[0].type", "malformed"),
])
def test_json_ld_errors_at_issue_name_the_field(client: TestClient, issuer_key, changes,
                                                field: str, rule: str) -> None:
    """JSON-LD 1.1 API section 9.4.2 (JsonLdErrorCode): each is the request's fault, 422."""
    did = client.get("/issuers/uni/did.json").json()["id"]
    response = client.post("/credentials/issue", headers=issuer_key,
                           json={"credential": _credential(did, **changes)})
    body = _problem(response, 422)
    assert (field, rule) in _errors(body), body


@pytest.mark.parametrize("changes", [{"type": 10}, {"type": None}, {"@context": 5},
                                     {"credentialSubject": 3}, {"proof": "x"}])
def test_verify_reports_malformed_credentials(client: TestClient, changes) -> None:
    response = client.post("/credentials/verify", json={
        "verifiableCredential": _credential("did:web:example.org", **changes)})
    assert response.status_code in (400, 422), response.text
    if response.headers["content-type"] == "application/json":
        assert response.json()["verified"] is False
    else:
        _problem(response, response.status_code)


# -- strict JSON bodies (#12.9) ----------------------------------------------------------------

@pytest.mark.parametrize(("raw", "rule", "where"), [
    (b'{"slug": "x", "name": "A",\n "name": "B"}', "duplicate-key", (1, 1)),
    (b'{"slug": "x", "name": "A", "image": {"id": "https://e.org/a.png",\n'
     b'  "id": "https://e.org/b.png"}}', "duplicate-key", (1, 37)),
    (b'{"slug": "x", "name": "A", "n": 1e400}', "non-finite-number", (1, 33)),
    (b'{"slug": "x", "name": NaN}', "non-finite-number", (1, 23)),
    (b'{"slug": "x", "name": -Infinity}', "non-finite-number", (1, 23)),
    (b'{"slug": "x",\n  "name": }', "json-syntax", (2, 11)),
    (b'{"slug": "x", "name": "\\udc00"}', "lone-surrogate", (1, 24)),
    (b'{"slug": "x", "name": "\xff"}', "utf-8", None),
])
def test_bodies_that_are_not_strict_json_are_400(client: TestClient, admin, raw: bytes,
                                                 rule: str, where) -> None:
    """RFC 8259 sections 4 (unique names), 6 (no NaN/Infinity; finite numbers), 8.1 (UTF-8)
    and 8.2 (Unicode characters): 400 naming line, column and what."""
    response = client.post("/issuers", headers={**admin, "Content-Type": "application/json"},
                           content=raw)
    body = _problem(response, 400)
    assert _errors(body) == {("body", rule)}
    if where is not None:
        assert (body["line"], body["column"]) == where
        assert f"line {where[0]}, column {where[1]}" in body["detail"]
    assert client.get("/issuers/x").status_code == 404  # nothing was created


def test_duplicate_key_names_the_key(client: TestClient, admin) -> None:
    response = client.post("/issuers", headers={**admin, "Content-Type": "application/json"},
                           content=b'{"slug": "x", "slug": "y", "name": "A"}')
    assert "'slug'" in _problem(response, 400)["detail"]


def test_wallet_and_exchange_bodies_are_strict_json_too(client: TestClient) -> None:
    response = client.post("/oid4vci/credential", headers={
        "Authorization": "Bearer nope", "Content-Type": "application/json"},
        content=b'{"proofs": 1, "proofs": 2}')
    assert response.status_code in (400, 401), response.text
    response = client.post("/exchanges/nope", headers={"Content-Type": "application/json"},
                           content=b'{"a": NaN}')
    assert response.status_code == 400, response.text
    assert "NaN" in response.json()["detail"]


@pytest.mark.parametrize(("path", "payload", "field"), [
    ("/issuers", {"slug": "x", "name": "A", "revocationList": 0}, "body.revocationList"),
    ("/issuers", {"slug": "x", "name": "A", "revocationList": "true"}, "body.revocationList"),
    ("/issuers/uni/achievements", {"name": "A", "description": "D",
                                   "criteria": {"narrative": "N"}, "revocable": 1},
     "body.revocable"),
])
def test_booleans_are_strict(client: TestClient, admin, issuer_key, path, payload,
                             field: str) -> None:
    headers = admin if path == "/issuers" else issuer_key
    body = _problem(client.post(path, headers=headers, json=payload), 422)
    assert field in {f for f, _ in _errors(body)}


def _chunks(size: int) -> Iterator[bytes]:
    yield b'{"slug": "x", "name": "'
    for _ in range(size // 65536 + 1):
        yield b"a" * 65536
    yield b'"}'


def test_chunked_body_over_the_cap_is_413(client: TestClient, admin) -> None:
    """No Content-Length (chunked): the cap is enforced while reading, and still a 413."""
    response = client.post("/issuers", headers={**admin, "Content-Type": "application/json"},
                           content=_chunks(3 * 1024 * 1024))
    assert "content-length" not in response.request.headers
    _problem(response, 413)


@pytest.mark.parametrize(("path", "allowed"), [
    ("/issuers/uni", {"GET", "PATCH"}),
    ("/verify", {"GET", "POST"}),
    ("/issuers", {"POST"}),
])
def test_405_allow_names_every_method_at_the_path(client: TestClient, issuer_key, path: str,
                                                  allowed: set[str]) -> None:
    """RFC 9110 section 15.5.6: a 405 carries Allow listing the target's methods."""
    response = client.options(path)
    _problem(response, 405)
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


def test_deep_nesting_is_refused_not_500(client: TestClient, admin) -> None:
    # Measured on the text before any parser (api/limits.JsonNestingLimit): 422 naming the
    # limit (issue 12.2); the strict parser's own "nesting" 400 stays as a second guard.
    response = client.post("/issuers", headers={**admin, "Content-Type": "application/json"},
                           content=b"[" * 200_000)
    assert ("body", "max-nesting-depth") in _errors(_problem(response, 422))
