"""Verification method maps to Verifiers, by ``type``: Multikey, JsonWebKey, and legacy types.

https://www.w3.org/TR/cid-1.0/#verification-material
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.errors import INVALID_VERIFICATION_METHOD, KeyFormatError, ResolutionError
from vcissuer.keys.base import KeyAlgorithm, Verifier
from vcissuer.keys.ed25519 import Ed25519KeyPair
from vcissuer.keys.jwk import verifier_from_jwk
from vcissuer.keys.multibase import MultibaseError, base58btc_decode
from vcissuer.keys.multikey import decode_public_multikey
from vcissuer.keys.p256 import P256KeyPair

__all__ = ["SUPPORTED_METHOD_TYPES", "verifier_from_method", "verifier_from_multikey"]

MULTIKEY = "Multikey"
ED25519_2020 = "Ed25519VerificationKey2020"
ED25519_2018 = "Ed25519VerificationKey2018"
JSON_WEB_KEY = "JsonWebKey"
JSON_WEB_KEY_2020 = "JsonWebKey2020"
SUPPORTED_METHOD_TYPES = (MULTIKEY, ED25519_2020, ED25519_2018, JSON_WEB_KEY, JSON_WEB_KEY_2020)

# Verification material properties; a method carries exactly one (CID 1.0 section 2.2.2).
_MATERIAL = ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58")
_SECRET_MATERIAL = ("secretKeyMultibase", "privateKeyMultibase", "privateKeyJwk",
                    "privateKeyBase58")


def verifier_from_multikey(public_multibase: str, *, id: str) -> Verifier:
    """A Verifier for an Ed25519 (``z6Mk…``) or P-256 (``zDn…``) ``publicKeyMultibase``."""
    algorithm, raw = decode_public_multikey(public_multibase)
    if algorithm is KeyAlgorithm.ED25519:
        return Ed25519KeyPair.from_public_bytes(raw).verifier(id)
    return P256KeyPair.from_public_bytes(raw).verifier(id)


def verifier_from_method(method: Mapping[str, Any], *, id: str) -> Verifier:
    """The Verifier of a verification method map; ResolutionError if it is unusable."""
    kind = method.get("type")
    secret = [name for name in _SECRET_MATERIAL if name in method]
    if secret:
        raise ResolutionError(
            f"verification method {id!r} publishes secret key material ({', '.join(secret)})",
            code=INVALID_VERIFICATION_METHOD)
    present = [name for name in _MATERIAL if name in method]
    if len(present) != 1:
        raise ResolutionError(
            f"verification method {id!r} must carry exactly one of {', '.join(_MATERIAL)}",
            code=INVALID_VERIFICATION_METHOD)
    try:
        return _verifier(kind, present[0], method, id=id)
    except KeyFormatError as error:
        raise ResolutionError(f"verification method {id!r}: {error.message}",
                              code=INVALID_VERIFICATION_METHOD) from None


def _verifier(kind: Any, material: str, method: Mapping[str, Any], *, id: str) -> Verifier:
    value = method[material]
    if kind == MULTIKEY and material == "publicKeyMultibase":
        return verifier_from_multikey(value, id=id)
    if kind == ED25519_2020 and material == "publicKeyMultibase":
        verifier = verifier_from_multikey(value, id=id)
        if verifier.algorithm is not KeyAlgorithm.ED25519:
            raise KeyFormatError(f"{ED25519_2020} must hold an Ed25519 key")
        return verifier
    if kind == ED25519_2018 and material == "publicKeyBase58":
        if not isinstance(value, str):
            raise KeyFormatError("publicKeyBase58 must be a string")
        try:
            raw = base58btc_decode(value, max_bytes=32)
        except MultibaseError as error:
            raise KeyFormatError(f"publicKeyBase58: {error.message}") from None
        return Ed25519KeyPair.from_public_bytes(raw).verifier(id)
    if kind in (JSON_WEB_KEY, JSON_WEB_KEY_2020) and material == "publicKeyJwk":
        return verifier_from_jwk(value, id=id)
    if kind not in SUPPORTED_METHOD_TYPES:
        raise KeyFormatError(
            f"unsupported verification method type {kind!r}; supported: "
            f"{', '.join(SUPPORTED_METHOD_TYPES)}")
    raise KeyFormatError(f"a {kind} verification method does not carry {material}")
