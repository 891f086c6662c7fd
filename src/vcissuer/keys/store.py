"""The on-disk key store: one PKCS#8 PEM file per named key, mode 0600, in a 0700 directory.

Files are created with their final mode (never chmod-ed afterwards, so there is no moment
when a private key is readable by others), and encrypted when the store has a passphrase.
The algorithm of each key is read from the PEM itself.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from vcissuer.errors import KeyFormatError
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.pair import AnyKeyPair, generate_key_pair, key_pair_from_private_key
from vcissuer.keys.pem import load_private_key_pem

__all__ = ["KeyStore"]

SUFFIX = ".pem"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
# Refuse to follow a symlink planted where a key file should be.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# A plain file name: no separators, no leading dot, nothing a shell or path join reinterprets.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class KeyStore:
    """Named private keys in ``directory``; encrypted with ``passphrase`` when one is given."""

    __slots__ = ("_directory", "_passphrase")

    def __init__(self, directory: Path | str, *, passphrase: bytes | None = None) -> None:
        if passphrase is not None and not isinstance(passphrase, bytes):
            raise TypeError("passphrase must be bytes or None")
        if passphrase is not None and not passphrase:
            raise ValueError("an empty passphrase is not a passphrase; pass None")
        self._directory = Path(directory)
        self._passphrase = passphrase

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    def path(self, name: str) -> Path:
        """The file of key ``name``; ValueError for a name that is not a plain file name."""
        if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
            raise ValueError(
                "a key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or "
                "digit")
        return self._directory / (name + SUFFIX)

    def generate(self, name: str, *, algorithm: KeyAlgorithm | str = KeyAlgorithm.ED25519
                 ) -> AnyKeyPair:
        """Generate and save a new key; FileExistsError if ``name`` is taken."""
        pair = generate_key_pair(algorithm)
        self.save(name, pair)
        return pair

    def save(self, name: str, pair: AnyKeyPair) -> Path:
        """Write ``pair``'s private key as ``<name>.pem``; FileExistsError if it exists."""
        path = self.path(name)
        data = pair.to_pkcs8_pem(passphrase=self._passphrase)
        self._ensure_directory()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def load(self, name: str) -> AnyKeyPair:
        """The key pair stored as ``name``; KeyFormatError for a wrong/missing passphrase."""
        path = self.path(name)
        try:
            descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            raise KeyFormatError(f"no key named {name!r} in {self._directory}") from None
        with os.fdopen(descriptor, "rb") as file:
            data = file.read()
        key = load_private_key_pem(data, passphrase=self._passphrase, name=f"key {name!r}")
        return key_pair_from_private_key(key)

    def algorithm(self, name: str) -> KeyAlgorithm:
        """The algorithm of key ``name``, read from its PEM."""
        return self.load(name).algorithm

    def list(self) -> list[str]:
        """The names of the stored keys, sorted (other files in the directory are ignored)."""
        if not self._directory.is_dir():
            return []
        names = (p.name[: -len(SUFFIX)] for p in self._directory.iterdir()
                 if p.name.endswith(SUFFIX) and p.is_file())
        return sorted(n for n in names if _NAME.match(n) and ".." not in n)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.list()

    def _ensure_directory(self) -> None:
        if not self._directory.exists():
            self._directory.parent.mkdir(parents=True, exist_ok=True)
            # mkdir honours the umask, which can only remove bits from 0700.
            self._directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)

    def __repr__(self) -> str:
        return f"KeyStore({str(self._directory)!r}, encrypted={self.encrypted})"

