"""Multikey: a multicodec header plus raw key bytes, multibase base58btc.

https://www.w3.org/TR/cid-1.0/#Multikey and https://www.w3.org/TR/vc-di-eddsa/#multikey.
Errors name what is wrong (prefix, header, length) and never echo the value.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.multibase import MultibaseError, multibase_decode, multibase_encode

__all__ = [
    "ED25519_PUB_HEADER",
    "ED25519_SECRET_HEADER",
    "P256_PUB_HEADER",
    "P256_SECRET_HEADER",
    "decode_public_multikey",
    "decode_secret_multikey",
    "encode_public_multikey",
    "encode_secret_multikey",
]

# Multicodec codes as unsigned varints: ed25519-pub 0xed, ed25519-priv 0x1300,
# p256-pub 0x1200, p256-priv 0x1306.
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_SECRET_HEADER = b"\x80\x26"
P256_PUB_HEADER = b"\x80\x24"
P256_SECRET_HEADER = b"\x86\x26"

_PUBLIC = {
    ED25519_PUB_HEADER: (KeyAlgorithm.ED25519, (32,)),
    P256_PUB_HEADER: (KeyAlgorithm.P256, (33,)),  # compressed SEC1 point
}
_SECRET = {
    # 32-byte seed; some publishers (1EdTech) append the 32-byte public key.
    ED25519_SECRET_HEADER: (KeyAlgorithm.ED25519, (32, 64)),
    P256_SECRET_HEADER: (KeyAlgorithm.P256, (32,)),
}
# Twice the longest key here: anything longer is no key, and is refused before decoding
# (a wrong but plausible length is decoded, so the error can say what it holds).
_MAX_MULTIKEY_BYTES = 128
_PUBLIC_HEADERS = {alg: header for header, (alg, _) in _PUBLIC.items()}
_SECRET_HEADERS = {alg: header for header, (alg, _) in _SECRET.items()}


def encode_public_multikey(algorithm: KeyAlgorithm, raw: bytes) -> str:
    """``z`` + base58btc(header + raw public key): ``z6Mk…`` (Ed25519), ``zDn…`` (P-256)."""
    header = _PUBLIC_HEADERS.get(algorithm)
    if header is None:
        raise KeyFormatError(f"no Multikey encoding for {algorithm} public keys")
    _check_length(raw, _PUBLIC[header][1], what=f"{algorithm} public key")
    return multibase_encode(header + raw, base="z")


def encode_secret_multikey(algorithm: KeyAlgorithm, raw: bytes) -> str:
    """``z`` + base58btc(header + secret key): ``z3u2…`` for a 32-byte Ed25519 seed."""
    header = _SECRET_HEADERS.get(algorithm)
    if header is None:
        raise KeyFormatError(f"no Multikey encoding for {algorithm} secret keys")
    _check_length(raw, _SECRET[header][1], what=f"{algorithm} secret key")
    return multibase_encode(header + raw, base="z")


def decode_public_multikey(value: str) -> tuple[KeyAlgorithm, bytes]:
    """The algorithm and raw public key of a ``publicKeyMultibase`` value."""
    algorithm, raw = _decode(value, _PUBLIC, what="publicKeyMultibase")
    if algorithm is KeyAlgorithm.P256 and raw[0] not in (2, 3):
        raise KeyFormatError("publicKeyMultibase: a P-256 Multikey holds a compressed point")
    return algorithm, raw


def decode_secret_multikey(value: str) -> tuple[KeyAlgorithm, bytes]:
    """The algorithm and raw secret key (Ed25519: the 32-byte seed) of a ``secretKeyMultibase``."""
    algorithm, raw = _decode(value, _SECRET, what="secretKeyMultibase")
    if algorithm is KeyAlgorithm.ED25519 and len(raw) == 64:
        seed, public = raw[:32], raw[32:]
        derived = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw)
        if derived != public:
            raise KeyFormatError(
                "secretKeyMultibase: the public half of the 64-byte key does not match its seed")
        return algorithm, seed
    return algorithm, raw


def _decode(
    value: str,
    table: dict[bytes, tuple[KeyAlgorithm, tuple[int, ...]]],
    *,
    what: str,
) -> tuple[KeyAlgorithm, bytes]:
    if not isinstance(value, str) or not value:
        raise KeyFormatError(f"{what} must be a non-empty string")
    if not value.startswith("z"):
        raise KeyFormatError(f"{what} must be multibase base58btc (prefix 'z')")
    try:
        data = multibase_decode(value, max_bytes=_MAX_MULTIKEY_BYTES)
    except MultibaseError as error:
        raise KeyFormatError(f"{what}: {error.message}") from None
    entry = table.get(data[:2])
    if entry is None:
        expected = ", ".join(f"0x{h.hex()} ({alg})" for h, (alg, _) in table.items())
        raise KeyFormatError(f"{what}: unsupported multicodec header; expected one of {expected}")
    algorithm, lengths = entry
    _check_length(data[2:], lengths, what=f"{what} ({algorithm})")
    return algorithm, data[2:]


def _check_length(raw: bytes, lengths: tuple[int, ...], *, what: str) -> None:
    if len(raw) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise KeyFormatError(f"{what}: {len(raw)} key bytes, expected {allowed}")
