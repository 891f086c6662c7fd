"""Where the issuers' private keys live: a key backend behind the Signer protocol.

- ``file``: PKCS#8 files in the key directory (one machine; the default);
- ``database``: PKCS#8 wrapped with AES-256-GCM under a key-encryption key every node is given
  (``wrapped_keys`` table): any node loads a key any other node generated;
- ``pkcs11``: Ed25519 keys generated on (or imported once into) a PKCS#11 token; signing is
  C_Sign there, the private key never leaves it.

Every backend generates a key under a name, loads it by name (something whose ``signer(vm)``
is a :class:`~vcissuer.keys.Signer`), and tells its public key; ``issuer_keys`` in the database
says which name is each issuer's active key, so the rest of the service never asks which
backend holds it. Moving keys between backends keeps names and key material (``migrate``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from vcissuer.keys import Ed25519KeyPair, KeyAlgorithm, KeyStore, decode_secret_multikey
from vcissuer.keys.pair import AnyKeyPair, generate_key_pair, key_pair_from_private_key
from vcissuer.keys.pem import load_private_key_pem
from vcissuer.keys.pkcs11 import Pkcs11Ed25519Key, Pkcs11Token
from vcissuer.keys.wrap import KekRing, KeyWrapError, WrappedKey
from vcissuer.store import Database, DuplicateError
from vcissuer.store.custody import WrappedKeyRepository, issuer_key_names

__all__ = ["BACKENDS", "LOOKUP_SECRET", "CustodyConfig", "CustodyKey", "DatabaseBackend",
           "FileBackend", "KeyBackend", "MigrationReport", "Pkcs11Backend", "migrate_keys"]

# The recipient lookup HMAC key (issuance/recipients.py) when keys live in the database.
LOOKUP_SECRET = "_recipient-lookup"  # noqa: S105 - a row's name, not a secret

BackendName = Literal["file", "database", "pkcs11"]
BACKENDS: tuple[BackendName, ...] = ("file", "database", "pkcs11")

# What a backend hands out: it knows its public key and makes Signers.
CustodyKey = AnyKeyPair | Pkcs11Ed25519Key


class KeyBackend(Protocol):
    name: BackendName

    def generate(self, name: str) -> CustodyKey:
        """A new Ed25519 key stored as ``name``; FileExistsError if the name is taken."""

    def load(self, name: str) -> CustodyKey:
        """The key stored as ``name``; a VcError when it is missing or cannot be opened."""

    def names(self) -> list[str]: ...

    def export(self, name: str) -> AnyKeyPair:
        """The private key, to move it to another backend (a token refuses)."""

    def put(self, name: str, pair: AnyKeyPair) -> CustodyKey:
        """Store an existing key as ``name`` (a migration); FileExistsError if taken."""

    def check(self) -> object:
        """At start-up: a VcError when the backend cannot be used (wrong KEK, token, PIN)."""


class FileBackend:
    """PKCS#8 files, encrypted with the passphrase when one is given (keys/store.py)."""

    name: BackendName = "file"

    def __init__(self, directory: Path, *, passphrase: bytes | None) -> None:
        self.store = KeyStore(directory, passphrase=passphrase)

    def generate(self, name: str) -> CustodyKey:
        return self.store.generate(name, algorithm=KeyAlgorithm.ED25519)

    def load(self, name: str) -> CustodyKey:
        return self.store.load(name)

    def names(self) -> list[str]:
        return self.store.list()

    def export(self, name: str) -> AnyKeyPair:
        return self.store.load(name)

    def put(self, name: str, pair: AnyKeyPair) -> CustodyKey:
        self.store.save(name, pair)
        return pair

    def check(self) -> object:
        return None  # a file that cannot be read is reported when its key is first used


class DatabaseBackend:
    """PKCS#8 wrapped under the KEK ring's primary KEK, one ``wrapped_keys`` row per key."""

    name: BackendName = "database"

    def __init__(self, db: Database, ring: KekRing) -> None:
        self.db = db
        self.ring = ring

    def generate(self, name: str) -> CustodyKey:
        return self.put(name, generate_key_pair(KeyAlgorithm.ED25519))

    def put(self, name: str, pair: AnyKeyPair) -> CustodyKey:
        algorithm = str(pair.algorithm)
        wrapped = self.ring.wrap(pair.to_pkcs8_pem(passphrase=None), name=name,
                                 algorithm=algorithm)
        try:
            with self.db.session_scope() as session:
                WrappedKeyRepository(session).add(
                    key_name=name, algorithm=algorithm, public_multibase=_public_text(pair),
                    kek_id=wrapped.kek_id, nonce=wrapped.nonce, ciphertext=wrapped.ciphertext)
        except DuplicateError:
            raise FileExistsError(f"the database already holds a key named {name!r}") from None
        return pair

    def load(self, name: str) -> CustodyKey:
        with self.db.session_scope(read_only=True) as session:
            row = WrappedKeyRepository(session).get(name)
            if row is None:
                raise KeyWrapError(f"no key named {name!r} in the database")
            algorithm, public = row.algorithm, row.public_multibase
            wrapped = WrappedKey(row.kek_id, row.nonce, row.ciphertext)
        pem = self.ring.unwrap(wrapped, name=name, algorithm=algorithm)
        pair = key_pair_from_private_key(
            load_private_key_pem(pem, passphrase=None, name=f"key {name!r}"))
        if str(pair.algorithm) != algorithm or _public_text(pair) != public:
            raise KeyWrapError(f"key {name!r} does not match the public key stored beside it")
        return pair

    def names(self) -> list[str]:
        with self.db.session_scope(read_only=True) as session:
            return [n for n in WrappedKeyRepository(session).names() if not n.startswith("_")]

    def shared_secret(self, name: str, *, initial: bytes | None = None) -> bytes:
        """A secret every node shares (``_``-prefixed: never an issuer key's name), made on
        first use from ``initial`` (a migrated one) or at random; a clash with a different
        ``initial`` is an error, not a silent switch."""
        if not name.startswith("_"):
            raise ValueError("shared secret names start with '_'")
        algorithm = "HMAC-SHA256"
        with self.db.session_scope(read_only=True) as session:
            row = WrappedKeyRepository(session).get(name)
            wrapped = None if row is None else WrappedKey(row.kek_id, row.nonce, row.ciphertext)
        if wrapped is None:
            secret = initial or secrets.token_bytes(32)
            new = self.ring.wrap(secret, name=name, algorithm=algorithm)
            try:
                with self.db.session_scope() as session:
                    WrappedKeyRepository(session).add(
                        key_name=name, algorithm=algorithm, public_multibase="",
                        kek_id=new.kek_id, nonce=new.nonce, ciphertext=new.ciphertext)
                return secret
            except DuplicateError:  # another node made it first: use theirs
                return self.shared_secret(name, initial=initial)
        secret = self.ring.unwrap(wrapped, name=name, algorithm=algorithm)
        if initial is not None and initial != secret:
            raise KeyWrapError(f"the database already holds a different {name!r}")
        return secret

    def export(self, name: str) -> AnyKeyPair:
        pair = self.load(name)
        assert not isinstance(pair, Pkcs11Ed25519Key)
        return pair

    def check(self) -> dict[str, int]:
        """At start-up: every KEK id in use must be in the ring and decrypt one of its keys
        (so a wrong or missing KEK stops the node at once, not at its first issue)."""
        with self.db.session_scope(read_only=True) as session:
            repository = WrappedKeyRepository(session)
            counts = repository.kek_ids()
            samples = [repository.sample(kek_id) for kek_id in counts]
            wrapped = [(row.key_name, row.algorithm, WrappedKey(row.kek_id, row.nonce,
                                                                row.ciphertext))
                       for row in samples if row is not None]
        for name, algorithm, key in wrapped:
            self.ring.unwrap(key, name=name, algorithm=algorithm)
        return counts

    def rewrap(self, *, batch: int = 100) -> int:
        """Re-encrypt every key not under the primary KEK with it; returns how many moved.
        Batches of rows are locked while they move, so two nodes rewrapping at once, or a
        node reading, never see a half-written row."""
        moved = 0
        while True:
            with self.db.session_scope() as session:
                repository = WrappedKeyRepository(session)
                rows = repository.not_under(self.ring.primary, limit=batch)
                for row in rows:
                    new = self.ring.rewrap(WrappedKey(row.kek_id, row.nonce, row.ciphertext),
                                           name=row.key_name, algorithm=row.algorithm)
                    moved += repository.replace_wrapping(
                        row.key_name, old_kek_id=row.kek_id, kek_id=new.kek_id,
                        nonce=new.nonce, ciphertext=new.ciphertext)
            if len(rows) < batch:
                return moved


class Pkcs11Backend:
    """Ed25519 keys on a PKCS#11 token; sign-only (nothing is ever exported)."""

    name: BackendName = "pkcs11"

    def __init__(self, token: Pkcs11Token) -> None:
        self.token = token

    def generate(self, name: str) -> CustodyKey:
        return self.token.generate(name)

    def load(self, name: str) -> CustodyKey:
        return self.token.load(name)

    def names(self) -> list[str]:
        return self.token.names()

    def export(self, name: str) -> AnyKeyPair:
        raise KeyWrapError(f"key {name!r} is on a PKCS#11 token; it cannot leave it")

    def put(self, name: str, pair: AnyKeyPair) -> CustodyKey:
        if not isinstance(pair, Ed25519KeyPair):
            raise KeyWrapError(f"key {name!r} is {pair.algorithm}; the PKCS#11 backend holds "
                               "Ed25519 keys only")
        _, seed = decode_secret_multikey(pair.secret_multibase())
        return self.token.import_ed25519(name, seed)

    def check(self) -> object:
        """Open the token and log in: a wrong module, label or PIN stops the node at once."""
        return len(self.token.names())


def _public_text(pair: CustodyKey) -> str:
    """The public key as text: its Multikey, or its JWK as JSON for RSA (no Multikey)."""
    multibase = getattr(pair, "public_multibase", None)
    if isinstance(multibase, str):
        return multibase
    return json.dumps(pair.public_jwk(), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class CustodyConfig:
    """Which backend holds the keys, with what it needs (plain values from the settings)."""

    backend: BackendName = "file"
    kek_ring: KekRing | None = None
    pkcs11_module: str | None = None
    pkcs11_token_label: str | None = None
    pkcs11_pin: str | None = None

    def build(self, *, db: Database, key_dir: Path, passphrase: bytes | None,
              backend: BackendName | None = None) -> KeyBackend:
        """The backend ``backend`` (default: the configured one)."""
        kind = backend or self.backend
        if kind == "file":
            return FileBackend(key_dir, passphrase=passphrase)
        if kind == "database":
            if self.kek_ring is None:
                raise KeyWrapError("the database key backend needs a key-encryption key "
                                   "(VCISSUER_KEK or VCISSUER_KEK_FILE)")
            return DatabaseBackend(db, self.kek_ring)
        if not (self.pkcs11_module and self.pkcs11_token_label and self.pkcs11_pin):
            raise KeyWrapError("the pkcs11 key backend needs VCISSUER_PKCS11_MODULE, "
                               "VCISSUER_PKCS11_TOKEN_LABEL and VCISSUER_PKCS11_PIN(_FILE)")
        return Pkcs11Backend(Pkcs11Token(self.pkcs11_module, token_label=self.pkcs11_token_label,
                                         pin=self.pkcs11_pin))


@dataclass(frozen=True)
class MigrationReport:
    moved: list[str]
    already: list[str]


def migrate_keys(db: Database, source: KeyBackend, target: KeyBackend) -> MigrationReport:
    """Copy every issuer key (every name in ``issuer_keys`` but compromised ones) from
    ``source`` to ``target``, the same key material under the same name, so DID documents
    and issued credentials stay valid. A key already in the target with the same public key
    is left alone (the command can be rerun); one with another public key is an error."""
    with db.session_scope(read_only=True) as session:
        keys = issuer_key_names(session)
    present = set(target.names())
    moved, already = [], []
    for name, public in keys:
        if name in present:
            if _public_text(target.load(name)) != public:
                raise KeyWrapError(f"the target already holds a different key named {name!r}")
            already.append(name)
            continue
        pair = source.export(name)
        if _public_text(pair) != public:
            raise KeyWrapError(f"key {name!r} in the {source.name} backend is not the issuer "
                               "key of that name (its public key differs)")
        if _public_text(target.put(name, pair)) != public:
            raise KeyWrapError(f"key {name!r} changed on its way to the {target.name} backend")
        moved.append(name)
    return MigrationReport(moved, already)
