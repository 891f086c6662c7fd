"""Public JWKs (RFC 7517/7518/8037) to key pairs and verifiers, and RFC 7638 thumbprints.

Only public keys travel as JWKs here: a JWK with private members is refused outright.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import Verifier
from vcissuer.keys.ed25519 import Ed25519KeyPair
from vcissuer.keys.multibase import MultibaseError, base64url_decode, base64url_encode
from vcissuer.keys.p256 import P256KeyPair
from vcissuer.keys.rsa import MAX_KEY_SIZE, RsaKeyPair

__all__ = ["PRIVATE_JWK_MEMBERS", "jwk_thumbprint", "key_pair_from_jwk", "verifier_from_jwk"]

# RFC 7518 sections 6.2.2, 6.3.2, 6.4.1 and RFC 8037 section 2.
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

# RFC 7638 section 3.2 (and RFC 8037 appendix A.3): the required members, by kty.
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"),
                       "OKP": ("crv", "kty", "x")}


def _check_public(jwk: Any) -> Mapping[str, Any]:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    private = sorted(PRIVATE_JWK_MEMBERS.intersection(jwk))
    if private:
        # Name the members, never their values.
        raise KeyFormatError(
            f"a public JWK must not contain private members ({', '.join(private)})")
    return jwk


def _member(jwk: Mapping[str, Any], name: str, *, max_bytes: int) -> bytes:
    """A base64url member of at most ``max_bytes`` bytes (longer text is refused unread)."""
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    try:
        return base64url_decode(value, max_bytes=max_bytes)
    except MultibaseError as error:
        raise KeyFormatError(f"JWK member {name!r}: {error.message}") from None


def key_pair_from_jwk(jwk: Mapping[str, Any]) -> Ed25519KeyPair | P256KeyPair | RsaKeyPair:
    """A verify-only key pair from a public JWK: OKP/Ed25519, EC/P-256 or RSA."""
    jwk = _check_public(jwk)
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return Ed25519KeyPair.from_public_bytes(_member(jwk, "x", max_bytes=32))
    if kty == "EC" and crv == "P-256":
        return P256KeyPair.from_public_coordinates(_member(jwk, "x", max_bytes=32),
                                                   _member(jwk, "y", max_bytes=32))
    if kty == "RSA":
        # A modulus of at most MAX_KEY_SIZE bits (one leading zero byte tolerated); an
        # exponent of at most 64 bits, as OpenSSL requires of large moduli.
        n = _member(jwk, "n", max_bytes=MAX_KEY_SIZE // 8 + 1)
        e = _member(jwk, "e", max_bytes=8)
        return RsaKeyPair.from_public_numbers(n=int.from_bytes(n, "big"),
                                              e=int.from_bytes(e, "big"))
    if kty in ("OKP", "EC"):
        raise KeyFormatError(f"unsupported JWK curve {crv!r} for kty {kty!r}")
    raise KeyFormatError(f"unsupported JWK key type {kty!r}")


def verifier_from_jwk(jwk: Mapping[str, Any], *, id: str = "") -> Verifier:
    """A :class:`Verifier` for a public JWK, signing as verification method ``id``."""
    return key_pair_from_jwk(jwk).verifier(id)


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url). https://www.rfc-editor.org/rfc/rfc7638"""
    jwk = _check_public(jwk)
    members = _THUMBPRINT_MEMBERS.get(jwk.get("kty"))
    if members is None:
        raise KeyFormatError(f"unsupported JWK key type {jwk.get('kty')!r}")
    missing = [m for m in members if not isinstance(jwk.get(m), str)]
    if missing:
        raise KeyFormatError(f"JWK lacks the member(s) {', '.join(missing)}")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return base64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())
