"""Status lists: random unique indices decided by the database, new lists when full, bits,
and the cached signed list credential."""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.store import workers
from tests.store.conftest import START, TickingClock
from vcissuer.store import (
    MIN_STATUS_LIST_SIZE,
    Database,
    IssuerRecord,
    NotFoundError,
    StatusIndexRecord,
    StatusListRepository,
    StatusPurpose,
    get_bit,
)

REVOCATION = StatusPurpose.REVOCATION


def allocate(db: Database, issuer_id: str, count: int, *, list_size: int = 64,
             purpose: StatusPurpose = REVOCATION, seed: int | None = None
             ) -> list[tuple[str, int]]:
    with db.session_scope() as session:
        repository = StatusListRepository(
            session, list_size=list_size, rng=random.Random(seed) if seed is not None else None)
        slots = repository.allocate(issuer_id=issuer_id, purpose=purpose, count=count)
    assert all(slot.purpose is purpose for slot in slots)
    return [(slot.status_list_id, slot.status_index) for slot in slots]


def check_lists(db: Database, issuer_id: str, slots: list[tuple[str, int]], size: int) -> None:
    """No index twice, none lost, counters right, and every list but the last one full."""
    assert len(slots) == len(set(slots)), "an index was given twice"
    per_list = Counter(list_id for list_id, _ in slots)
    with db.session_scope(read_only=True) as session:
        lists = StatusListRepository(session).list(issuer_id=issuer_id)
        stored = session.execute(
            select(StatusIndexRecord.status_list_id, StatusIndexRecord.status_index)
        ).all()
    assert {tuple(row) for row in stored} == set(slots), "an allocation was lost"
    assert {lst.id: lst.allocated for lst in lists} == dict(per_list)
    assert all(0 <= index < size for _, index in slots)
    assert [lst.allocated for lst in lists[:-1]] == [size] * (len(lists) - 1)
    assert len(lists) == -(-len(slots) // size)


def test_the_default_list_has_the_spec_minimum_size(db: Database, issuer: IssuerRecord) -> None:
    (list_id, index), = allocate(db, issuer.id, 1, list_size=MIN_STATUS_LIST_SIZE)
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
    assert status_list is not None
    assert status_list.size == 131_072
    assert len(status_list.bitstring) == 16 * 1024
    assert not any(status_list.bitstring)
    assert status_list.version == 0 and status_list.allocated == 1
    assert 0 <= index < 131_072


def test_indices_are_random_within_the_list(db: Database, issuer: IssuerRecord) -> None:
    slots = allocate(db, issuer.id, 200, list_size=MIN_STATUS_LIST_SIZE)
    indices = [index for _, index in slots]
    assert indices != sorted(indices)
    assert max(indices) - min(indices) > 100_000


def test_a_full_list_is_followed_by_a_new_one(db: Database, issuer: IssuerRecord) -> None:
    slots = allocate(db, issuer.id, 150, list_size=64, seed=1)
    check_lists(db, issuer.id, slots, 64)
    assert len({list_id for list_id, _ in slots}) == 3


def test_single_allocations_fill_a_list_exactly(db: Database, issuer: IssuerRecord) -> None:
    slots: list[tuple[str, int]] = []
    for n in range(64):
        slots += allocate(db, issuer.id, 1, list_size=64, seed=n)
    assert {index for _, index in slots} == set(range(64))
    assert len({list_id for list_id, _ in slots}) == 1
    check_lists(db, issuer.id, slots, 64)


def test_purposes_have_separate_lists(db: Database, issuer: IssuerRecord) -> None:
    (revocation, _), = allocate(db, issuer.id, 1, purpose=StatusPurpose.REVOCATION)
    (suspension, _), = allocate(db, issuer.id, 1, purpose=StatusPurpose.SUSPENSION)
    assert revocation != suspension
    with db.session_scope(read_only=True) as session:
        repository = StatusListRepository(session)
        assert [s.id for s in repository.list(issuer_id=issuer.id,
                                              purpose=StatusPurpose.SUSPENSION)] == [suspension]


def test_issuers_have_separate_lists(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    (mine, _), = allocate(db, issuer.id, 1)
    (theirs, _), = allocate(db, other_issuer.id, 1)
    assert mine != theirs
    with db.session_scope(read_only=True) as session:
        repository = StatusListRepository(session)
        assert repository.get(mine, issuer_id=other_issuer.id) is None
        assert [s.id for s in repository.list(issuer_id=other_issuer.id)] == [theirs]
        with pytest.raises(NotFoundError):
            repository.allocated_indices(mine, issuer_id=other_issuer.id)
    with pytest.raises(NotFoundError), db.session_scope() as session:
        StatusListRepository(session).set_bits({mine: {0: True}}, issuer_id=other_issuer.id)


@pytest.mark.parametrize("arguments", [{"list_size": 0}, {"list_size": 100}])
def test_list_sizes_are_whole_bytes(db: Database, arguments: dict[str, int]) -> None:
    with db.session_scope() as session, pytest.raises(ValueError, match="multiple of 8"):
        StatusListRepository(session, **arguments)


def test_allocating_for_an_unknown_issuer_fails(db: Database) -> None:
    with pytest.raises(NotFoundError):
        allocate(db, "no-such-issuer", 1)


def test_set_bits_msb_first_and_bumps_the_version_only_on_change(
    db: Database, issuer: IssuerRecord
) -> None:
    (list_id, _), = allocate(db, issuer.id, 1)
    with db.session_scope() as session:
        repository = StatusListRepository(session)
        assert repository.set_bits({list_id: {0: True, 9: True}}, issuer_id=issuer.id) == {
            list_id}
        assert repository.set_bits({list_id: {0: True}}, issuer_id=issuer.id) == set()
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
    assert status_list is not None
    assert status_list.bitstring[:2] == bytes([0b1000_0000, 0b0100_0000])
    assert get_bit(status_list.bitstring, 0) and get_bit(status_list.bitstring, 9)
    assert not get_bit(status_list.bitstring, 1)
    assert status_list.version == 1
    with db.session_scope() as session:
        StatusListRepository(session).set_bits({list_id: {0: False}}, issuer_id=issuer.id)
        with pytest.raises(ValueError, match="outside"):
            StatusListRepository(session).set_bits({list_id: {64: True}}, issuer_id=issuer.id)
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
    assert status_list is not None
    assert status_list.bitstring[:2] == bytes([0, 0b0100_0000])
    assert status_list.version == 2


def test_save_signed_keeps_only_the_newest(
    db: Database, issuer: IssuerRecord, clock: TickingClock
) -> None:
    (list_id, _), = allocate(db, issuer.id, 1)
    later = START + timedelta(hours=1)
    with db.session_scope() as session:
        repository = StatusListRepository(session, clock=clock)
        repository.set_bits({list_id: {3: True}}, issuer_id=issuer.id)  # version 1

        def save(signed: str, version: int, valid_until: object) -> bool:
            return repository.save_signed(list_id, issuer_id=issuer.id, signed=signed,
                                          version=version, valid_until=valid_until,  # type: ignore[arg-type]
                                          etag=f'"{signed}"')

        assert save("v1", 1, START)
        assert not save("v0", 0, later)  # older bits
        assert not save("v1-again", 1, START)  # same bits, no longer valid
        assert save("v1-renewed", 1, later)  # same bits, valid for longer
        assert not save("v2", 2, later)  # bits it has never had
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
    assert status_list is not None
    assert (status_list.signed_credential, status_list.signed_version) == ("v1-renewed", 1)
    assert status_list.signed_valid_until == later
    assert status_list.etag == '"v1-renewed"'


def test_threads_allocating_at_once_never_share_an_index(
    db: Database, issuer: IssuerRecord
) -> None:
    threads_count, per_thread, size = 4, 120, 128
    barrier = threading.Barrier(threads_count)
    results: list[list[tuple[str, int]]] = []
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            sizes = random.Random(seed)
            mine: list[tuple[str, int]] = []
            barrier.wait()
            while len(mine) < per_thread:
                mine += allocate(db, issuer.id, min(per_thread - len(mine), sizes.randint(1, 9)),
                                 list_size=size)
            results.append(mine)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slots = [slot for result in results for slot in result]
    assert len(slots) == threads_count * per_thread
    check_lists(db, issuer.id, slots, size)


def test_processes_allocating_at_once_never_share_an_index(
    db: Database, db_url: str, issuer: IssuerRecord
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("several processes share one database only on PostgreSQL")
    processes, per_process, size = 4, 500, 512
    # forkserver: children start clean (no inherited connections) and cheaply (modules preloaded).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([workers.__name__])
    with context.Pool(processes) as pool:
        results = pool.starmap(
            workers.allocate,
            [(db_url, issuer.id, per_process, size, seed) for seed in range(processes)],
        )
    slots = [slot for result in results for slot in result]
    assert len(slots) == processes * per_process
    check_lists(db, issuer.id, slots, size)
    with db.session_scope(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(StatusIndexRecord)) == len(slots)


def test_set_bits_sees_changes_committed_after_the_session_read_the_list(
    db: Database, issuer: IssuerRecord
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite's write lock keeps a second writer out of the window")
    (list_id, _), = allocate(db, issuer.id, 1)
    with db.session_scope() as session:
        repository = StatusListRepository(session)
        stale = repository.get(list_id, issuer_id=issuer.id)
        assert stale is not None and not any(stale.bitstring)
        with db.session_scope() as other:  # another worker, committing in between
            StatusListRepository(other).set_bits({list_id: {5: True}}, issuer_id=issuer.id)
        repository.set_bits({list_id: {6: True}}, issuer_id=issuer.id)
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
    assert status_list is not None
    assert status_list.bitstring[0] == 0b0000_0110
    assert status_list.version == 2


@pytest.mark.parametrize("status_size", [1, 2, 8])
def test_multi_bit_values_are_written_as_the_spec_generates_them(
    db: Database, issuer: IssuerRecord, status_size: int
) -> None:
    """BSL §3.3: each value sits at index x statusSize, most significant bit first; the
    store's writer agrees with the test-only reference over random values."""
    from tests.status import bsl_reference as ref

    rng = random.Random(status_size)
    with db.session_scope() as session:
        repository = StatusListRepository(session, list_size=64)
        slots = repository.allocate(issuer_id=issuer.id, purpose=StatusPurpose.MESSAGE,
                                    count=40, status_size=status_size)
        values = {slot.status_index: rng.randrange(1 << status_size) for slot in slots}
        repository.set_bits({slots[0].status_list_id: values}, issuer_id=issuer.id)
    with db.session_scope(read_only=True) as session:
        stored = StatusListRepository(session).get(slots[0].status_list_id,
                                                   issuer_id=issuer.id)
        assert stored is not None and stored.status_size == status_size
        bits = "".join(format(byte, "08b") for byte in stored.bitstring)
    expected = ref.expand(ref.generate(values, status_size=status_size,
                                       length_bits=64 * status_size))
    assert bits == expected
