"""What the application flows need, built once per process and passed in explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vcissuer.clock import Clock, system_clock
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey, check_shared_lookup_key
from vcissuer.issuance.reservoir import IndexReservoir
from vcissuer.jsonld import Canonicalizer, default_canonicalizer
from vcissuer.store import Database

__all__ = ["Services"]


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
               status_list_ttl: int = 300) -> Services:
        """The services of a serving process; refuses a lookup key other than the one the
        database was written with (every node of a deployment must share it)."""
        from vcissuer.store import upgrade

        db = Database.from_url(database_url)
        upgrade(db.engine)
        lookup = LookupKey(key_dir)
        check_shared_lookup_key(lookup, db, clock)
        return cls(db=db, keyring=Keyring(key_dir, passphrase=passphrase), lookup=lookup,
                   base_url=base_url.rstrip("/"), clock=clock, status_list_ttl=status_list_ttl)
