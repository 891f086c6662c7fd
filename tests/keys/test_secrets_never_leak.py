"""Private key bytes never appear in a repr, a str, or an error message, in any encoding."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from vcissuer.errors import KeyFormatError
from vcissuer.keys import (
    Ed25519KeyPair,
    KeyStore,
    P256KeyPair,
    RsaKeyPair,
    decode_secret_multikey,
)
from vcissuer.keys.multibase import base58btc_encode, base64url_encode, multibase_encode
from vcissuer.keys.multikey import ED25519_SECRET_HEADER


def _forms(secret: bytes) -> list[str]:
    """The secret as it could show up: hex (both cases), base64, base64url, base58, multibase."""
    b64 = base64.b64encode(secret).decode()
    return [secret.hex(), secret.hex().upper(), b64.rstrip("="), base64url_encode(secret),
            base58btc_encode(secret), multibase_encode(secret), str(list(secret))[1:40],
            repr(secret)[2:40]]


def _ed25519_secret(pair: Ed25519KeyPair) -> bytes:
    return pair.signer("k").private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                                      NoEncryption())


def _assert_clean(text: str, secret: bytes, *extra: str) -> None:
    for form in [*_forms(secret), *extra]:
        assert form not in text, "secret material leaked"


@pytest.fixture(scope="module")
def rsa_pair() -> RsaKeyPair:
    return RsaKeyPair.generate()


def test_ed25519_objects(tmp_path: Path) -> None:
    pair = Ed25519KeyPair.generate()
    secret = _ed25519_secret(pair)
    signer, verifier = pair.signer("did:example:1#k"), pair.verifier("did:example:1#k")
    text = " ".join([repr(pair), str(pair), repr(signer), str(signer), repr(verifier)])
    _assert_clean(text, secret, pair.secret_multibase())


def test_p256_objects() -> None:
    pair = P256KeyPair.generate()
    scalar = pair.signer("k").private_key.private_numbers().private_value
    secret = scalar.to_bytes(32, "big")
    text = " ".join([repr(pair), str(pair), repr(pair.signer("k")), str(pair.signer("k"))])
    _assert_clean(text, secret, pair.secret_multibase(), str(scalar))


def test_rsa_objects(rsa_pair: RsaKeyPair) -> None:
    d = rsa_pair.signer("k").private_key.private_numbers().d
    secret = d.to_bytes((d.bit_length() + 7) // 8, "big")
    text = " ".join([repr(rsa_pair), str(rsa_pair), repr(rsa_pair.signer("k"))])
    _assert_clean(text, secret, str(d)[:30])


def test_key_store_repr_and_errors(tmp_path: Path) -> None:
    passphrase = b"s3cret-passphrase"
    store = KeyStore(tmp_path, passphrase=passphrase)
    pair = store.generate("k")
    assert isinstance(pair, Ed25519KeyPair)
    secret = _ed25519_secret(pair)
    pem = (tmp_path / "k.pem").read_text()
    messages = [repr(store), str(store)]
    for wrong in (KeyStore(tmp_path, passphrase=b"nope"), KeyStore(tmp_path)):
        with pytest.raises(KeyFormatError) as caught:
            wrong.load("k")
        messages += [str(caught.value), repr(caught.value)]
        assert caught.value.__cause__ is None
    text = " ".join(messages)
    _assert_clean(text, secret, passphrase.decode(), pem.splitlines()[1][:40])


def test_multikey_errors() -> None:
    pair = Ed25519KeyPair.generate()
    secret = _ed25519_secret(pair)
    secret_multibase = pair.secret_multibase()
    attempts = [
        lambda: Ed25519KeyPair.from_multikey(Ed25519KeyPair.generate().public_multibase,
                                             secret_multibase),  # does not match
        lambda: Ed25519KeyPair.from_multikey(secret_multibase),  # secret given as public
        lambda: decode_secret_multikey(secret_multibase[:-3]),  # truncated
        lambda: decode_secret_multikey("u" + secret_multibase[1:]),  # wrong base
        lambda: decode_secret_multikey(multibase_encode(b"\x00\x01" + secret)),  # wrong header
        lambda: decode_secret_multikey(
            multibase_encode(ED25519_SECRET_HEADER + secret + bytes(32))),  # wrong public half
        lambda: Ed25519KeyPair.from_seed(secret + b"\0"),  # wrong length
        lambda: P256KeyPair.from_multikey(P256KeyPair.generate().public_multibase,
                                          secret_multibase),  # wrong algorithm
    ]
    messages = []
    for attempt in attempts:
        with pytest.raises(KeyFormatError) as caught:
            attempt()
        messages += [str(caught.value), repr(caught.value)]
    _assert_clean(" ".join(messages), secret, secret_multibase, secret_multibase[1:12])
