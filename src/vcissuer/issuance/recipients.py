"""Recipients: what the credential says about the learner, and the private lookup hash.

The credential carries a salted IdentityHash of an email or student id (never the plaintext) or
the learner's DID. For queries the store keeps a keyed hash (HMAC-SHA256 under a secret kept in
the key directory), so the database alone cannot be dictionary-searched for an email address.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcissuer.credentials.identity import identity_object

__all__ = ["LookupKey", "Recipient", "lookup_hash_for", "recipient_from"]

_SECRET_FILE = "recipient-lookup.secret"  # noqa: S105 - a file name, not a secret


class LookupKey:
    """The HMAC key of recipient lookup hashes, created once in the key directory (0600)."""

    def __init__(self, directory: Path) -> None:
        path = directory / _SECRET_FILE
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        self._key = bytes.fromhex(path.read_text().strip())

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "LookupKey(<secret>)"


@dataclass(frozen=True, slots=True)
class Recipient:
    """The subject fields of a credential and the lookup hash of its recipient."""

    subject_id: str | None
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    lookup_hash: str = ""


def _normalise(kind: str, value: str) -> str:
    value = value.strip()
    return value.lower() if kind == "email" else value


def recipient_from(data: dict[str, Any], *, lookup: LookupKey) -> Recipient:
    """From an API recipient (exactly one of email, did, studentId; optional name)."""
    identifiers: list[dict[str, Any]] = []
    subject_id = None
    if data.get("email"):
        kind, value = "email", _normalise("email", data["email"])
        identifiers.append(identity_object(value, identity_type="emailAddress"))
    elif data.get("studentId"):
        kind, value = "student", _normalise("student", data["studentId"])
        identifiers.append(identity_object(value, identity_type="sisSourcedId"))
    else:
        kind, value = "did", data["did"].strip()
        subject_id = value
    if data.get("name"):
        identifiers.append({"type": "IdentityObject", "identityHash": data["name"],
                            "identityType": "name", "hashed": False})
    return Recipient(subject_id, identifiers, lookup.digest(kind, value))


def lookup_hash_for(query: str, *, lookup: LookupKey) -> str:
    """The lookup hash of a search term: an email, ``did:…``, or ``student:<id>``."""
    if query.startswith("did:"):
        return lookup.digest("did", query.strip())
    if query.startswith("student:"):
        return lookup.digest("student", query.removeprefix("student:").strip())
    return lookup.digest("email", _normalise("email", query))
