"""Code run in child processes by the concurrency tests (importable, so 'spawn' can find it)."""

from __future__ import annotations

import random

from vcissuer.store import Database, StatusListRepository, StatusPurpose


def allocate(url: str, issuer_id: str, total: int, list_size: int, seed: int
             ) -> list[tuple[str, int]]:
    """Allocate ``total`` indices in transactions of 1-16, as separate workers would."""
    database = Database.from_url(url)
    sizes = random.Random(seed)
    slots: list[tuple[str, int]] = []
    try:
        while len(slots) < total:
            count = min(total - len(slots), sizes.randint(1, 16))
            with database.session_scope() as session:
                allocated = StatusListRepository(session, list_size=list_size).allocate(
                    issuer_id=issuer_id, purpose=StatusPurpose.REVOCATION, count=count)
            slots.extend((slot.status_list_id, slot.status_index) for slot in allocated)
    finally:
        database.dispose()
    return slots
