"""What the application flows need, built once per process and passed in explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vcissuer.clock import Clock, system_clock
from vcissuer.issuance.custody import CustodyConfig, KeyBackend
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey, check_shared_lookup_key
from vcissuer.issuance.reservoir import IndexReservoir
from vcissuer.jsonld import Canonicalizer, default_canonicalizer
from vcissuer.store import Database

__all__ = ["Services", "lookup_key"]


@dataclass
class Services:
    """The database, the keys, the public origin, the clock, the canonicalizer and the
    status indices this process holds in reserve."""

    db: Database
    keyring: Keyring
    lookup: LookupKey
    base_url: str
    clock: Clock = system_clock
    canonicalizer: Canonicalizer = field(default_factory=default_canonicalizer)
    # Status list indices reserved ahead by this process (see issuance/reservoir.py).
    reservoir: IndexReservoir = field(default_factory=IndexReservoir)
    # Seconds a published status list may be cached (its ``ttl``, Cache-Control max-age):
    # the bound on how long a revocation may stay unseen by a verifier (issuance/status.py).
    status_list_ttl: int = 300

    @classmethod
    def create(cls, *, database_url: str, key_dir: Path, passphrase: bytes | None,
               base_url: str, clock: Clock = system_clock,
               custody: CustodyConfig | None = None,
               status_list_ttl: int = 300) -> Services:
        """Open (and migrate) the database and the key backend, and check the backend: a
        node given a wrong or missing KEK, token or PIN stops at start-up; so does a node whose
        recipient lookup key is not the one the database was written with (every node of a
        deployment must share it)."""
        from vcissuer.store import upgrade

        db = Database.from_url(database_url)
        upgrade(db.engine)
        backend = (custody or CustodyConfig()).build(db=db, key_dir=key_dir,
                                                     passphrase=passphrase)
        backend.check()
        lookup = lookup_key(backend, key_dir)
        check_shared_lookup_key(lookup, db, clock)
        return cls(db=db, keyring=Keyring(backend=backend), lookup=lookup,
                   base_url=base_url.rstrip("/"), clock=clock, status_list_ttl=status_list_ttl)


def lookup_key(backend: KeyBackend, key_dir: Path) -> LookupKey:
    """The recipient lookup key: in the database when the keys are (every node must hash a
    learner's email alike), taken over from ``key_dir`` the first time; else in ``key_dir``."""
    from vcissuer.issuance.custody import LOOKUP_SECRET, DatabaseBackend

    if isinstance(backend, DatabaseBackend):
        return LookupKey.from_secret(
            backend.shared_secret(LOOKUP_SECRET, initial=LookupKey.existing(key_dir)))
    return LookupKey(key_dir)
