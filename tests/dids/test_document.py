"""CID 1.0 "Retrieve Verification Method" over a document: each supported type, each failure."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from vcissuer.dids import (
    ASSERTION_METHOD,
    AUTHENTICATION,
    VerificationMethod,
    select_verification_method,
)
from vcissuer.errors import (
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT,
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD_URL,
    ResolutionError,
)
from vcissuer.keys import Ed25519KeyPair, KeyAlgorithm, P256KeyPair
from vcissuer.keys.multibase import base58btc_encode

DID = "did:web:issuer.example:issuers:acme"
ED = Ed25519KeyPair.generate()
ED_2020 = Ed25519KeyPair.generate()
ED_2018 = Ed25519KeyPair.generate()
P256 = P256KeyPair.generate()
EMBEDDED = Ed25519KeyPair.generate()
AUTH = Ed25519KeyPair.generate()


def _document() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {"id": "#key-1", "type": "Multikey", "controller": DID,
             "publicKeyMultibase": ED.public_multibase},
            {"id": f"{DID}#key-2", "type": "JsonWebKey", "controller": DID,
             "publicKeyJwk": P256.public_jwk()},
            {"id": f"{DID}#key-3", "type": "Ed25519VerificationKey2020", "controller": DID,
             "publicKeyMultibase": ED_2020.public_multibase},
            {"id": f"{DID}#key-5", "type": "Ed25519VerificationKey2018", "controller": DID,
             "publicKeyBase58": base58btc_encode(ED_2018.public_bytes)},
            {"id": f"{DID}#auth", "type": "Multikey", "controller": DID,
             "publicKeyMultibase": AUTH.public_multibase},
        ],
        "assertionMethod": [
            "#key-1", f"{DID}#key-2", f"{DID}#key-3", f"{DID}#key-5",
            {"id": "#key-4", "type": "JsonWebKey2020", "controller": DID,
             "publicKeyJwk": EMBEDDED.public_jwk()},
        ],
        "authentication": ["#auth"],
    }


@pytest.mark.parametrize(("fragment", "kind", "pair"), [
    ("key-1", "Multikey", ED),
    ("key-2", "JsonWebKey", P256),
    ("key-3", "Ed25519VerificationKey2020", ED_2020),
    ("key-4", "JsonWebKey2020", EMBEDDED),
    ("key-5", "Ed25519VerificationKey2018", ED_2018),
])
def test_selects_each_supported_type(fragment: str, kind: str, pair) -> None:
    url = f"{DID}#{fragment}"
    method = select_verification_method(_document(), url, purpose=ASSERTION_METHOD)
    assert isinstance(method, VerificationMethod)
    assert (method.id, method.type, method.controller) == (url, kind, DID)
    assert method.verifier.id == url
    assert method.verifier.algorithm is pair.algorithm
    assert method.verifier.verify(b"m", pair.signer(url).sign(b"m"))
    assert not method.verifier.verify(b"m", ED.signer(url).sign(b"other"))
    assert method.document["id"] == DID


def test_authentication_purpose() -> None:
    method = select_verification_method(_document(), f"{DID}#auth", purpose=AUTHENTICATION)
    assert method.verifier.algorithm is KeyAlgorithm.ED25519


def test_https_controller_document() -> None:
    base = "https://issuer.example/issuers/1"
    document = {"id": base, "verificationMethod": [
        {"id": f"{base}#{ED.public_multibase}", "type": "Multikey", "controller": base,
         "publicKeyMultibase": ED.public_multibase}],
        "assertionMethod": [f"{base}#{ED.public_multibase}"]}
    method = select_verification_method(document, f"{base}#{ED.public_multibase}",
                                        purpose=ASSERTION_METHOD)
    assert method.controller == base


# --- one failure per step of the algorithm -------------------------------------------------

def _fails(document: Any, url: str, code: str, *, purpose: str = ASSERTION_METHOD) -> str:
    with pytest.raises(ResolutionError) as caught:
        select_verification_method(document, url, purpose=purpose)
    assert caught.value.code == code, caught.value.message
    return caught.value.message


@pytest.mark.parametrize("url", ["#key-1", "key-1", f"{DID}", f"{DID}#", "", None])
def test_url_must_be_absolute_with_a_fragment(url: str) -> None:
    _fails(_document(), url, INVALID_VERIFICATION_METHOD_URL)


@pytest.mark.parametrize("document", [None, [], "doc", {"verificationMethod": []}, {"id": 5}])
def test_document_must_be_an_object_with_an_id(document: Any) -> None:
    _fails(document, f"{DID}#key-1", INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)


def test_document_id_must_equal_the_url_without_fragment() -> None:
    document = {**_document(), "id": "did:web:evil.example"}
    message = _fails(document, f"{DID}#key-1", INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID)
    assert "evil.example" in message


def test_method_must_exist() -> None:
    _fails(_document(), f"{DID}#key-9", INVALID_VERIFICATION_METHOD)


def test_method_id_must_match_the_full_url() -> None:
    # the fragment exists, but under another document's id
    document = _document()
    document["verificationMethod"][0]["id"] = "did:web:other.example#key-1"
    _fails(document, f"{DID}#key-1", INVALID_VERIFICATION_METHOD)


def test_method_controller_must_be_the_document() -> None:
    document = _document()
    document["verificationMethod"][0]["controller"] = "did:web:evil.example"
    message = _fails(document, f"{DID}#key-1", INVALID_VERIFICATION_METHOD)
    assert "evil.example" in message


def test_method_without_controller_is_invalid() -> None:
    document = _document()
    del document["verificationMethod"][0]["controller"]
    _fails(document, f"{DID}#key-1", INVALID_VERIFICATION_METHOD)


def test_method_must_be_listed_for_the_purpose() -> None:
    _fails(_document(), f"{DID}#auth", INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD)
    _fails(_document(), f"{DID}#key-1", INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
           purpose=AUTHENTICATION)
    _fails(_document(), f"{DID}#key-1", INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
           purpose="capabilityInvocation")


def test_a_method_defined_twice_differently_is_refused() -> None:
    document = _document()
    twin = copy.deepcopy(document["verificationMethod"][0])
    twin["publicKeyMultibase"] = P256.public_multibase
    document["verificationMethod"].append(twin)
    _fails(document, f"{DID}#key-1", INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)


def test_verification_method_entries_must_be_objects() -> None:
    document = {**_document(), "verificationMethod": ["#key-1"]}
    _fails(document, f"{DID}#key-1", INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)


@pytest.mark.parametrize(("change", "message"), [
    ({"type": "EcdsaSecp256k1VerificationKey2019"}, "unsupported verification method type"),
    ({"type": None}, "unsupported verification method type"),
    ({"publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}}, "exactly one"),
    ({"publicKeyMultibase": "z6MkBAD0"}, "base58btc"),
    ({"publicKeyMultibase": "u7QE"}, "prefix 'z'"),
    ({"secretKeyMultibase": "z3u2xxxx"}, "secret key material"),
    ({"type": "JsonWebKey"}, "does not carry publicKeyMultibase"),
])
def test_unusable_key_material(change: dict[str, Any], message: str) -> None:
    document = _document()
    document["verificationMethod"][0].update(change)
    assert message in _fails(document, f"{DID}#key-1", INVALID_VERIFICATION_METHOD)


def test_ed25519_2020_must_hold_an_ed25519_key() -> None:
    document = _document()
    document["verificationMethod"][2]["publicKeyMultibase"] = P256.public_multibase
    assert "Ed25519" in _fails(document, f"{DID}#key-3", INVALID_VERIFICATION_METHOD)


def test_jwk_with_private_member_is_refused() -> None:
    document = _document()
    document["verificationMethod"][1]["publicKeyJwk"] = {**P256.public_jwk(), "d": "AAAA"}
    assert "private" in _fails(document, f"{DID}#key-2", INVALID_VERIFICATION_METHOD)


@pytest.mark.parametrize("purpose", ["verificationMethod", "id", "controller", "", None])
def test_purpose_must_be_a_relationship(purpose: Any) -> None:
    with pytest.raises(ValueError, match="relationship"):
        select_verification_method(_document(), f"{DID}#key-1", purpose=purpose)
