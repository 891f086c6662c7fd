"""The public API of vcissuer.keys is what ``__all__`` says, and every name is importable."""

from __future__ import annotations

import vcissuer.keys as keys

EXPECTED = {
    "KeyAlgorithm", "Signer", "Verifier",
    "AnyKeyPair", "Ed25519KeyPair", "Ed25519Signer", "Ed25519Verifier", "KeyPair",
    "P256KeyPair", "P256Signer", "P256Verifier", "RsaKeyPair", "RsaSigner", "RsaVerifier",
    "generate_key_pair", "key_pair_from_private_key",
    "MultibaseError", "base58btc_decode", "base58btc_encode", "base64url_decode",
    "base64url_encode", "decode_public_multikey", "decode_secret_multikey",
    "der_to_raw_signature", "encode_public_multikey", "encode_secret_multikey",
    "multibase_decode", "multibase_encode", "raw_to_der_signature",
    "jwk_thumbprint", "key_pair_from_jwk", "verifier_from_jwk",
    "KeyStore",
}


def test_all_is_the_public_api() -> None:
    assert set(keys.__all__) == EXPECTED
    assert len(keys.__all__) == len(set(keys.__all__))
    for name in keys.__all__:
        assert getattr(keys, name) is not None
