"""Status list indices reserved ahead, per issuer and purpose, in this process.

Allocating an index is a write transaction (a row lock on the issuer, a row per index, the
list's counter). Issued one at a time, credentials would pay it each: on SQLite a commit, on
PostgreSQL a round trip and a lock every other worker waits on. So each process reserves a
block of random indices at once and hands them out from memory. The database still decides
every index (unique across workers and all time); an index reserved by a process that stops
before using it is simply never used, which the Bitstring Status List allows (its bit stays 0)
and which costs herd privacy nothing (reserved indices are as random as any).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from vcissuer.clock import Clock
from vcissuer.store import Database, StatusListRepository, StatusPurpose, StatusSlot

__all__ = ["IndexReservoir"]


class IndexReservoir:
    """Hands out allocated status list slots, reserving ``block`` extra when it runs dry."""

    def __init__(self, block: int = 32) -> None:
        if block < 0:
            raise ValueError("block must not be negative")
        self.block = block
        self._pools: dict[tuple[str, StatusPurpose], list[StatusSlot]] = {}
        self._lock = threading.Lock()

    def take(self, db: Database, clock: Clock, *, issuer_id: str,
             wanted: Mapping[StatusPurpose, int]) -> dict[StatusPurpose, list[StatusSlot]]:
        """``wanted[purpose]`` slots per purpose; one short write transaction when the
        reserve cannot cover them (held under this process's lock, so one refill at a time)."""
        with self._lock:
            missing = {}
            for purpose, count in wanted.items():
                pool = self._pools.setdefault((issuer_id, purpose), [])
                if len(pool) < count:
                    missing[purpose] = count - len(pool) + self.block
            if missing:
                with db.session_scope() as session:
                    repo = StatusListRepository(session, clock=clock)
                    fresh = {purpose: repo.allocate(issuer_id=issuer_id, purpose=purpose,
                                                    count=count)
                             for purpose, count in missing.items()}
                for purpose, slots in fresh.items():
                    self._pools[(issuer_id, purpose)].extend(slots)
            out = {}
            for purpose, count in wanted.items():
                pool = self._pools[(issuer_id, purpose)]
                out[purpose] = pool[len(pool) - count:]
                del pool[len(pool) - count:]
            return out
