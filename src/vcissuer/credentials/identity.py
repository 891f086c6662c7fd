"""Recipient identity: IdentityObject with a salted IdentityHash. https://www.imsglobal.org/spec/ob/v3p0/#identityobject"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

__all__ = ["identity_hash", "identity_object", "matches_identity"]


def identity_hash(identifier: str, salt: str = "") -> str:
    """``sha256$<hex>`` of UTF-8(identifier || salt) (OB 3.0 IdentityHash)."""
    digest = hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def identity_object(
    identifier: str, *, identity_type: str = "emailAddress", salt: str | None = None
) -> dict[str, Any]:
    """A hashed IdentityObject, salted at random unless a salt is given; emails lower-cased."""
    if identity_type == "emailAddress":
        identifier = identifier.strip().lower()
    salt = secrets.token_hex(8) if salt is None else salt
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(identifier, salt),
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def matches_identity(identity: Mapping[str, Any], identifier: str) -> bool:
    """OB 3.0 "Verify identifier": does ``identifier`` match this IdentityObject?"""
    if identity.get("identityType") == "emailAddress":
        identifier = identifier.strip().lower()
    expected = str(identity.get("identityHash", ""))
    if not identity.get("hashed", False):
        return hmac.compare_digest(expected, identifier)
    algorithm, _, digest = expected.partition("$")
    salt = str(identity.get("salt", ""))
    if algorithm == "sha256":
        actual = hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()
    elif algorithm == "md5":
        actual = hashlib.md5((identifier + salt).encode("utf-8")).hexdigest()  # noqa: S324
    else:
        return False
    return hmac.compare_digest(actual, digest.lower())
