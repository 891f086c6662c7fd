"""Status indices reserved ahead per process (issuance/reservoir.py): every index the database
decided, none handed out twice by one process or by two, refilled in blocks."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from vcissuer.clock import system_clock
from vcissuer.issuance.reservoir import IndexReservoir
from vcissuer.store import Database, IssuerRecord, StatusIndexRecord, StatusPurpose

REVOCATION, SUSPENSION = StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION


def allocated_in_db(db: Database) -> int:
    with db.session_scope(read_only=True) as session:
        return session.scalar(select(func.count()).select_from(StatusIndexRecord))


def test_single_takes_refill_in_blocks(db: Database, issuer: IssuerRecord) -> None:
    reservoir = IndexReservoir(block=8)
    taken = [reservoir.take(db, system_clock, issuer_id=issuer.id, wanted={REVOCATION: 1})
             [REVOCATION][0] for _ in range(20)]
    assert len({(s.status_list_id, s.status_index) for s in taken}) == 20
    assert all(s.purpose is REVOCATION for s in taken)
    # 1 + 8, then 8 more, then 8 more: three transactions, 27 indices decided, 20 used.
    assert allocated_in_db(db) == 27


def test_a_batch_bigger_than_the_reserve(db: Database, issuer: IssuerRecord) -> None:
    reservoir = IndexReservoir(block=4)
    first = reservoir.take(db, system_clock, issuer_id=issuer.id,
                           wanted={REVOCATION: 1, SUSPENSION: 2})
    batch = reservoir.take(db, system_clock, issuer_id=issuer.id, wanted={REVOCATION: 50})
    assert [len(first[REVOCATION]), len(first[SUSPENSION]), len(batch[REVOCATION])] == [1, 2, 50]
    slots = first[REVOCATION] + first[SUSPENSION] + batch[REVOCATION]
    assert len({(s.status_list_id, s.status_index) for s in slots}) == 53


def test_threads_and_processes_never_share_an_index(db: Database, issuer: IssuerRecord) -> None:
    """Two reservoirs stand for two worker processes; each is used by four threads."""
    reservoirs = [IndexReservoir(block=5), IndexReservoir(block=7)]
    taken: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(reservoir: IndexReservoir) -> None:
        for n in range(25):
            slots = reservoir.take(db, system_clock, issuer_id=issuer.id,
                                   wanted={REVOCATION: 1 + n % 3})[REVOCATION]
            with lock:
                taken.extend((s.status_list_id, s.status_index) for s in slots)

    threads = [threading.Thread(target=work, args=(reservoirs[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 8 * sum(1 + n % 3 for n in range(25))
    assert len(taken) == len(set(taken)), "an index was given twice"
    assert allocated_in_db(db) >= len(taken)
