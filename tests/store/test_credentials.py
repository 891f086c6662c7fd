"""Credentials: stored byte for byte, idempotent per assessment reference, listed by page."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.store.conftest import TickingClock, new_credential
from vcissuer.store import (
    AchievementRepository,
    CredentialRepository,
    CredentialState,
    Database,
    IssuerRecord,
    StatusListRepository,
    StatusPurpose,
)

# Key order, spacing and escapes a re-serialized dict would not keep.
SIGNED = '{"@context":["https://www.w3.org/ns/credentials/v2"],  "name":"caf\\u00e9 \u2713"}\n'


def test_the_signed_text_is_kept_exactly(db: Database, issuer: IssuerRecord) -> None:
    record = new_credential(issuer_id=issuer.id, signed=SIGNED)
    with db.session_scope() as session:
        stored, created = CredentialRepository(session).insert_or_get(record)
    assert created
    with db.session_scope(read_only=True) as session:
        public = CredentialRepository(session).get_public(stored.id)
    assert public is not None
    assert public.signed == SIGNED
    assert public.state is CredentialState.ACTIVE
    assert public.valid_from == record.valid_from


def test_the_result_of_an_insert_is_what_a_read_returns(db: Database,
                                                         issuer: IssuerRecord) -> None:
    """New rows are not read back after the insert: the result is built from the values
    inserted, so it must equal a fresh read column for column (UTC datetimes included, also
    when the clock gave another offset)."""
    from datetime import timedelta, timezone

    from vcissuer.store import CredentialRecord

    record = new_credential(issuer_id=issuer.id, signed=SIGNED, assessment_ref="same")
    elsewhere = timezone(timedelta(hours=5, minutes=30))
    record.valid_from = record.valid_from.astimezone(elsewhere)
    record.created = record.valid_from
    with db.session_scope() as session:
        stored, created = CredentialRepository(session).insert_or_get(record)
    assert created
    with db.session_scope(read_only=True) as session:
        read = CredentialRepository(session).get_public(stored.id)
    columns = [column.key for column in CredentialRecord.__table__.columns]
    assert {key: getattr(stored, key) for key in columns} == {
        key: getattr(read, key) for key in columns}
    assert stored.created.utcoffset() == timedelta(0)
    assert stored.created.isoformat() == read.created.isoformat()


def test_a_repeated_assessment_ref_returns_the_first_credential(
    db: Database, issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        first, created = CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="lms-1", signed="first"))
    assert created
    with db.session_scope() as session:
        again, created = CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="lms-1", signed="second"))
    assert not created
    assert again.id == first.id
    assert again.signed == "first"


def test_inserts_over_a_core_connection_match_the_session_path(
    db: Database, issuer: IssuerRecord
) -> None:
    """The single issue's write (``over`` a connection, no ORM session): a new credential
    with its further lookup hashes, and a repeat of a stored reference answered by the
    record stored first (read in the same transaction), as the session path does."""
    from vcissuer.store import CredentialRecord
    from vcissuer.store.records import CredentialLookupRecord

    record = new_credential(issuer_id=issuer.id, signed=SIGNED, assessment_ref="core-1",
                            recipient_hash="h1")
    with db.connection_scope() as connection:
        stored, created = CredentialRepository.over(connection).insert_or_get(
            record, lookups=("h1", "h2"))
    assert created
    with db.connection_scope() as connection:
        again, repeat_created = CredentialRepository.over(connection).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="core-1", signed="second"))
    assert not repeat_created
    with db.session_scope(read_only=True) as session:
        read = CredentialRepository(session).get_public(stored.id)
        lookups = session.scalars(select(CredentialLookupRecord.lookup_hash)).all()
    columns = [column.key for column in CredentialRecord.__table__.columns]
    assert {key: getattr(stored, key) for key in columns} == {
        key: getattr(read, key) for key in columns}
    assert {key: getattr(again, key) for key in columns} == {
        key: getattr(read, key) for key in columns}
    assert lookups == ["h2"]  # the recipient hash itself is not repeated as a lookup
    with pytest.raises(RuntimeError), db.connection_scope() as connection:
        CredentialRepository.over(connection).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="core-2"))
        raise RuntimeError("rolled back")
    with db.session_scope(read_only=True) as session:
        assert CredentialRepository(session).get_by_assessment_ref(
            "core-2", issuer_id=issuer.id) is None


def test_a_batch_mixes_new_repeated_and_unreferenced_credentials(
    db: Database, issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        existing, _ = CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="old"))
    batch = [
        new_credential(issuer_id=issuer.id, assessment_ref="a"),
        new_credential(issuer_id=issuer.id, assessment_ref="old"),
        new_credential(issuer_id=issuer.id, assessment_ref=None),
        new_credential(issuer_id=issuer.id, assessment_ref="a"),  # repeated within the batch
        new_credential(issuer_id=issuer.id, assessment_ref=None),
    ]
    with db.session_scope() as session:
        results = CredentialRepository(session).insert_or_get_many(batch, issuer_id=issuer.id)
    assert [created for _, created in results] == [True, False, True, False, True]
    assert results[1].record.id == existing.id
    assert results[3].record.id == results[0].record.id
    assert [r.record.id for r in results if r.created] == [batch[0].id, batch[2].id, batch[4].id]
    with db.session_scope(read_only=True) as session:
        assert len(CredentialRepository(session).list(issuer_id=issuer.id).items) == 4


def test_the_same_assessment_ref_is_fine_for_another_issuer(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        repository = CredentialRepository(session)
        _, first = repository.insert_or_get(new_credential(issuer_id=issuer.id,
                                                           assessment_ref="x"))
        _, second = repository.insert_or_get(new_credential(issuer_id=other_issuer.id,
                                                            assessment_ref="x"))
    assert first and second


def test_a_batch_must_belong_to_one_issuer(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    with pytest.raises(ValueError, match="issuer"), db.session_scope() as session:
        CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=other_issuer.id)], issuer_id=issuer.id)


def test_a_status_index_must_have_been_allocated(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope() as session:
        slot, = StatusListRepository(session, list_size=64).allocate(
            issuer_id=issuer.id, purpose=StatusPurpose.REVOCATION)
    unallocated = (slot.status_index + 1) % 64
    with pytest.raises(IntegrityError), db.session_scope() as session:
        CredentialRepository(session).insert_or_get(new_credential(
            issuer_id=issuer.id, status=(slot.status_list_id, unallocated)))


def test_one_status_index_serves_one_credential(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope() as session:
        slot, = StatusListRepository(session, list_size=64).allocate(
            issuer_id=issuer.id, purpose=StatusPurpose.REVOCATION)
    position = (slot.status_list_id, slot.status_index)
    with db.session_scope() as session:
        CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, status=position))
    with pytest.raises(IntegrityError), db.session_scope() as session:
        CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, status=position))


def test_reads_are_scoped_to_the_issuer(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        stored, _ = CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="ref", recipient_hash="h"))
    with db.session_scope(read_only=True) as session:
        repository = CredentialRepository(session)
        assert repository.get(stored.id, issuer_id=issuer.id) is not None
        assert repository.get(stored.id, issuer_id=other_issuer.id) is None
        assert repository.get_by_assessment_ref("ref", issuer_id=issuer.id) is not None
        assert repository.get_by_assessment_ref("ref", issuer_id=other_issuer.id) is None
        for filters in ({}, {"recipient_hash": "h"}, {"assessment_ref": "ref"}):
            assert repository.list(issuer_id=other_issuer.id, **filters).items == []
            assert len(repository.list(issuer_id=issuer.id, **filters).items) == 1


def test_listing_filters_and_pages(
    db: Database, issuer: IssuerRecord, clock: TickingClock
) -> None:
    with db.session_scope() as session:
        achievements = AchievementRepository(session)
        first = achievements.create(issuer_id=issuer.id, document={}).id
        second = achievements.create(issuer_id=issuer.id, document={}).id
        repository = CredentialRepository(session, clock=clock)
        for n in range(10):
            repository.insert_or_get(new_credential(
                issuer_id=issuer.id, assessment_ref=f"r{n}",
                achievement_id=first if n % 2 else second, recipient_hash=f"h{n % 3}"))

    def collect(**filters: str) -> list[str]:
        refs: list[str] = []
        cursor = None
        while True:
            with db.session_scope(read_only=True) as session:
                page = CredentialRepository(session).list(
                    issuer_id=issuer.id, limit=2, after=cursor, **filters)
            refs.extend(str(c.assessment_ref) for c in page.items)
            if (cursor := page.next_cursor) is None:
                return refs

    assert collect() == [f"r{n}" for n in range(10)]
    assert collect(achievement_id=first) == ["r1", "r3", "r5", "r7", "r9"]
    assert collect(recipient_hash="h0") == ["r0", "r3", "r6", "r9"]
    assert collect(assessment_ref="r4") == ["r4"]


def test_pages_break_ties_of_created_by_id(db: Database, issuer: IssuerRecord) -> None:
    # A batch shares one timestamp: the id orders it, and no row is skipped or repeated.
    with db.session_scope() as session:
        CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=issuer.id) for _ in range(9)], issuer_id=issuer.id)
    seen: list[str] = []
    cursor = None
    while True:
        with db.session_scope(read_only=True) as session:
            page = CredentialRepository(session).list(issuer_id=issuer.id, limit=4, after=cursor)
        seen.extend(c.id for c in page.items)
        if (cursor := page.next_cursor) is None:
            break
    assert len(seen) == 9
    assert seen == sorted(seen)


def test_concurrent_duplicates_make_exactly_one_credential(
    db: Database, issuer: IssuerRecord
) -> None:
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            record = new_credential(issuer_id=issuer.id, assessment_ref="retry-me")
            barrier.wait()
            with db.session_scope() as session:
                stored, created = CredentialRepository(session).insert_or_get(record)
            results.append((stored.id, created))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({credential_id for credential_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with db.session_scope(read_only=True) as session:
        assert len(CredentialRepository(session).list(issuer_id=issuer.id).items) == 1


def test_concurrent_overlapping_batches(db: Database, issuer: IssuerRecord) -> None:
    workers, refs = 4, 400
    barrier = threading.Barrier(workers)
    outcomes: list[dict[str, str]] = []
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            # Each worker sends the same references in another order (some in reverse), which
            # deadlocks on PostgreSQL unless the inserts take their locks in one order.
            step = 1 if offset % 2 else -1
            order = [f"r{(n * step + offset * 7) % refs}" for n in range(refs)]
            batch = [new_credential(issuer_id=issuer.id, assessment_ref=r) for r in order]
            barrier.wait()
            with db.session_scope() as session:
                results = CredentialRepository(session).insert_or_get_many(
                    batch, issuer_id=issuer.id)
            outcomes.append({str(r.record.assessment_ref): r.record.id for r in results})
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(outcome == outcomes[0] for outcome in outcomes)
    with db.session_scope(read_only=True) as session:
        assert len(CredentialRepository(session).list(issuer_id=issuer.id, limit=1000).items) \
            == refs
