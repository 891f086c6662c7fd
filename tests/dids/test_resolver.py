"""Resolvers: did:key offline, documents at hand, the opt-in fragment quirk, and dispatch."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.dids import (
    ASSERTION_METHOD,
    AUTHENTICATION,
    CompositeResolver,
    DidKeyResolver,
    FragmentKeyResolver,
    SelectiveResolver,
    StaticResolver,
    did_key_from_public,
    resolve_did_key,
)
from vcissuer.errors import (
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD_URL,
    ResolutionError,
)
from vcissuer.keys import Ed25519KeyPair, KeyAlgorithm, P256KeyPair

VECTORS = Path(__file__).parents[1] / "vectors"
W3C_KEYS = load_json(VECTORS / "w3c-vc-di-eddsa/keyPair.json")
ONE_EDTECH_KEYS = load_json(VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/obv3p0/key-pair.json")
VALIDATOR = VECTORS / "1edtech-validator-ob30"


def _method_of(path: Path) -> str:
    proof = load_json(path)["proof"]
    return (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]


def test_did_key_resolver_on_the_w3c_vector() -> None:
    url = load_json(VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json")["proof"][
        "verificationMethod"]
    method = DidKeyResolver().resolve(url, purpose=ASSERTION_METHOD)
    pair = Ed25519KeyPair.from_multikey(W3C_KEYS["publicKeyMultibase"],
                                        W3C_KEYS["privateKeyMultibase"])
    assert method.id == url
    assert method.controller == did_key_from_public(W3C_KEYS["publicKeyMultibase"])
    assert method.verifier.verify(b"m", pair.signer(url).sign(b"m"))


def test_did_key_resolver_reads_a_bare_did_key_as_its_only_key() -> None:
    # valid/simple-did-key-method.json names its key by the bare DID; the validator accepts it.
    url = _method_of(VALIDATOR / "valid/simple-did-key-method.json")
    assert "#" not in url
    method = DidKeyResolver().resolve(url, purpose=ASSERTION_METHOD)
    assert method.id == f"{url}#{ONE_EDTECH_KEYS['publicKeyMultibase']}"
    assert method.controller == url


def test_did_key_resolver_p256() -> None:
    pair = P256KeyPair.generate()
    did = did_key_from_public(pair.public_multibase)
    method = DidKeyResolver().resolve(f"{did}#{pair.public_multibase}", purpose=AUTHENTICATION)
    assert method.verifier.algorithm is KeyAlgorithm.P256


def test_static_resolver() -> None:
    pair = Ed25519KeyPair.generate()
    did = "did:web:issuer.example"
    document = {"id": did, "verificationMethod": [
        {"id": f"{did}#k", "type": "Multikey", "controller": did,
         "publicKeyMultibase": pair.public_multibase}], "assertionMethod": ["#k"]}
    for resolver in (StaticResolver({did: document}), StaticResolver.from_documents([document])):
        assert resolver.supports(f"{did}#k") and not resolver.supports("did:web:other#k")
        method = resolver.resolve(f"{did}#k", purpose=ASSERTION_METHOD)
        assert method.verifier.verify(b"m", pair.signer("x").sign(b"m"))


def test_fragment_key_resolver_on_the_1edtech_vector() -> None:
    url = _method_of(VALIDATOR / "valid/simple.json")
    resolver = FragmentKeyResolver()
    assert resolver.supports(url)
    method = resolver.resolve(url, purpose=ASSERTION_METHOD)
    assert method.controller == "https://example.com/issuers/876543"
    assert method.type == "Multikey"
    keys = Ed25519KeyPair.from_seed(bytes.fromhex(ONE_EDTECH_KEYS["privateKeyHex"])[:32])
    assert method.verifier.verify(b"m", keys.signer(url).sign(b"m"))


def test_fragment_key_resolver_accepts_p256() -> None:
    pair = P256KeyPair.generate()
    method = FragmentKeyResolver().resolve(f"https://issuer.example/x#{pair.public_multibase}",
                                           purpose=ASSERTION_METHOD)
    assert method.verifier.algorithm is KeyAlgorithm.P256


def test_composite_dispatches_by_url() -> None:
    pair = Ed25519KeyPair.generate()
    did = "did:web:issuer.example"
    https = f"https://issuer.example/profile#{pair.public_multibase}"
    document = {"id": did, "verificationMethod": [
        {"id": f"{did}#k", "type": "Multikey", "controller": did,
         "publicKeyMultibase": pair.public_multibase}], "assertionMethod": [f"{did}#k"]}
    resolver = CompositeResolver([DidKeyResolver(), StaticResolver({did: document}),
                                  FragmentKeyResolver()])
    assert isinstance(resolver, SelectiveResolver)
    did_key = did_key_from_public(pair.public_multibase)
    for url in (f"{did_key}#{pair.public_multibase}", f"{did}#k", https):
        assert resolver.supports(url)
        assert resolver.resolve(url, purpose=ASSERTION_METHOD).verifier.verify(
            b"m", pair.signer("x").sign(b"m"))


def test_composite_prefers_a_fetched_document_over_the_fragment_quirk() -> None:
    real, fake = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    base = "https://issuer.example/profile"
    url = f"{base}#{fake.public_multibase}"
    document = {"id": base, "verificationMethod": [
        {"id": f"{base}#{real.public_multibase}", "type": "Multikey", "controller": base,
         "publicKeyMultibase": real.public_multibase}],
        "assertionMethod": [f"{base}#{real.public_multibase}"]}
    resolver = CompositeResolver([StaticResolver({base: document}), FragmentKeyResolver()])
    with pytest.raises(ResolutionError) as caught:
        resolver.resolve(url, purpose=ASSERTION_METHOD)
    assert caught.value.code == INVALID_VERIFICATION_METHOD


# --- failures ------------------------------------------------------------------------------

def _code(resolver, url: str, *, purpose: str = ASSERTION_METHOD) -> str:
    with pytest.raises(ResolutionError) as caught:
        resolver.resolve(url, purpose=purpose)
    return caught.value.code


def test_did_key_resolver_failures() -> None:
    did = did_key_from_public(W3C_KEYS["publicKeyMultibase"])
    resolver = DidKeyResolver()
    assert not resolver.supports("did:web:example.com#k")
    assert _code(resolver, f"{did}#other") == INVALID_VERIFICATION_METHOD
    assert _code(resolver, "did:key:z6MkBAD0#z6MkBAD0") == INVALID_VERIFICATION_METHOD
    assert _code(resolver, "did:web:example.com#k") == INVALID_VERIFICATION_METHOD_URL
    assert _code(resolver, f"{did}#{W3C_KEYS['publicKeyMultibase']}",
                 purpose="keyAgreement") == INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD


def test_static_resolver_failures() -> None:
    did = "did:web:issuer.example"
    spoof = resolve_did_key(did_key_from_public(W3C_KEYS["publicKeyMultibase"]))
    resolver = StaticResolver({did: spoof})
    assert _code(resolver, f"{did}#k") == INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID
    assert _code(resolver, "did:web:unknown.example#k") == INVALID_VERIFICATION_METHOD
    assert _code(resolver, "no-scheme#k") == INVALID_VERIFICATION_METHOD_URL
    with pytest.raises(ValueError, match="string id"):
        StaticResolver.from_documents([{"no": "id"}])


def test_fragment_key_resolver_failures() -> None:
    resolver = FragmentKeyResolver()
    key = ONE_EDTECH_KEYS["publicKeyMultibase"]
    assert _code(resolver, f"https://issuer.example#{key}",
                 purpose=AUTHENTICATION) == INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD
    assert _code(resolver, "https://issuer.example#key-1") == INVALID_VERIFICATION_METHOD
    assert _code(resolver, f"did:web:issuer.example#{key}") == INVALID_VERIFICATION_METHOD
    assert _code(resolver, "https://issuer.example") == INVALID_VERIFICATION_METHOD_URL
    # 1EdTech invalid/simple-err-proof-method.json: a malformed multikey in the fragment
    bad = _method_of(VALIDATOR / "invalid/simple-err-proof-method.json")
    assert not resolver.supports(bad)
    assert _code(resolver, bad) == INVALID_VERIFICATION_METHOD
    # a secret key in a fragment is not a public key
    secret = Ed25519KeyPair.generate().secret_multibase()
    assert not resolver.supports(f"https://issuer.example#{secret}")
    assert not resolver.supports(f"ftp://issuer.example#{key}")


def test_fragment_key_resolver_purposes_are_configurable() -> None:
    resolver = FragmentKeyResolver(purposes={ASSERTION_METHOD, AUTHENTICATION})
    key = ONE_EDTECH_KEYS["publicKeyMultibase"]
    assert resolver.resolve(f"https://i.example#{key}", purpose=AUTHENTICATION).controller == (
        "https://i.example")


def test_composite_failures() -> None:
    resolver = CompositeResolver([DidKeyResolver()])
    # 1EdTech invalid/simple-err-proof-method-unknown-did-method.json
    unknown = _method_of(VALIDATOR / "invalid/simple-err-proof-method-unknown-did-method.json")
    with pytest.raises(ResolutionError, match="DID method 'example'"):
        resolver.resolve(unknown, purpose=ASSERTION_METHOD)
    with pytest.raises(ResolutionError, match="not fetched"):
        resolver.resolve("https://issuer.example/x#key-1", purpose=ASSERTION_METHOD)
    assert not resolver.supports("did:web:example.com#k")


def test_the_fragment_quirk_is_not_a_default() -> None:
    key = ONE_EDTECH_KEYS["publicKeyMultibase"]
    with pytest.raises(ResolutionError):
        CompositeResolver([DidKeyResolver()]).resolve(f"https://issuer.example#{key}",
                                                      purpose=ASSERTION_METHOD)


def test_a_resolver_without_supports_takes_everything() -> None:
    class Anything:
        def resolve(self, url: str, *, purpose: str):
            raise ResolutionError("asked", code=INVALID_VERIFICATION_METHOD)

    with pytest.raises(ResolutionError, match="asked"):
        CompositeResolver([Anything()]).resolve("did:example:1#k", purpose=ASSERTION_METHOD)
