"""did:key for Ed25519 and P-256 Multikeys: the key is the identifier, resolved offline.

https://w3c-ccg.github.io/did-key-spec/
"""

from __future__ import annotations

from typing import Any

from vcissuer.errors import (
    INVALID_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD_URL,
    KeyFormatError,
    ResolutionError,
)
from vcissuer.keys.multikey import decode_public_multikey

__all__ = ["DID_KEY_PREFIX", "did_key_from_public", "resolve_did_key"]

DID_KEY_PREFIX = "did:key:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityDelegation",
                  "capabilityInvocation")


def did_key_from_public(public_multibase: str) -> str:
    """``did:key:<publicKeyMultibase>`` for an Ed25519 (``z6Mk…``) or P-256 (``zDn…``) key."""
    decode_public_multikey(public_multibase)  # raises KeyFormatError for anything else
    return DID_KEY_PREFIX + public_multibase


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of a did:key.

    https://w3c-ccg.github.io/did-key-spec/#document-creation-algorithm
    """
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise ResolutionError(f"{did!r} is not a did:key", code=INVALID_VERIFICATION_METHOD_URL)
    multibase = did[len(DID_KEY_PREFIX):]
    if any(c in multibase for c in "#?/:"):
        raise ResolutionError(f"{did!r} is a DID URL, not a did:key DID",
                              code=INVALID_VERIFICATION_METHOD_URL)
    try:
        decode_public_multikey(multibase)
    except KeyFormatError as error:
        raise ResolutionError(f"{did!r}: {error.message}",
                              code=INVALID_VERIFICATION_METHOD) from None
    method_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [{
            "id": method_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multibase,
        }],
    }
    for relationship in _RELATIONSHIPS:
        document[relationship] = [method_id]
    return document
