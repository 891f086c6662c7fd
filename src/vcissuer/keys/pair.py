"""What every key pair offers, and the key pair of a loaded private key."""

from __future__ import annotations

from typing import Protocol

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import KeyAlgorithm, Signer, Verifier
from vcissuer.keys.ed25519 import Ed25519KeyPair
from vcissuer.keys.p256 import P256KeyPair
from vcissuer.keys.rsa import RsaKeyPair

__all__ = ["AnyKeyPair", "KeyPair", "generate_key_pair", "key_pair_from_private_key"]

AnyKeyPair = Ed25519KeyPair | P256KeyPair | RsaKeyPair


class KeyPair(Protocol):
    """A public key, with its private key when ``can_sign``; hands out Signers and Verifiers."""

    @property
    def algorithm(self) -> KeyAlgorithm: ...

    @property
    def can_sign(self) -> bool: ...

    def signer(self, id: str) -> Signer: ...

    def verifier(self, id: str) -> Verifier: ...

    def public_jwk(self) -> dict[str, str]: ...

    def to_pkcs8_pem(self, *, passphrase: bytes | None) -> bytes: ...


def generate_key_pair(algorithm: KeyAlgorithm | str) -> AnyKeyPair:
    """A fresh key pair: Ed25519, P-256, or RSA 2048."""
    match KeyAlgorithm(algorithm):
        case KeyAlgorithm.ED25519:
            return Ed25519KeyPair.generate()
        case KeyAlgorithm.P256:
            return P256KeyPair.generate()
        case KeyAlgorithm.RSA:
            return RsaKeyPair.generate()


def key_pair_from_private_key(key: PrivateKeyTypes) -> AnyKeyPair:
    """The key pair for a private key of a supported kind (the algorithm comes from the key)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return Ed25519KeyPair.from_private_key(key)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise KeyFormatError(f"unsupported elliptic curve {key.curve.name}; only P-256")
        return P256KeyPair.from_private_key(key)
    if isinstance(key, rsa.RSAPrivateKey):
        return RsaKeyPair.from_private_key(key)
    raise KeyFormatError(f"unsupported private key type {type(key).__name__}")
