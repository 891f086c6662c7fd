"""did:web <-> URL: the did:web spec examples, round trips, and malformed DIDs."""

from __future__ import annotations

import pytest

from vcissuer.dids import did_web_from_url, did_web_to_url
from vcissuer.errors import INVALID_VERIFICATION_METHOD_URL, ResolutionError


@pytest.mark.parametrize(("did", "url"), [
    # https://w3c-ccg.github.io/did-method-web/#read-resolve
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ("did:web:example.com", "https://example.com/.well-known/did.json"),
    ("did:web:example.com:issuers:42", "https://example.com/issuers/42/did.json"),
    ("did:web:localhost%3a8000", "https://localhost:8000/.well-known/did.json"),
    ("did:web:Example.COM:A", "https://example.com/A/did.json"),
    ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
])
def test_did_web_to_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(("base", "segments", "did"), [
    ("http://localhost:8000", ["issuers", "acme"], "did:web:localhost%3A8000:issuers:acme"),
    ("https://example.com", [], "did:web:example.com"),
    ("https://example.com/", ["issuers", "42"], "did:web:example.com:issuers:42"),
    ("https://EXAMPLE.com/base/", ["x"], "did:web:example.com:base:x"),
    ("https://example.com", ["a b", "c:d", "e~f"], "did:web:example.com:a%20b:c%3Ad:e%7Ef"),
])
def test_did_web_from_url(base: str, segments: list[str], did: str) -> None:
    assert did_web_from_url(base, segments) == did


def test_round_trip_for_the_design_example() -> None:
    did = did_web_from_url("http://localhost:8000", ["issuers", "acme"])
    assert did_web_to_url(did) == "https://localhost:8000/issuers/acme/did.json"


# --- failures ------------------------------------------------------------------------------

@pytest.mark.parametrize("did", [
    "did:web:",
    "did:web",
    "did:key:z6Mk",
    "did:web:example.com#key-1",
    "did:web:example.com?x=1",
    "did:web:example.com/path",
    "did:web:example.com::x",
    "did:web:example.com:",
    "did:web:-example.com",
    "did:web:example..com",
    "did:web:example.com%3Aport",
    "did:web:example.com%3A99999",
    "did:web:example.com%3A0",
    "did:web:exa%2Fmple.com",
    "did:web:example.com%3A80%3A90",
    "did:web:user@example.com",
    "https://example.com",
    None,
])
def test_malformed_dids(did: str) -> None:
    with pytest.raises(ResolutionError) as caught:
        did_web_to_url(did)
    assert caught.value.code == INVALID_VERIFICATION_METHOD_URL


@pytest.mark.parametrize(("base", "segments"), [
    ("ftp://example.com", []),
    ("example.com", []),
    ("https://example.com?q=1", []),
    ("https://example.com#frag", []),
    ("https://user:pw@example.com", []),
    ("https://example.com", [""]),
    ("https://ex_ample.com", []),
])
def test_did_web_from_url_rejects(base: str, segments: list[str]) -> None:
    with pytest.raises(ValueError):
        did_web_from_url(base, segments)
