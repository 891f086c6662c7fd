"""Recipients: what the credential says about the learner, and the private lookup hash.

The credential carries a salted IdentityHash of an email or student id (never the plaintext) or
the learner's DID. For queries the store keeps a keyed hash (HMAC-SHA256 under a secret kept in
the key directory), so the database alone cannot be dictionary-searched for an email address.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcissuer.credentials.identity import identity_object

__all__ = ["LookupKey", "Recipient", "lookup_hash_for", "lookup_hashes", "normalised_recipient",
           "recipient_from"]

_SECRET_FILE = "recipient-lookup.secret"  # noqa: S105 - a file name, not a secret
_BLOCK = 64  # SHA-256's block size in bytes


class LookupKey:
    """The HMAC key of recipient lookup hashes, created once in the key directory (0600), or
    shared by every node through the database key backend (issuance/custody.py)."""

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
        self._keyed(bytes.fromhex(path.read_text().strip()))

    def _keyed(self, key: bytes) -> None:
        # HMAC (RFC 2104) with its two keyed SHA-256 states computed once: a fingerprint takes
        # ~14 digests per issue, and hmac.new() pads and hashes the key again for each.
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    @classmethod
    def from_secret(cls, key: bytes) -> LookupKey:
        """A lookup key held elsewhere (the database key backend shares one between nodes)."""
        lookup = cls.__new__(cls)
        lookup._keyed(bytes(key))
        return lookup

    @staticmethod
    def existing(directory: Path) -> bytes | None:
        """The secret already in ``directory``, if there is one (nothing is created)."""
        try:
            return bytes.fromhex((directory / _SECRET_FILE).read_text().strip())
        except FileNotFoundError:
            return None

    def digest(self, kind: str, value: str) -> str:
        """Hex HMAC-SHA256 of ``kind:value`` under the lookup key."""
        inner = self._inner.copy()
        inner.update(f"{kind}:{value}".encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def __repr__(self) -> str:
        return "LookupKey(<secret>)"


@dataclass(frozen=True, slots=True)
class Recipient:
    """The subject fields of a credential and the lookup hash of its recipient."""

    subject_id: str | None
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    lookup_hash: str = ""
    # Every identifier's lookup hash, ``lookup_hash`` first.
    lookup_hashes: tuple[str, ...] = ()


def _normalise(kind: str, value: str) -> str:
    value = value.strip()
    return value.lower() if kind == "email" else value


def recipient_from(data: dict[str, Any], *, lookup: LookupKey) -> Recipient:
    """From an API recipient (any of email, did, studentId, identifier[]; optional name).

    A DID is the subject id; every other identifier is an IdentityObject, hashed with its own
    random salt unless the request says ``hashed: false``. The lookup hash is of the first of
    email, studentId, did, identifier[0] (the one ``?recipient=`` finds)."""
    identifiers: list[dict[str, Any]] = []
    keys: list[tuple[str, str]] = []
    if data.get("email"):
        value = _normalise("email", data["email"])
        identifiers.append(identity_object(value, identity_type="emailAddress"))
        keys.append(("email", value))
    if data.get("studentId"):
        value = _normalise("student", data["studentId"])
        identifiers.append(identity_object(value, identity_type="sisSourcedId"))
        keys.append(("student", value))
    subject_id = data["did"].strip() if data.get("did") else None
    if subject_id:
        keys.append(("did", subject_id))
    for extra in data.get("identifier") or []:
        value = extra["value"].strip()
        if extra.get("hashed", True):
            identifiers.append(identity_object(value, identity_type=extra["identityType"]))
        else:
            identifiers.append({"type": "IdentityObject", "identityHash": value,
                                "identityType": extra["identityType"], "hashed": False})
        keys.append((f"id:{extra['identityType']}", value))
    if data.get("name"):
        identifiers.append({"type": "IdentityObject", "identityHash": data["name"],
                            "identityType": "name", "hashed": False})
    digests = tuple(lookup.digest(kind, value) for kind, value in keys)
    return Recipient(subject_id, identifiers, digests[0], digests)


def lookup_hashes(data: dict[str, Any], *, lookup: LookupKey) -> tuple[str, ...]:
    """Every lookup hash of an API recipient, the one kept on the credential first (what
    :func:`recipient_from` gives as ``lookup_hashes``, without building identity objects)."""
    keys = []
    if data.get("email"):
        keys.append(("email", _normalise("email", data["email"])))
    if data.get("studentId"):
        keys.append(("student", _normalise("student", data["studentId"])))
    if data.get("did"):
        keys.append(("did", data["did"].strip()))
    keys += [(f"id:{e['identityType']}", e["value"].strip()) for e in data.get("identifier") or []]
    return tuple(lookup.digest(kind, value) for kind, value in keys)


def normalised_recipient(data: dict[str, Any]) -> dict[str, Any]:
    """The recipient's fields as compared between a request and its retry."""
    return {
        "email": _normalise("email", data["email"]) if data.get("email") else None,
        "did": data["did"].strip() if data.get("did") else None,
        "studentId": _normalise("student", data["studentId"]) if data.get("studentId") else None,
        "identifier": sorted([e["identityType"], e["value"].strip(), e.get("hashed", True)]
                             for e in data.get("identifier") or []),
        "name": data.get("name"),
    }


def lookup_hash_for(query: str, *, lookup: LookupKey) -> str:
    """The lookup hash of a search term: an email, ``did:…``, ``student:<id>``, or
    ``<identityType>:<value>`` (an ``identifier`` entry, e.g. ``sourcedId:c3f1-77``)."""
    if query.startswith("did:"):
        return lookup.digest("did", query.strip())
    if query.startswith("student:"):
        return lookup.digest("student", query.removeprefix("student:").strip())
    head = "ext:" if query.startswith("ext:") else ""
    kind, separator, value = query[len(head):].partition(":")
    if separator and kind and "@" not in kind:  # <identityType>:<value>, e.g. sourcedId:c3f1
        return lookup.digest(f"id:{head}{kind}", value.strip())
    return lookup.digest("email", _normalise("email", query))
