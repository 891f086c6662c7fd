"""PKCS#8 PEM for private keys: the on-disk format of the key store.

Errors never carry key material: cryptography's own exceptions are replaced, not chained.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from vcissuer.errors import KeyFormatError

__all__ = ["load_private_key_pem", "private_key_to_pem"]


def private_key_to_pem(key: PrivateKeyTypes, *, passphrase: bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with the best available scheme when a passphrase is given."""
    if passphrase is not None and not passphrase:
        raise ValueError("an empty passphrase is not a passphrase; pass None for no encryption")
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase is not None
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_private_key_pem(
    data: bytes, *, passphrase: bytes | None, name: str = "key"
) -> PrivateKeyTypes:
    """Load a PEM private key; a missing or wrong passphrase is a clear :class:`KeyFormatError`."""
    encrypted = b"ENCRYPTED" in data  # PKCS#8 "ENCRYPTED PRIVATE KEY" or legacy Proc-Type
    if encrypted and passphrase is None:
        raise KeyFormatError(f"{name} is encrypted; a passphrase is needed to load it")
    if not encrypted and passphrase is not None:
        raise KeyFormatError(
            f"{name} is not encrypted, but a passphrase was given; refusing to mix the two")
    try:
        return serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError):
        if encrypted:
            raise KeyFormatError(
                f"{name} could not be decrypted: wrong passphrase or damaged file") from None
        raise KeyFormatError(f"{name} is not a valid PEM private key") from None
    except Exception:  # noqa: BLE001 - never let a parser message near key bytes
        raise KeyFormatError(f"{name} is not a supported private key") from None
