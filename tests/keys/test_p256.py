"""P-256 (ES256): raw r||s signatures, Multikey and JWK forms, and every way it fails."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from vcissuer.errors import KeyFormatError
from vcissuer.keys import KeyAlgorithm, P256KeyPair, Signer, Verifier
from vcissuer.keys.multibase import base64url_decode
from vcissuer.keys.p256 import der_to_raw_signature, raw_to_der_signature


@pytest.fixture(scope="module")
def pair() -> P256KeyPair:
    return P256KeyPair.generate()


def test_sign_and_verify_raw_signatures(pair: P256KeyPair) -> None:
    signer, verifier = pair.signer("k"), pair.verifier("k")
    assert isinstance(signer, Signer) and isinstance(verifier, Verifier)
    assert signer.algorithm is KeyAlgorithm.P256
    signature = signer.sign(b"data")
    assert len(signature) == 64
    assert verifier.verify(b"data", signature)


def test_signatures_interoperate_with_der(pair: P256KeyPair) -> None:
    signature = pair.signer("k").sign(b"data")
    der = raw_to_der_signature(signature)
    pair.verifier("k").public_key.verify(der, b"data", ec.ECDSA(hashes.SHA256()))
    assert der_to_raw_signature(der) == signature


def test_multikey_round_trip(pair: P256KeyPair) -> None:
    assert pair.public_multibase.startswith("zDn")
    assert len(pair.public_bytes) == 33
    again = P256KeyPair.from_multikey(pair.public_multibase, pair.secret_multibase())
    assert again.public_multibase == pair.public_multibase
    assert pair.verifier("k").verify(b"m", again.signer("k").sign(b"m"))


def test_public_jwk(pair: P256KeyPair) -> None:
    jwk = pair.public_jwk()
    assert set(jwk) == {"kty", "crv", "x", "y"}
    assert (jwk["kty"], jwk["crv"]) == ("EC", "P-256")
    assert len(base64url_decode(jwk["x"])) == len(base64url_decode(jwk["y"])) == 32
    again = P256KeyPair.from_public_coordinates(base64url_decode(jwk["x"]),
                                                base64url_decode(jwk["y"]))
    assert again.public_multibase == pair.public_multibase


def test_public_only_pair_cannot_sign(pair: P256KeyPair) -> None:
    public = P256KeyPair.from_multikey(pair.public_multibase)
    assert not public.can_sign
    with pytest.raises(KeyFormatError, match="only verify"):
        public.signer("k")


# --- failures ------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate", [
    lambda s: s[:-1], lambda s: s + b"\0", lambda s: b"", lambda s: bytes(64),
    lambda s: s[32:] + s[:32], lambda s: bytes([s[0] ^ 1]) + s[1:],
])
def test_verify_returns_false_for_bad_signatures(pair: P256KeyPair, mutate) -> None:
    signature = pair.signer("k").sign(b"data")
    assert pair.verifier("k").verify(b"data", mutate(signature)) is False


def test_raw_to_der_rejects_wrong_length() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        raw_to_der_signature(bytes(63))


def test_rejects_other_curves() -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(KeyFormatError, match="P-256"):
        P256KeyPair.from_private_key(p384)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [b"\x02" + (1).to_bytes(32, "big"), b"\x04" + bytes(64), bytes(10)])
def test_rejects_points_not_on_the_curve(raw: bytes) -> None:
    with pytest.raises(KeyFormatError, match="point"):
        P256KeyPair.from_public_bytes(raw)


def test_rejects_wrong_coordinate_lengths() -> None:
    with pytest.raises(KeyFormatError, match="32 bytes"):
        P256KeyPair.from_public_coordinates(bytes(31), bytes(32))


def test_rejects_a_secret_that_does_not_match(pair: P256KeyPair) -> None:
    other = P256KeyPair.generate()
    with pytest.raises(KeyFormatError, match="does not match"):
        P256KeyPair.from_multikey(pair.public_multibase, other.secret_multibase())


def test_rejects_an_ed25519_multikey() -> None:
    from vcissuer.keys import Ed25519KeyPair

    with pytest.raises(KeyFormatError, match="not P-256"):
        P256KeyPair.from_multikey(Ed25519KeyPair.generate().public_multibase)


def test_rejects_a_zero_scalar(pair: P256KeyPair) -> None:
    from vcissuer.keys import KeyAlgorithm
    from vcissuer.keys.multikey import encode_secret_multikey

    with pytest.raises(KeyFormatError, match="scalar"):
        P256KeyPair.from_multikey(pair.public_multibase,
                                  encode_secret_multikey(KeyAlgorithm.P256, bytes(32)))
