"""Ed25519 (RFC 8032, pure EdDSA): key pair, signer, verifier.

https://www.w3.org/TR/vc-di-eddsa/#multikey — the key pair knows its Multikey and JWK forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.multibase import base64url_encode
from vcissuer.keys.multikey import (
    decode_public_multikey,
    decode_secret_multikey,
    encode_public_multikey,
    encode_secret_multikey,
)
from vcissuer.keys.pem import private_key_to_pem

__all__ = ["Ed25519KeyPair", "Ed25519Signer", "Ed25519Verifier"]

SEED_LENGTH = 32
PUBLIC_KEY_LENGTH = 32
SIGNATURE_LENGTH = 64


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(_raw_public(key))}


@dataclass(frozen=True, slots=True)
class Ed25519Signer:
    """Signs as verification method ``id`` with an Ed25519 private key."""

    id: str
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.ED25519

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.private_key.public_key())


@dataclass(frozen=True, slots=True)
class Ed25519Verifier:
    """Checks Ed25519 signatures for verification method ``id``."""

    id: str
    public_key: Ed25519PublicKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.ED25519

    def verify(self, data: bytes, signature: bytes) -> bool:
        if len(signature) != SIGNATURE_LENGTH:
            return False
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.public_key)


class Ed25519KeyPair:
    """An Ed25519 public key, with its private key when it can sign."""

    __slots__ = ("_private_key", "_public_key")
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.ED25519

    def __init__(
        self, public_key: Ed25519PublicKey, *, private_key: Ed25519PrivateKey | None = None
    ) -> None:
        if private_key is not None and _raw_public(private_key.public_key()) != _raw_public(
            public_key
        ):
            raise KeyFormatError("the Ed25519 private key does not match the public key")
        self._public_key = public_key
        self._private_key = private_key

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls.from_private_key(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey) -> Ed25519KeyPair:
        return cls(private_key.public_key(), private_key=private_key)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        """The key pair of a 32-byte RFC 8032 seed (Ed25519 key generation is deterministic)."""
        if len(seed) != SEED_LENGTH:
            raise KeyFormatError(f"an Ed25519 seed is {SEED_LENGTH} bytes, not {len(seed)}")
        return cls.from_private_key(Ed25519PrivateKey.from_private_bytes(bytes(seed)))

    @classmethod
    def from_public_bytes(cls, raw: bytes) -> Ed25519KeyPair:
        """A verify-only key pair from the 32 raw public key bytes."""
        if len(raw) != PUBLIC_KEY_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 public key is {PUBLIC_KEY_LENGTH} bytes, not {len(raw)}")
        return cls(Ed25519PublicKey.from_public_bytes(bytes(raw)))

    @classmethod
    def from_multikey(
        cls, public_multibase: str, secret_multibase: str | None = None
    ) -> Ed25519KeyPair:
        """From ``publicKeyMultibase`` (``z6Mk…``) and, to sign, ``secretKeyMultibase``."""
        algorithm, raw = decode_public_multikey(public_multibase)
        if algorithm is not KeyAlgorithm.ED25519:
            raise KeyFormatError(f"publicKeyMultibase is a {algorithm} key, not Ed25519")
        public = cls.from_public_bytes(raw)
        if secret_multibase is None:
            return public
        algorithm, seed = decode_secret_multikey(secret_multibase)
        if algorithm is not KeyAlgorithm.ED25519:
            raise KeyFormatError(f"secretKeyMultibase is a {algorithm} key, not Ed25519")
        private_key = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(public._public_key, private_key=private_key)

    @property
    def can_sign(self) -> bool:
        return self._private_key is not None

    @property
    def public_bytes(self) -> bytes:
        return _raw_public(self._public_key)

    @property
    def public_multibase(self) -> str:
        return encode_public_multikey(KeyAlgorithm.ED25519, self.public_bytes)

    def public_jwk(self) -> dict[str, str]:
        """The public key as an OKP JWK (RFC 8037); never has ``d``."""
        return _jwk(self._public_key)

    def signer(self, id: str) -> Ed25519Signer:
        if self._private_key is None:
            raise KeyFormatError("this Ed25519 key pair has no private key; it can only verify")
        return Ed25519Signer(id, self._private_key)

    def verifier(self, id: str) -> Ed25519Verifier:
        return Ed25519Verifier(id, self._public_key)

    def secret_multibase(self) -> str:
        """``secretKeyMultibase`` (``z3u2…``): for tests and export only, never publish it."""
        if self._private_key is None:
            raise KeyFormatError("this Ed25519 key pair has no private key")
        seed = self._private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return encode_secret_multikey(KeyAlgorithm.ED25519, seed)

    def to_pkcs8_pem(self, *, passphrase: bytes | None) -> bytes:
        if self._private_key is None:
            raise KeyFormatError("this Ed25519 key pair has no private key to store")
        return private_key_to_pem(self._private_key, passphrase=passphrase)

    def __repr__(self) -> str:
        return (f"Ed25519KeyPair(public_multibase={self.public_multibase!r}, "
                f"can_sign={self.can_sign})")
