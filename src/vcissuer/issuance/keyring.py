"""The issuers' signing keys, by name, from the configured key backend (issuance/custody.py).

Which key an issuer signs with is read from the database on every issue (``issuer_keys``);
the keyring only turns a key name into something that signs. Key material never changes under
a name, so what was loaded is kept in memory (never logged, never returned) and shared by all
request threads: loading runs a slow KDF (encrypted files), an AES-GCM unwrap (database), or a
token lookup (PKCS#11). A key another node generated is loaded on its first use here.
"""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path

from vcissuer.errors import VcError
from vcissuer.issuance.custody import CustodyKey, FileBackend, KeyBackend
from vcissuer.issuance.errors import KeyUnavailable

__all__ = ["Keyring"]

log = logging.getLogger("vcissuer.keys")
MAX_NAME = 64  # issuer_keys.key_name, wrapped_keys.key_name, a key file name


class Keyring:
    """Generates and loads issuer keys by name; caches loaded keys."""

    def __init__(self, directory: Path | None = None, *, passphrase: bytes | None = None,
                 backend: KeyBackend | None = None) -> None:
        if backend is None:
            if directory is None:
                raise TypeError("give a key directory or a key backend")
            backend = FileBackend(directory, passphrase=passphrase)
        self.backend = backend
        self._loaded: dict[str, CustodyKey] = {}
        self._lock = threading.Lock()

    def generate(self, prefix: str) -> tuple[str, CustodyKey]:
        """A new Ed25519 key named ``<prefix>-<random>`` (names never clash across nodes; the
        prefix is cut so the name fits the 64 characters every backend takes)."""
        name = f"{prefix[:MAX_NAME - 13]}-{secrets.token_hex(6)}"
        try:
            key = self.backend.generate(name)
        except VcError as error:
            raise self._unavailable("cannot make a new signing key", error) from None
        with self._lock:
            self._loaded[name] = key
        return name, key

    def load(self, name: str) -> CustodyKey:
        with self._lock:
            key = self._loaded.get(name)
        if key is None:
            try:
                key = self.backend.load(name)
            except VcError as error:
                raise self._unavailable("the issuer's signing key cannot be used", error
                                        ) from None
            with self._lock:
                self._loaded[name] = key
        return key

    def _unavailable(self, what: str, error: VcError) -> KeyUnavailable:
        # The reason (key names, KEK ids, paths: never key bytes) goes to the log only.
        log.error("%s (%s backend): %s", what, self.backend.name, error.message)
        return KeyUnavailable(f"{what}: the {self.backend.name} key backend refused; the "
                              "service log says why")
