"""P-256 (ES256, ECDSA with SHA-256): key pair, signer, verifier.

Signatures are the 64-byte ``r || s`` form JOSE (RFC 7518 section 3.4) and the Data Integrity
ECDSA suites use, not DER. https://www.rfc-editor.org/rfc/rfc7518#section-3.4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

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

__all__ = [
    "P256KeyPair",
    "P256Signer",
    "P256Verifier",
    "der_to_raw_signature",
    "raw_to_der_signature",
]

COORDINATE_LENGTH = 32
SIGNATURE_LENGTH = 2 * COORDINATE_LENGTH
_CURVE = ec.SECP256R1()


def der_to_raw_signature(der: bytes) -> bytes:
    """DER ``ECDSA-Sig-Value`` to the fixed-length ``r || s`` JOSE uses."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(COORDINATE_LENGTH, "big") + s.to_bytes(COORDINATE_LENGTH, "big")


def raw_to_der_signature(raw: bytes) -> bytes:
    """``r || s`` (64 bytes) to DER; ValueError for any other length."""
    if len(raw) != SIGNATURE_LENGTH:
        raise ValueError(f"an ES256 signature is {SIGNATURE_LENGTH} bytes, not {len(raw)}")
    half = COORDINATE_LENGTH
    return encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                int.from_bytes(raw[half:], "big"))


def _is_p256(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> bool:
    return isinstance(key.curve, ec.SECP256R1)


def _jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": base64url_encode(numbers.x.to_bytes(COORDINATE_LENGTH, "big")),
        "y": base64url_encode(numbers.y.to_bytes(COORDINATE_LENGTH, "big")),
    }


@dataclass(frozen=True, slots=True)
class P256Signer:
    """Signs as verification method ``id`` with a P-256 key; returns ``r || s``."""

    id: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.P256

    def sign(self, data: bytes) -> bytes:
        return der_to_raw_signature(self.private_key.sign(data, ec.ECDSA(hashes.SHA256())))

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.private_key.public_key())


@dataclass(frozen=True, slots=True)
class P256Verifier:
    """Checks ``r || s`` ES256 signatures for verification method ``id``."""

    id: str
    public_key: ec.EllipticCurvePublicKey = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.P256

    def verify(self, data: bytes, signature: bytes) -> bool:
        if len(signature) != SIGNATURE_LENGTH:
            return False
        try:
            self.public_key.verify(raw_to_der_signature(signature), data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    def public_jwk(self) -> dict[str, str]:
        return _jwk(self.public_key)


class P256KeyPair:
    """A P-256 public key, with its private key when it can sign."""

    __slots__ = ("_private_key", "_public_key")
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.P256

    def __init__(
        self,
        public_key: ec.EllipticCurvePublicKey,
        *,
        private_key: ec.EllipticCurvePrivateKey | None = None,
    ) -> None:
        if not _is_p256(public_key) or (private_key is not None and not _is_p256(private_key)):
            raise KeyFormatError("not a P-256 (secp256r1) key")
        if private_key is not None and private_key.public_key().public_numbers() != (
            public_key.public_numbers()
        ):
            raise KeyFormatError("the P-256 private key does not match the public key")
        self._public_key = public_key
        self._private_key = private_key

    @classmethod
    def generate(cls) -> P256KeyPair:
        return cls.from_private_key(ec.generate_private_key(_CURVE))

    @classmethod
    def from_private_key(cls, private_key: ec.EllipticCurvePrivateKey) -> P256KeyPair:
        return cls(private_key.public_key(), private_key=private_key)

    @classmethod
    def from_public_bytes(cls, raw: bytes) -> P256KeyPair:
        """A verify-only key pair from a SEC1 point (33 bytes compressed or 65 uncompressed)."""
        try:
            return cls(ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, bytes(raw)))
        except ValueError:
            raise KeyFormatError("not a valid P-256 public key point") from None

    @classmethod
    def from_public_coordinates(cls, x: bytes, y: bytes) -> P256KeyPair:
        """A verify-only key pair from the 32-byte big-endian ``x`` and ``y`` (as in a JWK)."""
        if len(x) != COORDINATE_LENGTH or len(y) != COORDINATE_LENGTH:
            raise KeyFormatError("P-256 coordinates are 32 bytes each")
        return cls.from_public_bytes(b"\x04" + x + y)

    @classmethod
    def from_multikey(
        cls, public_multibase: str, secret_multibase: str | None = None
    ) -> P256KeyPair:
        """From ``publicKeyMultibase`` (``zDn…``) and, to sign, a p256-priv secret Multikey."""
        algorithm, raw = decode_public_multikey(public_multibase)
        if algorithm is not KeyAlgorithm.P256:
            raise KeyFormatError(f"publicKeyMultibase is a {algorithm} key, not P-256")
        public = cls.from_public_bytes(raw)
        if secret_multibase is None:
            return public
        algorithm, secret = decode_secret_multikey(secret_multibase)
        if algorithm is not KeyAlgorithm.P256:
            raise KeyFormatError(f"secretKeyMultibase is a {algorithm} key, not P-256")
        try:
            private_key = ec.derive_private_key(int.from_bytes(secret, "big"), _CURVE)
        except ValueError:
            raise KeyFormatError("secretKeyMultibase is not a valid P-256 private scalar") from None
        return cls(public._public_key, private_key=private_key)

    @property
    def can_sign(self) -> bool:
        return self._private_key is not None

    @property
    def public_bytes(self) -> bytes:
        """The compressed SEC1 point (33 bytes), as a Multikey holds it."""
        return self._public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)

    @property
    def public_multibase(self) -> str:
        return encode_public_multikey(KeyAlgorithm.P256, self.public_bytes)

    def public_jwk(self) -> dict[str, str]:
        """The public key as an EC JWK (RFC 7518 section 6.2); never has ``d``."""
        return _jwk(self._public_key)

    def signer(self, id: str) -> P256Signer:
        if self._private_key is None:
            raise KeyFormatError("this P-256 key pair has no private key; it can only verify")
        return P256Signer(id, self._private_key)

    def verifier(self, id: str) -> P256Verifier:
        return P256Verifier(id, self._public_key)

    def secret_multibase(self) -> str:
        """p256-priv ``secretKeyMultibase``: for tests and export only, never publish it."""
        if self._private_key is None:
            raise KeyFormatError("this P-256 key pair has no private key")
        scalar = self._private_key.private_numbers().private_value
        return encode_secret_multikey(KeyAlgorithm.P256, scalar.to_bytes(COORDINATE_LENGTH, "big"))

    def to_pkcs8_pem(self, *, passphrase: bytes | None) -> bytes:
        if self._private_key is None:
            raise KeyFormatError("this P-256 key pair has no private key to store")
        return private_key_to_pem(self._private_key, passphrase=passphrase)

    def __repr__(self) -> str:
        return f"P256KeyPair(public_multibase={self.public_multibase!r}, can_sign={self.can_sign})"
