"""RSA (RS256): sign/verify, JWK, key sizes, and every way it fails."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from vcissuer.errors import KeyFormatError
from vcissuer.keys import KeyAlgorithm, RsaKeyPair, Signer, Verifier
from vcissuer.keys.multibase import base64url_decode


@pytest.fixture(scope="module")
def pair() -> RsaKeyPair:
    return RsaKeyPair.generate()


def test_sign_and_verify(pair: RsaKeyPair) -> None:
    signer, verifier = pair.signer("k"), pair.verifier("k")
    assert isinstance(signer, Signer) and isinstance(verifier, Verifier)
    assert signer.algorithm is verifier.algorithm is KeyAlgorithm.RSA
    signature = signer.sign(b"data")
    assert len(signature) == 256
    assert verifier.verify(b"data", signature)
    # PKCS#1 v1.5 is deterministic
    assert signer.sign(b"data") == signature


def test_public_jwk_round_trip(pair: RsaKeyPair) -> None:
    jwk = pair.public_jwk()
    assert set(jwk) == {"kty", "n", "e"} and jwk["kty"] == "RSA"
    assert jwk["e"] == "AQAB"
    again = RsaKeyPair.from_public_numbers(n=int.from_bytes(base64url_decode(jwk["n"]), "big"),
                                           e=65537)
    assert again.verifier("k").verify(b"x", pair.signer("k").sign(b"x"))
    assert not again.can_sign
    assert again.key_size == 2048


# --- failures ------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate", [
    lambda s: s[:-1], lambda s: s + b"\0", lambda s: b"", lambda s: bytes(256),
    lambda s: bytes([s[0] ^ 1]) + s[1:],
])
def test_verify_returns_false_for_bad_signatures(pair: RsaKeyPair, mutate) -> None:
    signature = pair.signer("k").sign(b"data")
    assert pair.verifier("k").verify(b"data", mutate(signature)) is False


def test_public_only_pair_cannot_sign(pair: RsaKeyPair) -> None:
    public = RsaKeyPair(pair.verifier("k").public_key)
    with pytest.raises(KeyFormatError, match="only verify"):
        public.signer("k")


def test_rejects_keys_under_2048_bits() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(KeyFormatError, match="too small"):
        RsaKeyPair.from_private_key(small)


@pytest.mark.parametrize("bits", [1024, 2047, 8192])
def test_generate_rejects_unusual_sizes(bits: int) -> None:
    with pytest.raises(ValueError, match="key size"):
        RsaKeyPair.generate(bits=bits)


def test_rejects_invalid_public_numbers() -> None:
    with pytest.raises(KeyFormatError):
        RsaKeyPair.from_public_numbers(n=(1 << 2048) - 1, e=2)


def test_rejects_mismatched_private_key(pair: RsaKeyPair) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(KeyFormatError, match="does not match"):
        RsaKeyPair(pair.verifier("k").public_key, private_key=other)
