"""Keys: Signer/Verifier roles, Ed25519, P-256 and RSA key pairs, Multikey, JWK, the key store."""

from vcissuer.keys.base import KeyAlgorithm, Signer, Verifier
from vcissuer.keys.ed25519 import Ed25519KeyPair, Ed25519Signer, Ed25519Verifier
from vcissuer.keys.jwk import jwk_thumbprint, key_pair_from_jwk, verifier_from_jwk
from vcissuer.keys.multibase import (
    MultibaseError,
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
)
from vcissuer.keys.multikey import (
    decode_public_multikey,
    decode_secret_multikey,
    encode_public_multikey,
    encode_secret_multikey,
)
from vcissuer.keys.p256 import (
    P256KeyPair,
    P256Signer,
    P256Verifier,
    der_to_raw_signature,
    raw_to_der_signature,
)
from vcissuer.keys.pair import AnyKeyPair, KeyPair, generate_key_pair, key_pair_from_private_key
from vcissuer.keys.rsa import RsaKeyPair, RsaSigner, RsaVerifier
from vcissuer.keys.store import KeyStore

__all__ = [
    # roles
    "KeyAlgorithm",
    "Signer",
    "Verifier",
    # key pairs
    "AnyKeyPair",
    "Ed25519KeyPair",
    "Ed25519Signer",
    "Ed25519Verifier",
    "KeyPair",
    "P256KeyPair",
    "P256Signer",
    "P256Verifier",
    "RsaKeyPair",
    "RsaSigner",
    "RsaVerifier",
    "generate_key_pair",
    "key_pair_from_private_key",
    # encodings
    "MultibaseError",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "decode_public_multikey",
    "decode_secret_multikey",
    "der_to_raw_signature",
    "encode_public_multikey",
    "encode_secret_multikey",
    "multibase_decode",
    "multibase_encode",
    "raw_to_der_signature",
    # JWK
    "jwk_thumbprint",
    "key_pair_from_jwk",
    "verifier_from_jwk",
    # storage
    "KeyStore",
]
