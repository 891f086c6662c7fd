"""Issuer keys: rotation keeps exactly one active key; old keys stay for the DID document."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from tests.store.conftest import TickingClock, new_credential
from tests.store.test_achievements import DOCUMENT
from vcissuer.clock import Clock, system_clock
from vcissuer.store import (
    AchievementRepository,
    ApiClientRepository,
    CredentialRepository,
    Database,
    DuplicateError,
    IssuerKeyRecord,
    IssuerKeyRepository,
    IssuerRecord,
    KeyStatus,
    NotFoundError,
    new_id,
)
from vcissuer.store.repositories.clients import key_holder, key_prefix


def rotate(db: Database, issuer_id: str, name: str, clock: Clock = system_clock
           ) -> IssuerKeyRecord:
    with db.session_scope() as session:
        return IssuerKeyRepository(session, clock=clock).rotate(
            issuer_id=issuer_id, key_name=name, algorithm="Ed25519",
            public_multibase=f"z6Mk{name}", verification_method=f"did:web:uni#z6Mk{name}",
        )


def statuses(db: Database, issuer_id: str) -> dict[str, KeyStatus]:
    with db.session_scope(read_only=True) as session:
        return {k.key_name: k.status for k in IssuerKeyRepository(session).list(
            issuer_id=issuer_id)}


def test_first_rotation_makes_the_first_active_key(db: Database, issuer: IssuerRecord) -> None:
    key = rotate(db, issuer.id, "k1")
    with db.session_scope(read_only=True) as session:
        active = IssuerKeyRepository(session).active(issuer_id=issuer.id)
    assert active is not None and active.id == key.id
    assert active.verification_method == "did:web:uni#z6Mkk1"


def test_rotation_retires_the_old_key_and_keeps_it_published(
    db: Database, issuer: IssuerRecord, clock: TickingClock
) -> None:
    rotate(db, issuer.id, "k1", clock)
    rotate(db, issuer.id, "k2", clock)
    rotate(db, issuer.id, "k3", clock)
    assert statuses(db, issuer.id) == {
        "k1": KeyStatus.RETIRED, "k2": KeyStatus.RETIRED, "k3": KeyStatus.ACTIVE}
    with db.session_scope(read_only=True) as session:
        published = IssuerKeyRepository(session).for_did_document(issuer_id=issuer.id)
    assert [k.key_name for k in published] == ["k1", "k2", "k3"]


def test_compromised_keys_leave_the_did_document(
    db: Database, issuer: IssuerRecord, clock: TickingClock
) -> None:
    first = rotate(db, issuer.id, "k1", clock)
    rotate(db, issuer.id, "k2", clock)
    with db.session_scope() as session:
        IssuerKeyRepository(session).mark_compromised(first.id, issuer_id=issuer.id)
    with db.session_scope(read_only=True) as session:
        published = IssuerKeyRepository(session).for_did_document(issuer_id=issuer.id)
    assert [k.key_name for k in published] == ["k2"]


def test_a_compromised_active_key_leaves_no_signer(db: Database, issuer: IssuerRecord) -> None:
    key = rotate(db, issuer.id, "k1")
    with db.session_scope() as session:
        IssuerKeyRepository(session).mark_compromised(key.id, issuer_id=issuer.id)
    with db.session_scope(read_only=True) as session:
        assert IssuerKeyRepository(session).active(issuer_id=issuer.id) is None
    rotate(db, issuer.id, "k2")
    assert statuses(db, issuer.id) == {"k1": KeyStatus.COMPROMISED, "k2": KeyStatus.ACTIVE}


def test_a_taken_key_name_leaves_the_current_key_active(
    db: Database, issuer: IssuerRecord
) -> None:
    rotate(db, issuer.id, "k1")
    with pytest.raises(DuplicateError):
        rotate(db, issuer.id, "k1")
    assert statuses(db, issuer.id) == {"k1": KeyStatus.ACTIVE}


def test_the_database_refuses_a_second_active_key(db: Database, issuer: IssuerRecord) -> None:
    rotate(db, issuer.id, "k1")
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(IssuerKeyRecord(
            id=new_id(), issuer_id=issuer.id, key_name="sneaky", algorithm="Ed25519",
            public_multibase="z", verification_method="did:web:uni#z", status=KeyStatus.ACTIVE,
            created=TickingClock()(),
        ))


def test_keys_of_another_issuer_are_out_of_reach(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    key = rotate(db, issuer.id, "k1")
    with db.session_scope(read_only=True) as session:
        repository = IssuerKeyRepository(session)
        assert repository.active(issuer_id=other_issuer.id) is None
        assert repository.for_did_document(issuer_id=other_issuer.id) == []
    with pytest.raises(NotFoundError), db.session_scope() as session:
        IssuerKeyRepository(session).mark_compromised(key.id, issuer_id=other_issuer.id)


def test_rotating_an_unknown_issuer_fails(db: Database) -> None:
    with pytest.raises(NotFoundError):
        rotate(db, "no-such-issuer", "k1")


def test_concurrent_rotations_leave_exactly_one_active_key(
    db: Database, issuer: IssuerRecord
) -> None:
    rotate(db, issuer.id, "k0")
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            barrier.wait()
            for round_ in range(3):
                rotate(db, issuer.id, f"k{number}-{round_}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = statuses(db, issuer.id)
    assert len(found) == 1 + workers * 3
    assert list(found.values()).count(KeyStatus.ACTIVE) == 1


def test_for_issue_reads_issuer_key_achievement_and_repeat_in_one_query(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    """One statement for a single issue's read: the API key's candidates, the active key,
    only this issuer's achievement, and the id of the credential already issued for the
    reference."""
    rotate(db, issuer.id, "k1")
    active = rotate(db, issuer.id, "k2")
    with db.session_scope() as session:
        mine = AchievementRepository(session).create(issuer_id=issuer.id, document=DOCUMENT)
        theirs = AchievementRepository(session).create(issuer_id=other_issuer.id,
                                                       document=DOCUMENT)
        stored = CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=issuer.id, assessment_ref="ref-1", achievement_id=mine.id))
        issued = ApiClientRepository(session).create(name="lms", issuer_id=issuer.id,
                                                     scopes=["issue"])
        CredentialRepository(session).insert_or_get(
            new_credential(issuer_id=other_issuer.id, assessment_ref="ref-2"))
    statements: list[str] = []
    listen = event.listens_for(db.engine, "before_cursor_execute")

    @listen
    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            statements.append(args[2])

    with db.session_scope(read_only=True) as session:
        repo = IssuerKeyRepository(session)
        repeat = repo.for_issue("uni", achievement_id=mine.id, assessment_ref="ref-1",
                                key_prefix=key_prefix(issued.token))
        fresh = repo.for_issue("uni", achievement_id=theirs.id, assessment_ref="ref-2")
        missing = repo.for_issue("nobody", achievement_id=mine.id, assessment_ref="ref-1")
    event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 3
    assert repeat is not None and fresh is not None and missing is None
    assert repeat.issuer.id == issuer.id and repeat.key is not None
    assert repeat.key.id == active.id
    assert repeat.achievement is not None and repeat.achievement.id == mine.id
    assert repeat.issued_id == stored.record.id
    assert fresh.achievement is None  # another issuer's achievement
    assert fresh.issued_id is None  # another issuer's reference
    assert fresh.clients == []  # no key prefix given
    holder = key_holder(issued.token, repeat.clients)
    assert holder is not None and holder.id == issued.client.id
    assert key_holder(issued.token[:-1] + "?", repeat.clients) is None  # wrong secret
