"""Shadow bits on multi-bit revocation and suspension lists (docs/DESIGN.md, status entries).

BSL v1.0 §3.2 (Validate Algorithm) reads an entry's ``statusSize`` bits at position
``statusListIndex x statusSize``; a reader that ignores ``statusSize`` (the reference library
@digitalbazaar/vc-bitstring-status-list 2.0.1) reads the one bit at position
``statusListIndex``. On a shadow list credentials get indices in [N/2, N) only and that bit
mirrors whether the value is non-zero, so both readings fail a suspended or revoked credential.
Bits here are read with the test-only ``tests/status/bsl_reference`` conventions (a string of
"0"/"1", index 0 the left-most bit of the first byte), not with the store's own reader.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from tests.store.conftest import START, new_credential
from vcissuer.store import (
    CredentialRecord,
    CredentialRepository,
    Database,
    IssuerRecord,
    StatusAction,
    StatusIndexRecord,
    StatusListRecord,
    StatusListRepository,
    StatusPurpose,
)

SIZE = 64  # entries per list in these tests; 128 bits with statusSize 2
SUSPENSION, REVOCATION = StatusPurpose.SUSPENSION, StatusPurpose.REVOCATION
# vcissuer.status.lifecycle: 0 active, 1 suspended, 2 revoked.
ACTIVE, SUSPENDED, REVOKED = 0, 1, 2


def bits_of(db: Database, issuer_id: str, list_id: str) -> str:
    with db.session_scope(read_only=True) as session:
        stored = StatusListRepository(session).get(list_id, issuer_id=issuer_id)
    assert stored is not None
    return "".join(format(byte, "08b") for byte in stored.bitstring)


def two_bit(bits: str, index: int) -> int:
    """BSL §3.2 step 10-11: statusSize bits at index x statusSize."""
    return int(bits[index * 2:index * 2 + 2], 2)


def issue(db: Database, issuer_id: str, count: int, *, purpose: StatusPurpose = SUSPENSION,
          status_size: int = 2, seed: int = 0) -> list[CredentialRecord]:
    with db.session_scope() as session:
        slots = StatusListRepository(session, list_size=SIZE, rng=random.Random(seed)).allocate(
            issuer_id=issuer_id, purpose=purpose, count=count, status_size=status_size)
        stored = CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=issuer_id, status=(slot.status_list_id, slot.status_index))
             for slot in slots], issuer_id=issuer_id)
    return [result.record for result in stored]


def act(db: Database, issuer_id: str, action: StatusAction, *ids: str) -> None:
    with db.session_scope() as session:
        CredentialRepository(session).change_state(
            list(ids), issuer_id=issuer_id, action=action, actor="client-1", reason="test")


def test_two_bit_lists_give_only_upper_half_indices_and_hold_half(
    db: Database, issuer: IssuerRecord
) -> None:
    """A shadow list of N entries holds N/2 credentials at [N/2, N); the next one opens a new
    list. 1-bit and message lists are not shadow lists and use every index."""
    credentials = issue(db, issuer.id, SIZE // 2 + 5, seed=3)
    lists = {c.status_list_id for c in credentials}
    assert len(lists) == 2
    assert all(SIZE // 2 <= c.status_index < SIZE for c in credentials)
    with db.session_scope(read_only=True) as session:
        stored = StatusListRepository(session).list(issuer_id=issuer.id)
        assert [(s.shadow, s.size, s.allocated) for s in stored] == [
            (True, SIZE, SIZE // 2), (True, SIZE, 5)]
    with db.session_scope() as session:
        repository = StatusListRepository(session, list_size=SIZE, rng=random.Random(1))
        plain = repository.allocate(issuer_id=issuer.id, purpose=REVOCATION, count=SIZE)
        message = repository.allocate(issuer_id=issuer.id, purpose=StatusPurpose.MESSAGE,
                                      count=SIZE, status_size=2)
        for slots in (plain, message):
            assert sorted(s.status_index for s in slots) == list(range(SIZE))
            list_record = repository.get(slots[0].status_list_id, issuer_id=issuer.id)
            assert list_record is not None and not list_record.shadow


def test_revoke_suspend_reinstate_set_and_clear_the_shadow_bit(
    db: Database, issuer: IssuerRecord
) -> None:
    """After revoke and after suspend the bit at position statusListIndex is 1 and the 2-bit
    value (§3.2) is 2 or 1; after reinstate both are 0."""
    revoked, suspended = issue(db, issuer.id, 2, seed=7)
    list_id = revoked.status_list_id
    assert list_id is not None and list_id == suspended.status_list_id
    act(db, issuer.id, StatusAction.REVOKE, revoked.id)
    act(db, issuer.id, StatusAction.SUSPEND, suspended.id)
    bits = bits_of(db, issuer.id, list_id)
    for credential, value in ((revoked, REVOKED), (suspended, SUSPENDED)):
        index = credential.status_index
        assert index is not None
        assert two_bit(bits, index) == value
        assert bits[index] == "1"
    act(db, issuer.id, StatusAction.REINSTATE, suspended.id)
    bits = bits_of(db, issuer.id, list_id)
    assert suspended.status_index is not None and revoked.status_index is not None
    assert two_bit(bits, suspended.status_index) == ACTIVE
    assert bits[suspended.status_index] == "0"
    assert two_bit(bits, revoked.status_index) == REVOKED
    assert bits[revoked.status_index] == "1"


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(list(StatusAction))),
                      min_size=1, max_size=14),
       seed=st.integers(0, 2**16))
def test_every_bit_of_a_shadow_list_is_what_the_values_say(
    db: Database, issuer: IssuerRecord, steps: list[tuple[int, StatusAction]], seed: int
) -> None:
    """Several credentials on one list, any sequence of changes (single and batch): the whole
    bitstring equals the values at index x 2 (§3.3) plus a 1 at position index for each
    non-zero value, and nothing else; so neighbours are unaffected and every entry in
    [N/4, N/2), where the shadow bits live, belongs to no credential."""
    credentials = issue(db, issuer.id, 6, seed=seed)
    list_id = credentials[0].status_list_id
    assert list_id is not None and {c.status_list_id for c in credentials} == {list_id}
    values = {c.id: ACTIVE for c in credentials}
    for n, (which, action) in enumerate(steps):
        # Every third step acts on two credentials at once (a batch change).
        chosen = [credentials[which]] + ([credentials[(which + 1) % 6]] if n % 3 == 2 else [])
        act(db, issuer.id, action, *(c.id for c in chosen))
        for credential in chosen:
            before = values[credential.id]
            if action is StatusAction.REVOKE:
                values[credential.id] = REVOKED
            elif before != REVOKED:
                values[credential.id] = SUSPENDED if action is StatusAction.SUSPEND else ACTIVE
        expected = ["0"] * (SIZE * 2)
        for credential in credentials:
            index, value = credential.status_index, values[credential.id]
            assert index is not None and SIZE // 2 <= index < SIZE
            assert not SIZE // 4 <= index < SIZE // 2
            expected[index * 2:index * 2 + 2] = format(value, "02b")
            if value:
                expected[index] = "1"
        bits = bits_of(db, issuer.id, list_id)
        assert bits == "".join(expected)
        for credential in credentials:
            assert credential.status_index is not None
            single = bits[credential.status_index] == "1"
            assert single == (values[credential.id] != ACTIVE)
            assert two_bit(bits, credential.status_index) == values[credential.id]
    # The next example starts on a list of its own: mark this one full.
    with db.session_scope() as session:
        record = session.get(StatusListRecord, list_id)
        assert record is not None
        record.allocated = SIZE // 2


def test_lists_made_before_shadow_bits_keep_their_layout(
    db: Database, issuer: IssuerRecord
) -> None:
    """A 2-bit list already in a database (``shadow`` false, as migration 0005_shadow leaves
    it) keeps its credentials' indices and gets no shadow bits; new credentials go to a new
    shadow list."""
    with db.session_scope() as session:
        session.execute(insert(StatusListRecord).values(
            id="old-list", issuer_id=issuer.id, purpose=SUSPENSION, size=SIZE, status_size=2,
            shadow=False, allocated=1, bitstring=bytes(SIZE * 2 // 8), version=0,
            created=START, updated=START))
        session.execute(insert(StatusIndexRecord).values(
            status_list_id="old-list", status_index=5, allocated_at=START))
        old, = CredentialRepository(session).insert_or_get_many(
            [new_credential(issuer_id=issuer.id, status=("old-list", 5))], issuer_id=issuer.id)
    act(db, issuer.id, StatusAction.REVOKE, old.record.id)
    bits = bits_of(db, issuer.id, "old-list")
    assert two_bit(bits, 5) == REVOKED
    assert bits.count("1") == 1
    new, = issue(db, issuer.id, 1)
    assert new.status_list_id != "old-list"
    assert new.status_index is not None and new.status_index >= SIZE // 2


def test_a_lower_half_index_is_refused_on_a_shadow_list(
    db: Database, issuer: IssuerRecord
) -> None:
    """No write may put a credential value over another credential's shadow bits."""
    credential, = issue(db, issuer.id, 1)
    assert credential.status_list_id is not None
    with db.session_scope() as session, pytest.raises(ValueError, match="outside"):
        StatusListRepository(session).set_bits({credential.status_list_id: {SIZE // 4: 1}},
                                               issuer_id=issuer.id)


def test_revocation_list_with_status_size_two_is_shadowed_too(
    db: Database, issuer: IssuerRecord
) -> None:
    credential, = issue(db, issuer.id, 1, purpose=REVOCATION, seed=2)
    assert credential.status_index is not None and credential.status_index >= SIZE // 2
    act(db, issuer.id, StatusAction.REVOKE, credential.id)
    assert credential.status_list_id is not None
    bits = bits_of(db, issuer.id, credential.status_list_id)
    assert bits[credential.status_index] == "1"
    assert two_bit(bits, credential.status_index) == 1
