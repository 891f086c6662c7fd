"""The issuers' signing keys: private halves in the key store, loaded once per process.

Loading an encrypted PKCS#8 file runs a deliberately slow KDF, so loaded key pairs are kept in
memory (never logged, never returned) and shared by all request threads.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from vcissuer.keys import KeyAlgorithm, KeyStore
from vcissuer.keys.pair import AnyKeyPair

__all__ = ["Keyring"]


class Keyring:
    """Generates and loads issuer keys by name; caches loaded pairs."""

    def __init__(self, directory: Path, *, passphrase: bytes | None) -> None:
        self.store = KeyStore(directory, passphrase=passphrase)
        self._loaded: dict[str, AnyKeyPair] = {}
        self._lock = threading.Lock()

    def generate(self, prefix: str, *, algorithm: KeyAlgorithm = KeyAlgorithm.ED25519
                 ) -> tuple[str, AnyKeyPair]:
        """A new key named ``<prefix>-<random>`` (names never clash across workers)."""
        name = f"{prefix}-{secrets.token_hex(6)}"
        pair = self.store.generate(name, algorithm=algorithm)
        with self._lock:
            self._loaded[name] = pair
        return name, pair

    def load(self, name: str) -> AnyKeyPair:
        with self._lock:
            pair = self._loaded.get(name)
        if pair is None:
            pair = self.store.load(name)
            with self._lock:
                self._loaded[name] = pair
        return pair
