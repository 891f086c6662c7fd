"""RSA for RS256 (RSASSA-PKCS1-v1_5 with SHA-256): key pair, signer, verifier.

RS256 is the one algorithm OB 3.0 requires of VC-JWT. https://www.rfc-editor.org/rfc/rfc7518#section-3.3
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa as _rsa

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.multibase import base64url_encode
from vcissuer.keys.pem import private_key_to_pem

__all__ = ["GENERATED_KEY_SIZES", "MAX_KEY_SIZE", "MIN_KEY_SIZE", "RsaKeyPair", "RsaSigner",
           "RsaVerifier"]

# RFC 7518 section 3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
MIN_KEY_SIZE = 2048
# A verifier's bound on the work a key from a document can ask for (generated keys are smaller).
MAX_KEY_SIZE = 8192
GENERATED_KEY_SIZES = (2048, 3072, 4096)
PUBLIC_EXPONENT = 65537


def _uint(value: int) -> str:
    return base64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def _jwk(key: _rsa.RSAPublicKey) -> dict[str, str]:
    numbers = key.public_numbers()
    return {"kty": "RSA", "n": _uint(numbers.n), "e": _uint(numbers.e)}


@dataclass(frozen=True, slots=True)
class RsaSigner:
    """Signs RS256 as verification method ``id``."""

    id: str
    private_key: _rsa.RSAPrivateKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.RSA

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.private_key.public_key())


@dataclass(frozen=True, slots=True)
class RsaVerifier:
    """Checks RS256 signatures for verification method ``id``."""

    id: str
    public_key: _rsa.RSAPublicKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.RSA

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.public_key)


class RsaKeyPair:
    """An RSA public key (2048 bits or more), with its private key when it can sign."""

    __slots__ = ("_private_key", "_public_key")
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.RSA

    def __init__(
        self, public_key: _rsa.RSAPublicKey, *, private_key: _rsa.RSAPrivateKey | None = None
    ) -> None:
        if public_key.key_size < MIN_KEY_SIZE:
            raise KeyFormatError(
                f"an RSA key of {public_key.key_size} bits is too small; RS256 needs "
                f"{MIN_KEY_SIZE} or more")
        if public_key.key_size > MAX_KEY_SIZE:
            raise KeyFormatError(
                f"an RSA key of {public_key.key_size} bits is larger than the {MAX_KEY_SIZE} "
                "verified here")
        if private_key is not None and (
            private_key.public_key().public_numbers() != public_key.public_numbers()
        ):
            raise KeyFormatError("the RSA private key does not match the public key")
        self._public_key = public_key
        self._private_key = private_key

    @classmethod
    def generate(cls, *, bits: int = 2048) -> RsaKeyPair:
        if bits not in GENERATED_KEY_SIZES:
            raise ValueError(f"RSA key size must be one of {GENERATED_KEY_SIZES}, not {bits}")
        return cls.from_private_key(
            _rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=bits))

    @classmethod
    def from_private_key(cls, private_key: _rsa.RSAPrivateKey) -> RsaKeyPair:
        return cls(private_key.public_key(), private_key=private_key)

    @classmethod
    def from_public_numbers(cls, *, n: int, e: int) -> RsaKeyPair:
        """A verify-only key pair from modulus ``n`` and public exponent ``e``."""
        try:
            return cls(_rsa.RSAPublicNumbers(e, n).public_key())
        except ValueError:
            raise KeyFormatError("not a valid RSA public key (modulus/exponent)") from None

    @property
    def can_sign(self) -> bool:
        return self._private_key is not None

    @property
    def key_size(self) -> int:
        return self._public_key.key_size

    def public_jwk(self) -> dict[str, str]:
        """The public key as an RSA JWK (RFC 7518 section 6.3); never has ``d``."""
        return _jwk(self._public_key)

    def signer(self, id: str) -> RsaSigner:
        if self._private_key is None:
            raise KeyFormatError("this RSA key pair has no private key; it can only verify")
        return RsaSigner(id, self._private_key)

    def verifier(self, id: str) -> RsaVerifier:
        return RsaVerifier(id, self._public_key)

    def to_pkcs8_pem(self, *, passphrase: bytes | None) -> bytes:
        if self._private_key is None:
            raise KeyFormatError("this RSA key pair has no private key to store")
        return private_key_to_pem(self._private_key, passphrase=passphrase)

    def __repr__(self) -> str:
        return f"RsaKeyPair(key_size={self.key_size}, can_sign={self.can_sign})"
