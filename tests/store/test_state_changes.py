"""Revoke, suspend, reinstate: state, status bit and audit row change together; revoked is final."""

from __future__ import annotations

import threading

import pytest

from tests.store.conftest import new_credential
from vcissuer.store import (
    AuditRepository,
    CredentialRecord,
    CredentialRepository,
    CredentialState,
    Database,
    IssuerRecord,
    StatusAction,
    StatusListRepository,
    StatusPurpose,
    Transition,
    TransitionOutcome,
    get_bit,
    get_status,
)

CHANGED, UNCHANGED = TransitionOutcome.CHANGED, TransitionOutcome.UNCHANGED
NOT_ALLOWED, NOT_FOUND = TransitionOutcome.NOT_ALLOWED, TransitionOutcome.NOT_FOUND


def issue(db: Database, issuer_id: str, purpose: StatusPurpose | None, count: int = 1
          ) -> list[CredentialRecord]:
    with db.session_scope() as session:
        slots = StatusListRepository(session, list_size=64).allocate(
            issuer_id=issuer_id, purpose=purpose, count=count) if purpose else [None] * count
        stored = CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=issuer_id,
                            status=(slot.status_list_id, slot.status_index) if slot else None)
             for slot in slots],
            issuer_id=issuer_id)
    return [result.record for result in stored]


def act(db: Database, issuer_id: str, action: StatusAction, *ids: str,
        reason: str = "because") -> list[Transition]:
    with db.session_scope() as session:
        return CredentialRepository(session).change_state(
            list(ids), issuer_id=issuer_id, action=action, actor="client-1", reason=reason)


def bit_of(db: Database, issuer_id: str, credential: CredentialRecord) -> bool:
    assert credential.status_list_id is not None and credential.status_index is not None
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(
            credential.status_list_id, issuer_id=issuer_id)
    assert status_list is not None
    return get_bit(status_list.bitstring, credential.status_index)


def state_of(db: Database, issuer_id: str, credential: CredentialRecord) -> CredentialState:
    with db.session_scope(read_only=True) as session:
        stored = CredentialRepository(session).get(credential.id, issuer_id=issuer_id)
    assert stored is not None
    return stored.state


def test_revoke_sets_state_bit_and_audit(db: Database, issuer: IssuerRecord) -> None:
    credential, = issue(db, issuer.id, StatusPurpose.REVOCATION)
    result, = act(db, issuer.id, StatusAction.REVOKE, credential.id, reason="awarded in error")
    assert result == Transition(credential.id, CHANGED, CredentialState.REVOKED)
    assert state_of(db, issuer.id, credential) is CredentialState.REVOKED
    assert bit_of(db, issuer.id, credential)
    with db.session_scope(read_only=True) as session:
        audit = AuditRepository(session).list(issuer_id=issuer.id, subject=credential.id).items
        revoked = CredentialRepository(session).revoked_ids(issuer_id=issuer.id)
    assert [(a.actor, a.action, a.reason) for a in audit] == [
        ("client-1", "credential.revoke", "awarded in error")]
    assert audit[0].details == {"from": "active", "to": "revoked"}
    assert revoked == [credential.id]


def test_revoked_is_final(db: Database, issuer: IssuerRecord) -> None:
    credential, = issue(db, issuer.id, StatusPurpose.SUSPENSION)
    act(db, issuer.id, StatusAction.REVOKE, credential.id)
    assert act(db, issuer.id, StatusAction.REINSTATE, credential.id)[0].outcome is NOT_ALLOWED
    assert act(db, issuer.id, StatusAction.SUSPEND, credential.id)[0].outcome is NOT_ALLOWED
    assert act(db, issuer.id, StatusAction.REVOKE, credential.id)[0].outcome is UNCHANGED
    assert state_of(db, issuer.id, credential) is CredentialState.REVOKED
    assert bit_of(db, issuer.id, credential)
    with db.session_scope(read_only=True) as session:
        assert len(AuditRepository(session).list(issuer_id=issuer.id).items) == 1


def test_suspend_and_reinstate_flip_the_suspension_bit(
    db: Database, issuer: IssuerRecord
) -> None:
    credential, = issue(db, issuer.id, StatusPurpose.SUSPENSION)
    assert act(db, issuer.id, StatusAction.SUSPEND, credential.id)[0].outcome is CHANGED
    assert bit_of(db, issuer.id, credential)
    assert state_of(db, issuer.id, credential) is CredentialState.SUSPENDED
    assert act(db, issuer.id, StatusAction.SUSPEND, credential.id)[0].outcome is UNCHANGED
    assert act(db, issuer.id, StatusAction.REINSTATE, credential.id)[0].outcome is CHANGED
    assert not bit_of(db, issuer.id, credential)
    assert state_of(db, issuer.id, credential) is CredentialState.ACTIVE
    assert act(db, issuer.id, StatusAction.REINSTATE, credential.id)[0].outcome is UNCHANGED
    with db.session_scope(read_only=True) as session:
        actions = [a.action for a in AuditRepository(session).list(issuer_id=issuer.id).items]
    assert actions == ["credential.suspend", "credential.reinstate"]


@pytest.mark.parametrize("purpose", [StatusPurpose.REVOCATION, None])
def test_only_suspendable_credentials_can_be_suspended(
    db: Database, issuer: IssuerRecord, purpose: StatusPurpose | None
) -> None:
    credential, = issue(db, issuer.id, purpose)
    result, = act(db, issuer.id, StatusAction.SUSPEND, credential.id)
    assert result.outcome is NOT_ALLOWED
    assert result.detail == "the credential has no suspension status entry"
    assert state_of(db, issuer.id, credential) is CredentialState.ACTIVE


def test_a_credential_without_status_entry_can_still_be_revoked(
    db: Database, issuer: IssuerRecord
) -> None:
    credential, = issue(db, issuer.id, None)
    assert act(db, issuer.id, StatusAction.REVOKE, credential.id)[0].outcome is CHANGED
    assert state_of(db, issuer.id, credential) is CredentialState.REVOKED


def test_another_issuer_cannot_touch_it(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    credential, = issue(db, issuer.id, StatusPurpose.REVOCATION)
    result, = act(db, other_issuer.id, StatusAction.REVOKE, credential.id)
    assert result == Transition(credential.id, NOT_FOUND, None)
    assert state_of(db, issuer.id, credential) is CredentialState.ACTIVE
    assert not bit_of(db, issuer.id, credential)


def test_a_batch_reports_each_credential_in_order(db: Database, issuer: IssuerRecord) -> None:
    credentials = issue(db, issuer.id, StatusPurpose.REVOCATION, count=40)
    ids = [c.id for c in credentials]
    act(db, issuer.id, StatusAction.REVOKE, ids[0])
    results = act(db, issuer.id, StatusAction.REVOKE, "missing", *ids, ids[1])
    assert [r.credential_id for r in results] == ["missing", *ids, ids[1]]
    assert [r.outcome for r in results] == [NOT_FOUND, UNCHANGED] + [CHANGED] * 40
    assert all(bit_of(db, issuer.id, c) for c in credentials)
    with db.session_scope(read_only=True) as session:
        audit = AuditRepository(session).list(issuer_id=issuer.id, limit=100).items
        lists = StatusListRepository(session).list(issuer_id=issuer.id)
    assert len(audit) == 40
    assert [lst.version for lst in lists] == [2]  # one bump per batch, not per credential


def test_a_batch_spanning_several_lists(db: Database, issuer: IssuerRecord) -> None:
    credentials = issue(db, issuer.id, StatusPurpose.SUSPENSION, count=150)  # three lists
    results = act(db, issuer.id, StatusAction.SUSPEND, *(c.id for c in credentials))
    assert {r.outcome for r in results} == {CHANGED}
    assert all(bit_of(db, issuer.id, c) for c in credentials)


def test_concurrent_revoke_and_reinstate_never_undo_a_revocation(
    db: Database, issuer: IssuerRecord
) -> None:
    credentials = issue(db, issuer.id, StatusPurpose.SUSPENSION, count=30)
    ids = [c.id for c in credentials]
    act(db, issuer.id, StatusAction.SUSPEND, *ids)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(action: StatusAction, order: list[str]) -> None:
        try:
            barrier.wait()
            for credential_id in order:
                act(db, issuer.id, action, credential_id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(StatusAction.REVOKE, ids)),
               threading.Thread(target=run, args=(StatusAction.REINSTATE, ids[::-1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for credential in credentials:
        assert state_of(db, issuer.id, credential) is CredentialState.REVOKED
        assert bit_of(db, issuer.id, credential)


def issue_sized(db: Database, issuer_id: str, purpose: StatusPurpose, status_size: int
                ) -> CredentialRecord:
    with db.session_scope() as session:
        slot, = StatusListRepository(session, list_size=64).allocate(
            issuer_id=issuer_id, purpose=purpose, status_size=status_size)
        stored, = CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=issuer_id, status=(slot.status_list_id, slot.status_index))],
            issuer_id=issuer_id)
    return stored.record


def value_of(db: Database, issuer_id: str, credential: CredentialRecord) -> int:
    assert credential.status_list_id is not None and credential.status_index is not None
    with db.session_scope(read_only=True) as session:
        status_list = StatusListRepository(session).get(
            credential.status_list_id, issuer_id=issuer_id)
    assert status_list is not None
    return get_status(status_list.bitstring, credential.status_index, status_list.status_size)


def test_two_bit_suspension_entry_tells_revoked_from_suspended(
    db: Database, issuer: IssuerRecord
) -> None:
    """vcissuer.status.lifecycle: 1 suspended, 2 revoked, 0 active, in statusSize 2 bits."""
    credential = issue_sized(db, issuer.id, StatusPurpose.SUSPENSION, 2)
    act(db, issuer.id, StatusAction.SUSPEND, credential.id)
    assert value_of(db, issuer.id, credential) == 1
    act(db, issuer.id, StatusAction.REINSTATE, credential.id)
    assert value_of(db, issuer.id, credential) == 0
    act(db, issuer.id, StatusAction.SUSPEND, credential.id)
    act(db, issuer.id, StatusAction.REVOKE, credential.id)
    assert value_of(db, issuer.id, credential) == 2
    result, = act(db, issuer.id, StatusAction.REINSTATE, credential.id)
    assert result.outcome is NOT_ALLOWED and value_of(db, issuer.id, credential) == 2


def test_neighbours_in_a_two_bit_list_keep_their_values(db: Database, issuer: IssuerRecord
                                                        ) -> None:
    credentials = [issue_sized(db, issuer.id, StatusPurpose.SUSPENSION, 2) for _ in range(12)]
    for credential in credentials[::3]:
        act(db, issuer.id, StatusAction.REVOKE, credential.id)
    for credential in credentials[1::3]:
        act(db, issuer.id, StatusAction.SUSPEND, credential.id)
    assert [value_of(db, issuer.id, c) for c in credentials] == [2, 1, 0] * 4


def test_old_one_bit_suspension_entries_revoke_as_before(db: Database, issuer: IssuerRecord
                                                         ) -> None:
    """Credentials issued before multi-bit status carry a 1-bit suspension entry: revoking
    one sets its bit for good (stored data keeps its meaning)."""
    credential, = issue(db, issuer.id, StatusPurpose.SUSPENSION)
    act(db, issuer.id, StatusAction.REVOKE, credential.id)
    assert bit_of(db, issuer.id, credential) is True
    assert value_of(db, issuer.id, credential) == 1
    result, = act(db, issuer.id, StatusAction.REINSTATE, credential.id)
    assert result.outcome is NOT_ALLOWED and bit_of(db, issuer.id, credential) is True


def test_message_entries_change_only_through_set_status_value(
    db: Database, issuer: IssuerRecord
) -> None:
    credential = issue_sized(db, issuer.id, StatusPurpose.MESSAGE, 3)
    suspend, = act(db, issuer.id, StatusAction.SUSPEND, credential.id)
    assert suspend.outcome is NOT_ALLOWED
    with db.session_scope() as session:
        repo = CredentialRepository(session)
        assert repo.set_status_value(credential.id, issuer_id=issuer.id, value=5,
                                     actor="client-1").outcome is CHANGED
        assert repo.set_status_value(credential.id, issuer_id=issuer.id, value=8,
                                     actor="client-1").outcome is NOT_ALLOWED
    assert value_of(db, issuer.id, credential) == 5
    act(db, issuer.id, StatusAction.REVOKE, credential.id)  # state only: no message written
    assert value_of(db, issuer.id, credential) == 5
    with db.session_scope(read_only=True) as session:
        audit = AuditRepository(session).list(issuer_id=issuer.id, subject=credential.id).items
    assert sorted(a.action for a in audit) == ["credential.revoke", "credential.status"]
