"""Envelope encryption of private keys: AES-256-GCM under a key-encryption key (KEK).

A KEK ring holds every KEK a node may need, each named by an id; the first is the one new
keys are wrapped under. A wrapped key records the id of its KEK, so a ring of ``new,old`` reads
rows of both while ``rewrap`` moves them to ``new`` (then ``old`` can leave the ring).

The associated data binds the ciphertext to the key's name, algorithm and KEK id: a row copied
over another row (or relabelled) fails authentication instead of signing as the wrong key.
Errors name KEK ids and key names, never key bytes.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vcissuer.errors import VcError

__all__ = ["KEK_BYTES", "KekRing", "KeyWrapError", "WrappedKey", "parse_kek_ring"]

KEK_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM nonce size NIST SP 800-38D recommends
_KEK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_AAD_PREFIX = b"vcissuer/wrapped-key/v1"


class KeyWrapError(VcError):
    """A KEK that is missing, malformed or wrong, or a wrapped key that fails authentication."""


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A private key encrypted under KEK ``kek_id`` (``nonce`` and ``ciphertext`` with tag)."""

    kek_id: str
    nonce: bytes
    ciphertext: bytes = field(repr=False)


def _aad(name: str, algorithm: str, kek_id: str) -> bytes:
    return b"\x00".join((_AAD_PREFIX, name.encode(), algorithm.encode(), kek_id.encode()))


class KekRing:
    """Key-encryption keys by id; ``primary`` (the first given) wraps new keys."""

    __slots__ = ("_keys", "primary")

    def __init__(self, keys: Iterable[tuple[str, bytes]]) -> None:
        ordered: dict[str, bytes] = {}
        for kek_id, key in keys:
            if not _KEK_ID.match(kek_id):
                raise KeyWrapError(
                    f"KEK id {kek_id[:40]!r} is not 1-32 letters, digits, '.', '_' or '-'")
            if len(key) != KEK_BYTES:
                raise KeyWrapError(f"KEK {kek_id!r} is {len(key)} bytes; AES-256 needs "
                                   f"{KEK_BYTES}")
            if kek_id in ordered:
                raise KeyWrapError(f"KEK id {kek_id!r} is given twice")
            ordered[kek_id] = bytes(key)
        if not ordered:
            raise KeyWrapError("no key-encryption key given (VCISSUER_KEK or VCISSUER_KEK_FILE)")
        self._keys: Mapping[str, bytes] = ordered
        self.primary: str = next(iter(ordered))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def wrap(self, plaintext: bytes, *, name: str, algorithm: str) -> WrappedKey:
        """Encrypt ``plaintext`` (a private key) under the primary KEK."""
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = AESGCM(self._keys[self.primary]).encrypt(
            nonce, plaintext, _aad(name, algorithm, self.primary))
        return WrappedKey(self.primary, nonce, ciphertext)

    def unwrap(self, wrapped: WrappedKey, *, name: str, algorithm: str) -> bytes:
        """The plaintext of ``wrapped``; KeyWrapError for an unknown KEK id, a wrong KEK, a
        tampered ciphertext, or a row stored under another key's name."""
        key = self._keys.get(wrapped.kek_id)
        if key is None:
            raise KeyWrapError(
                f"key {name!r} is wrapped under KEK {wrapped.kek_id!r}, which this node was not "
                f"given (it has {', '.join(self._keys)})")
        try:
            return AESGCM(key).decrypt(wrapped.nonce, wrapped.ciphertext,
                                       _aad(name, algorithm, wrapped.kek_id))
        except (InvalidTag, ValueError):
            raise KeyWrapError(
                f"key {name!r} does not decrypt under KEK {wrapped.kek_id!r}: a wrong KEK for "
                "that id, or a tampered or moved row") from None

    def rewrap(self, wrapped: WrappedKey, *, name: str, algorithm: str) -> WrappedKey:
        """``wrapped`` re-encrypted under the primary KEK (itself when it is there already)."""
        if wrapped.kek_id == self.primary:
            return wrapped
        return self.wrap(self.unwrap(wrapped, name=name, algorithm=algorithm), name=name,
                         algorithm=algorithm)

    def __repr__(self) -> str:
        return f"KekRing(ids={list(self._keys)!r})"


def _decode_key(kek_id: str, text: str) -> bytes:
    text = text.strip()
    try:
        text = text.rstrip("=").replace("-", "+").replace("_", "/")
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise KeyWrapError(f"KEK {kek_id!r} is not base64") from None


def parse_kek_ring(text: str) -> KekRing:
    """A ring from ``id:base64key`` entries separated by commas or new lines (``#`` starts a
    comment line); the first entry is the primary KEK."""
    entries = []
    for raw in re.split(r"[,\n]", text):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        kek_id, colon, key = entry.partition(":")
        if not colon:
            raise KeyWrapError("a KEK entry is 'id:base64key' (no ':' found)")
        entries.append((kek_id.strip(), _decode_key(kek_id.strip(), key)))
    return KekRing(entries)
