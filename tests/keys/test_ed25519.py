"""Ed25519 key pairs: published vectors first, then every way construction or use fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.errors import KeyFormatError
from vcissuer.keys import Ed25519KeyPair, KeyAlgorithm, Signer, Verifier
from vcissuer.keys.multibase import base64url_decode

VECTORS = Path(__file__).parents[1] / "vectors"
W3C_KEYS = load_json(VECTORS / "w3c-vc-di-eddsa/keyPair.json")
ONE_EDTECH = VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/obv3p0"

# RFC 8032 section 7.1, TEST 1 (empty message).
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")


def test_w3c_key_pair_round_trips() -> None:
    pair = Ed25519KeyPair.from_multikey(W3C_KEYS["publicKeyMultibase"],
                                        W3C_KEYS["privateKeyMultibase"])
    assert pair.public_multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert pair.secret_multibase() == "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    assert pair.can_sign


def test_one_edtech_key_signs_the_vector_data_to_its_signature() -> None:
    keys = load_json(ONE_EDTECH / "key-pair.json")
    values = load_json(ONE_EDTECH / "intermediate-values.json")
    pair = Ed25519KeyPair.from_seed(bytes.fromhex(keys["privateKeyHex"])[:32])
    assert pair.public_bytes.hex() == keys["publicKeyHex"]
    assert pair.public_multibase == keys["publicKeyMultibase"]
    signature = pair.signer(keys["id"]).sign(bytes.fromhex(values["dataToSignHex"]))
    assert signature.hex() == values["signatureHex"]
    # and its published 64-byte secretKeyMultibase gives the same key pair
    other = Ed25519KeyPair.from_multikey(keys["publicKeyMultibase"], keys["secretKeyMultibase"])
    assert other.signer("x").sign(b"abc") == pair.signer("x").sign(b"abc")


def test_rfc8032_test_1() -> None:
    pair = Ed25519KeyPair.from_seed(RFC8032_SEED)
    assert pair.public_bytes == RFC8032_PUBLIC
    assert pair.signer("k").sign(b"") == RFC8032_SIGNATURE
    assert Ed25519KeyPair.from_public_bytes(RFC8032_PUBLIC).verifier("k").verify(
        b"", RFC8032_SIGNATURE)


def test_signer_and_verifier_fulfil_the_protocols() -> None:
    pair = Ed25519KeyPair.generate()
    signer, verifier = pair.signer("did:example:1#k"), pair.verifier("did:example:1#k")
    assert isinstance(signer, Signer) and isinstance(verifier, Verifier)
    assert signer.algorithm is verifier.algorithm is KeyAlgorithm.ED25519
    assert signer.id == verifier.id == "did:example:1#k"
    assert verifier.verify(b"data", signer.sign(b"data"))


def test_public_jwk() -> None:
    pair = Ed25519KeyPair.from_seed(RFC8032_SEED)
    jwk = pair.public_jwk()
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}
    assert base64url_decode(jwk["x"]) == RFC8032_PUBLIC
    assert pair.signer("k").public_jwk() == jwk == pair.verifier("k").public_jwk()


def test_public_only_pair_verifies_but_cannot_sign() -> None:
    full = Ed25519KeyPair.generate()
    public = Ed25519KeyPair.from_multikey(full.public_multibase)
    assert not public.can_sign
    assert public.verifier("k").verify(b"m", full.signer("k").sign(b"m"))
    with pytest.raises(KeyFormatError, match="only verify"):
        public.signer("k")
    with pytest.raises(KeyFormatError):
        public.secret_multibase()
    with pytest.raises(KeyFormatError):
        public.to_pkcs8_pem(passphrase=None)


# --- verification returns False, never raises, for a signature that does not match ----------

@pytest.mark.parametrize("mutate", [
    lambda s: s[:-1],
    lambda s: s + b"\0",
    lambda s: b"",
    lambda s: bytes([s[0] ^ 1]) + s[1:],
    lambda s: bytes(64),
])
def test_verify_returns_false_for_bad_signatures(mutate) -> None:
    pair = Ed25519KeyPair.generate()
    signature = pair.signer("k").sign(b"message")
    assert pair.verifier("k").verify(b"message", mutate(signature)) is False


def test_verify_returns_false_for_other_data_or_key() -> None:
    pair, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    signature = pair.signer("k").sign(b"message")
    assert pair.verifier("k").verify(b"messagE", signature) is False
    assert other.verifier("k").verify(b"message", signature) is False


# --- every way construction fails ----------------------------------------------------------

@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33), bytes(64)])
def test_from_seed_rejects_wrong_lengths(seed: bytes) -> None:
    with pytest.raises(KeyFormatError, match="seed is 32 bytes"):
        Ed25519KeyPair.from_seed(seed)


def test_from_public_bytes_rejects_wrong_length() -> None:
    with pytest.raises(KeyFormatError, match="32 bytes"):
        Ed25519KeyPair.from_public_bytes(bytes(33))


def test_from_multikey_rejects_a_secret_that_does_not_match() -> None:
    other = Ed25519KeyPair.generate()
    with pytest.raises(KeyFormatError, match="does not match"):
        Ed25519KeyPair.from_multikey(W3C_KEYS["publicKeyMultibase"], other.secret_multibase())


def test_from_multikey_rejects_a_p256_key() -> None:
    from vcissuer.keys import P256KeyPair

    p256 = P256KeyPair.generate()
    with pytest.raises(KeyFormatError, match="not Ed25519"):
        Ed25519KeyPair.from_multikey(p256.public_multibase)
    with pytest.raises(KeyFormatError, match="not Ed25519"):
        Ed25519KeyPair.from_multikey(W3C_KEYS["publicKeyMultibase"], p256.secret_multibase())


def test_from_multikey_rejects_public_and_secret_swapped() -> None:
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_multikey(W3C_KEYS["privateKeyMultibase"])
