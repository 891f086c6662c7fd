"""did:key: identifiers from Multikeys and their offline DID documents."""

from __future__ import annotations

import pytest

from vcissuer.dids import did_key_from_public, resolve_did_key
from vcissuer.errors import (
    INVALID_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD_URL,
    KeyFormatError,
    ResolutionError,
)
from vcissuer.keys import Ed25519KeyPair, P256KeyPair

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_DID = "did:key:" + W3C_PUBLIC


def test_did_from_the_w3c_vector_key() -> None:
    assert did_key_from_public(W3C_PUBLIC) == W3C_DID


def test_document_shape() -> None:
    document = resolve_did_key(W3C_DID)
    method_id = f"{W3C_DID}#{W3C_PUBLIC}"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": W3C_DID,
        "verificationMethod": [{"id": method_id, "type": "Multikey", "controller": W3C_DID,
                                "publicKeyMultibase": W3C_PUBLIC}],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def test_p256_did_key() -> None:
    pair = P256KeyPair.generate()
    did = did_key_from_public(pair.public_multibase)
    assert did.startswith("did:key:zDn")
    document = resolve_did_key(did)
    assert document["verificationMethod"][0]["publicKeyMultibase"] == pair.public_multibase


def test_documents_are_fresh_objects() -> None:
    resolve_did_key(W3C_DID)["assertionMethod"].append("x")
    assert resolve_did_key(W3C_DID)["assertionMethod"] == [f"{W3C_DID}#{W3C_PUBLIC}"]


# --- failures ------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [W3C_SECRET, "u7QEAAA", "z6Mk", "", "not-multibase"])
def test_did_key_from_public_rejects_non_public_keys(value: str) -> None:
    with pytest.raises(KeyFormatError):
        did_key_from_public(value)


@pytest.mark.parametrize(("did", "code"), [
    ("did:web:example.com", INVALID_VERIFICATION_METHOD_URL),
    ("did:key", INVALID_VERIFICATION_METHOD_URL),
    (f"{W3C_DID}#{W3C_PUBLIC}", INVALID_VERIFICATION_METHOD_URL),
    (f"{W3C_DID}/path", INVALID_VERIFICATION_METHOD_URL),
    (f"{W3C_DID}?q=1", INVALID_VERIFICATION_METHOD_URL),
    ("did:key:" + W3C_SECRET, INVALID_VERIFICATION_METHOD),
    ("did:key:z6MkBAD0", INVALID_VERIFICATION_METHOD),
    ("did:key:", INVALID_VERIFICATION_METHOD),
])
def test_resolve_rejects(did: str, code: str) -> None:
    with pytest.raises(ResolutionError) as caught:
        resolve_did_key(did)
    assert caught.value.code == code


def test_a_secret_multikey_is_not_a_did_key() -> None:
    pair = Ed25519KeyPair.generate()
    with pytest.raises(ResolutionError, match="multicodec header"):
        resolve_did_key("did:key:" + pair.secret_multibase())
