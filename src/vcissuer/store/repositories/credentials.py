"""Issued credentials: idempotent inserts, scoped reads, listings, and status changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Connection, Insert, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vcissuer.clock import Clock, system_clock
from vcissuer.status.lifecycle import (
    LIFECYCLE_ACTIVE,
    LIFECYCLE_REVOKED,
    LIFECYCLE_STATUS_SIZE,
    LIFECYCLE_SUSPENDED,
)
from vcissuer.store.enums import CredentialState, StatusAction, StatusPurpose
from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, Page, fetch_page
from vcissuer.store.records import (
    AuditRecord,
    CredentialLookupRecord,
    CredentialRecord,
    StatusListRecord,
    new_id,
)
from vcissuer.store.repositories.base import Repository
from vcissuer.store.repositories.status_lists import apply_bits

__all__ = [
    "CredentialRepository",
    "StoredCredential",
    "Transition",
    "TransitionOutcome",
]

_CHUNK = 500
_COLUMNS = tuple(column.key for column in CredentialRecord.__table__.columns)


def _insert_skipping_repeats(dialect: Any) -> Insert:
    table = CredentialRecord.__table__
    return dialect.insert(table).on_conflict_do_nothing(
        index_elements=[table.c.issuer_id, table.c.assessment_ref]
    ).returning(table.c.id)


# Built once (see base.py on hot-path statements).
_INSERT_SKIPPING_REPEATS = {"postgresql": _insert_skipping_repeats(postgresql),
                            "sqlite": _insert_skipping_repeats(sqlite)}
_TABLE = CredentialRecord.__table__
# The repeat check of every issue finds nothing almost always: a Core probe for the id (no ORM
# loading), then the record only for a repeat.
_ID_BY_ASSESSMENT_REF = select(_TABLE.c.id).where(
    _TABLE.c.issuer_id == bindparam("issuer_id"),
    _TABLE.c.assessment_ref == bindparam("assessment_ref"),
)


class StoredCredential(NamedTuple):
    """The credential kept for one insert request; ``created`` is False when an earlier one
    with the same assessment reference was returned instead."""

    record: CredentialRecord
    created: bool


class TransitionOutcome(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already in the requested state
    NOT_FOUND = "not_found"  # no such credential for this issuer
    NOT_ALLOWED = "not_allowed"  # e.g. reinstating a revoked credential


@dataclass(frozen=True, slots=True)
class Transition:
    """What a status action did to one credential."""

    credential_id: str
    outcome: TransitionOutcome
    state: CredentialState | None  # the state afterwards; None when not found
    detail: str | None = None


class _Current(NamedTuple):
    state: CredentialState
    status_list_id: str | None
    status_index: int | None
    purpose: StatusPurpose | None
    status_size: int | None = None


class CredentialRepository(Repository):
    """Credentials of an issuer; reads by id alone only through :meth:`get_public`."""

    def insert_or_get(self, record: CredentialRecord, *,
                      lookups: Sequence[str] = ()) -> StoredCredential:
        """Store ``record``, or return the credential already stored for its assessment ref.
        ``lookups``: the recipient's further lookup hashes (beside ``recipient_hash``)."""
        return self.insert_or_get_many([record], issuer_id=record.issuer_id,
                                       lookups={record.id: lookups})[0]

    @classmethod
    def over(cls, connection: Connection, *, clock: Clock = system_clock
             ) -> CredentialRepository:
        """A repository for :meth:`insert_or_get` and :meth:`insert_or_get_many` alone, over a
        Core connection (:meth:`vcissuer.store.Database.connection_scope`): what a single issue
        writes, without an ORM session around it."""
        return cls(connection, clock=clock)  # type: ignore[arg-type]

    def insert_or_get_many(
        self, records: Sequence[CredentialRecord], *, issuer_id: str,
        lookups: Mapping[str, Sequence[str]] | None = None,
    ) -> list[StoredCredential]:
        """Store new credentials of one issuer, one result per record in order.

        The database decides idempotency: ``INSERT ... ON CONFLICT (issuer_id, assessment_ref)
        DO NOTHING`` skips a row whose reference is already stored, also when a concurrent
        transaction stored it first (PostgreSQL waits for that one to commit), and also for a
        repeat inside the batch. No savepoint per row, so a batch of 1,000 is one statement,
        plus one read for any repeats. The ``records`` passed in are only read: a new row's
        result is built from the values inserted (as the database returns them: UTC
        datetimes), a repeat's is the row stored first, read back.
        """
        if not records:
            return []
        now = self._now()
        rows: list[dict[str, Any]] = []
        for record in records:
            if record.issuer_id not in (None, issuer_id):
                raise ValueError("every credential of a batch must belong to issuer_id")
            row = {key: getattr(record, key) for key in _COLUMNS}
            row.update(
                id=record.id or new_id(),
                issuer_id=issuer_id,
                state=record.state or CredentialState.ACTIVE,
                created=record.created or now,
            )
            rows.append(row)
        # Insert in reference order: two overlapping batches then wait on each other in one
        # direction only, where any other order can deadlock on PostgreSQL.
        in_lock_order = sorted(rows, key=lambda row: row["assessment_ref"] or "")
        inserted = set(
            self.session.scalars(self._insert_skipping_repeats(), in_lock_order).all()
        )
        extra = [{"credential_id": row["id"], "lookup_hash": value, "issuer_id": issuer_id}
                 for row in rows if row["id"] in inserted
                 for value in dict.fromkeys((lookups or {}).get(row["id"], ()))
                 if value != row["recipient_hash"]]
        if extra:  # only recipients with several identifiers
            self.session.execute(insert(CredentialLookupRecord), extra)
        repeated = [row["assessment_ref"] for row in rows if row["id"] not in inserted]
        by_ref = self._fetch(CredentialRecord.assessment_ref, repeated, issuer_id=issuer_id)
        results: list[StoredCredential] = []
        for row in rows:
            if row["id"] in inserted:
                results.append(StoredCredential(_as_stored(row), created=True))
            elif row["assessment_ref"] in by_ref:
                results.append(StoredCredential(by_ref[row["assessment_ref"]], created=False))
            else:  # only a conflict on another key can get here, and that raises instead
                raise RuntimeError(f"credential {row['id']} was neither stored nor found")
        return results

    def _insert_skipping_repeats(self) -> Insert:
        bind = self.session if isinstance(self.session, Connection) else self.session.get_bind()
        return _INSERT_SKIPPING_REPEATS[bind.dialect.name]

    def _fetch(
        self, column: Any, values: Sequence[Any], *, issuer_id: str
    ) -> dict[Any, CredentialRecord]:
        found: dict[Any, CredentialRecord] = {}
        unique = list(dict.fromkeys(values))
        if not unique:
            return found
        if isinstance(self.session, Connection):  # over(): records need a session, in this
            with Session(bind=self.session) as session:  # transaction
                return CredentialRepository(session)._fetch(column, unique, issuer_id=issuer_id)
        for start in range(0, len(unique), _CHUNK):
            for record in self.session.scalars(
                select(CredentialRecord).where(
                    CredentialRecord.issuer_id == issuer_id,
                    column.in_(unique[start:start + _CHUNK]),
                )
            ):
                found[getattr(record, column.key)] = record
        return found

    def get(self, credential_id: str, *, issuer_id: str) -> CredentialRecord | None:
        """The issuer's credential, or None (also when it belongs to another issuer)."""
        return self.session.scalars(
            select(CredentialRecord).where(
                CredentialRecord.id == credential_id, CredentialRecord.issuer_id == issuer_id
            )
        ).one_or_none()

    def get_public(self, credential_id: str) -> CredentialRecord | None:
        """Any issuer's credential by its unguessable id: what its public URL serves."""
        return self.session.get(CredentialRecord, credential_id)

    def by_ids(self, credential_ids: Sequence[str], *, issuer_id: str
               ) -> dict[str, CredentialRecord]:
        """The issuer's credentials among ``credential_ids``, by id (others are left out)."""
        return self._fetch(CredentialRecord.id, credential_ids, issuer_id=issuer_id)

    def held_by(self, credential_ids: Sequence[str], lookup_hashes: Sequence[str], *,
                issuer_id: str) -> set[str]:
        """Those of ``credential_ids`` whose recipient has one of ``lookup_hashes``: as
        ``recipient_hash`` or as a further lookup hash (``credential_lookups``)."""
        ids, hashes = list(dict.fromkeys(credential_ids)), list(dict.fromkeys(lookup_hashes))
        if not ids or not hashes:
            return set()
        first = select(CredentialRecord.id).where(
            CredentialRecord.issuer_id == issuer_id, CredentialRecord.id.in_(ids),
            CredentialRecord.recipient_hash.in_(hashes))
        further = select(CredentialLookupRecord.credential_id).where(
            CredentialLookupRecord.issuer_id == issuer_id,
            CredentialLookupRecord.credential_id.in_(ids),
            CredentialLookupRecord.lookup_hash.in_(hashes))
        return set(self.session.scalars(first)) | set(self.session.scalars(further))

    def by_assessment_refs(
        self, assessment_refs: Sequence[str], *, issuer_id: str
    ) -> dict[str, CredentialRecord]:
        """The credentials already issued for any of these references, by reference."""
        return self._fetch(CredentialRecord.assessment_ref, assessment_refs, issuer_id=issuer_id)

    def get_by_assessment_ref(
        self, assessment_ref: str, *, issuer_id: str
    ) -> CredentialRecord | None:
        """The credential issued for an assessment reference (check before allocating status)."""
        found = self.session.execute(
            _ID_BY_ASSESSMENT_REF, {"issuer_id": issuer_id, "assessment_ref": assessment_ref}
        ).scalar_one_or_none()
        return None if found is None else self.session.get(CredentialRecord, found)

    def list(
        self,
        *,
        issuer_id: str,
        achievement_id: str | None = None,
        recipient_hash: str | None = None,
        assessment_ref: str | None = None,
        state: CredentialState | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[CredentialRecord]:
        """The issuer's credentials matching every filter given, oldest first, by page."""
        query = select(CredentialRecord).where(CredentialRecord.issuer_id == issuer_id)
        if achievement_id is not None:
            query = query.where(CredentialRecord.achievement_id == achievement_id)
        if recipient_hash is not None:
            query = query.where(self._recipient_is(recipient_hash, issuer_id=issuer_id))
        if assessment_ref is not None:
            query = query.where(CredentialRecord.assessment_ref == assessment_ref)
        if state is not None:
            query = query.where(CredentialRecord.state == state)
        return fetch_page(
            self.session,
            query,
            created=CredentialRecord.created,
            row_id=CredentialRecord.id,
            limit=limit,
            after=after,
        )

    def _recipient_is(self, recipient_hash: str, *, issuer_id: str) -> Any:
        """The condition "this recipient's credential", as the index can answer it.

        Most recipients have no further lookup hashes, and ``recipient_hash = :h`` is then the
        whole condition: the ``(issuer_id, recipient_hash, created, id)`` index gives the page
        in order. Written ``recipient_hash = :h OR id IN (SELECT ... lookups)`` it made
        PostgreSQL walk all of the issuer's credentials and filter (linear in the issuer's
        size), and as a semi-join over a union it chose nested loops over the whole issuer
        while the table's statistics were young. So the few ids found by another identifier
        are read first and named.
        """
        also = list(self.session.scalars(
            select(CredentialLookupRecord.credential_id).where(
                CredentialLookupRecord.issuer_id == issuer_id,
                CredentialLookupRecord.lookup_hash == recipient_hash)))
        if not also:
            return CredentialRecord.recipient_hash == recipient_hash
        return or_(CredentialRecord.recipient_hash == recipient_hash,
                   CredentialRecord.id.in_(also))

    def revoked_ids(self, *, issuer_id: str) -> list[str]:
        """Ids of the issuer's revoked credentials (the 1EdTech Revocation List)."""
        return list(self.session.scalars(
            select(CredentialRecord.id)
            .where(CredentialRecord.issuer_id == issuer_id,
                   CredentialRecord.state == CredentialState.REVOKED)
            .order_by(CredentialRecord.id)
        ))

    def change_state(
        self,
        credential_ids: Sequence[str],
        *,
        issuer_id: str,
        action: StatusAction,
        actor: str,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> list[Transition]:
        """Revoke, suspend or reinstate credentials of one issuer, one result per id in order.

        In the caller's transaction: each changed credential's state, its status bit and an
        audit row move together. Rows are locked (in id order) first, so a concurrent reinstate
        cannot undo a revocation. Revoked is final. Suspending needs a suspension status entry.
        """
        action = StatusAction(action)
        wanted = sorted(set(credential_ids))
        current = self._lock_current(wanted, issuer_id=issuer_id)
        decided: dict[str, Transition] = {}
        new_states: dict[CredentialState, list[str]] = {}
        bits: dict[str, dict[int, int]] = {}
        for credential_id in wanted:
            found = current.get(credential_id)
            if found is None:
                decided[credential_id] = Transition(
                    credential_id, TransitionOutcome.NOT_FOUND, None)
                continue
            outcome, state, detail, bit = _decide(found, action)
            decided[credential_id] = Transition(credential_id, outcome, state, detail)
            if outcome is TransitionOutcome.CHANGED:
                new_states.setdefault(state, []).append(credential_id)
                list_id, index = found.status_list_id, found.status_index
                if bit is not None and list_id is not None and index is not None:
                    bits.setdefault(list_id, {})[index] = bit
        now = self._now()
        for state, ids in new_states.items():
            for start in range(0, len(ids), _CHUNK):
                self.session.execute(
                    update(CredentialRecord)
                    .where(CredentialRecord.id.in_(ids[start:start + _CHUNK]))
                    .values(state=state)
                )
        apply_bits(self.session, bits, issuer_id=issuer_id, now=now)
        if new_states:
            from vcissuer.store.pathways import note_constituent_changes  # (import cycle)

            note_constituent_changes(self.session, {s.value: ids for s, ids in new_states.items()},
                                     actor=actor, reason=reason, at=now)
        audit_rows = [
            {
                "id": new_id(),
                "issuer_id": issuer_id,
                "actor": actor,
                "action": f"credential.{action.value}",
                "subject": credential_id,
                "reason": reason,
                "at": now,
                "details": {"from": current[credential_id].state.value, "to": state.value,
                            **(details or {})},
            }
            for state, ids in new_states.items()
            for credential_id in ids
        ]
        if audit_rows:
            self.session.execute(insert(AuditRecord), audit_rows)
        self.session.flush()
        return [decided[credential_id] for credential_id in credential_ids]

    def find(self, reference: str, *, issuer_id: str | None) -> CredentialRecord | None:
        """A credential by our id or its VC-API id (``vc_id``), within one issuer (None: any
        issuer, for admin callers); None when absent or ambiguous."""
        query = select(CredentialRecord).where(
            or_(CredentialRecord.id == reference, CredentialRecord.vc_id == reference))
        if issuer_id is not None:
            query = query.where(CredentialRecord.issuer_id == issuer_id)
        found = self.session.scalars(query.limit(2)).all()
        return found[0] if len(found) == 1 else None

    def set_status_value(
        self, credential_id: str, *, issuer_id: str, value: int, actor: str,
        reason: str | None = None,
    ) -> Transition:
        """Write ``value`` into the credential's ``message`` status entry; audited as
        ``credential.status`` (a message status changes no lifecycle state)."""
        current = self._lock_current([credential_id], issuer_id=issuer_id).get(credential_id)
        if current is None:
            return Transition(credential_id, TransitionOutcome.NOT_FOUND, None)
        if (current.purpose is not StatusPurpose.MESSAGE or current.status_list_id is None
                or current.status_index is None):
            return Transition(credential_id, TransitionOutcome.NOT_ALLOWED, current.state,
                              "the credential has no message status entry")
        size = current.status_size or 1
        if not 0 <= value < 1 << size:
            return Transition(credential_id, TransitionOutcome.NOT_ALLOWED, current.state,
                              f"status {value:#x} does not fit in statusSize {size}")
        now = self._now()
        changed = apply_bits(self.session, {current.status_list_id: {current.status_index: value}},
                             issuer_id=issuer_id, now=now)
        if not changed:
            return Transition(credential_id, TransitionOutcome.UNCHANGED, current.state)
        self.session.execute(insert(AuditRecord), [{
            "id": new_id(), "issuer_id": issuer_id, "actor": actor,
            "action": "credential.status", "subject": credential_id, "reason": reason,
            "at": now, "details": {"purpose": StatusPurpose.MESSAGE.value,
                                   "status": f"{value:#x}"}}])
        self.session.flush()
        return Transition(credential_id, TransitionOutcome.CHANGED, current.state)

    def _lock_current(self, ids: Sequence[str], *, issuer_id: str) -> dict[str, _Current]:
        current: dict[str, _Current] = {}
        for start in range(0, len(ids), _CHUNK):
            rows = self.session.execute(
                select(
                    CredentialRecord.id,
                    CredentialRecord.state,
                    CredentialRecord.status_list_id,
                    CredentialRecord.status_index,
                    StatusListRecord.purpose,
                    StatusListRecord.status_size,
                )
                .outerjoin(StatusListRecord,
                           StatusListRecord.id == CredentialRecord.status_list_id)
                .where(CredentialRecord.issuer_id == issuer_id,
                       CredentialRecord.id.in_(ids[start:start + _CHUNK]))
                .order_by(CredentialRecord.id)
                .with_for_update(of=CredentialRecord, key_share=True)
            )
            for credential_id, state, list_id, index, purpose, size in rows:
                current[credential_id] = _Current(state, list_id, index, purpose, size)
        return current


def _as_stored(row: Mapping[str, Any]) -> CredentialRecord:
    """The record a read of the inserted ``row`` would give (datetimes come back in UTC)."""
    return CredentialRecord(**{
        key: value.astimezone(UTC) if isinstance(value, datetime) else value
        for key, value in row.items()
    })


def _decide(
    current: _Current, action: StatusAction
) -> tuple[TransitionOutcome, CredentialState, str | None, int | None]:
    """Outcome, resulting state, why not, and the status value to write (None: leave it).

    On a 1-bit revocation or suspension list the value is the bit. On a 2-bit suspension
    list (``vcissuer.status.lifecycle``) 1 is suspended and 2 is revoked. A message list's
    value is set only through :meth:`CredentialRepository.set_status_value`.
    """
    state = current.state
    lifecycle = (current.purpose is StatusPurpose.SUSPENSION
                 and current.status_size == LIFECYCLE_STATUS_SIZE)
    carries_state = current.purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)
    if action is StatusAction.REVOKE:
        if state is CredentialState.REVOKED:
            return TransitionOutcome.UNCHANGED, state, None, None
        # On a 1-bit suspension list the bit stays set for good: the only signal there is.
        value = LIFECYCLE_REVOKED if lifecycle else 1
        return (TransitionOutcome.CHANGED, CredentialState.REVOKED, None,
                value if carries_state else None)
    if state is CredentialState.REVOKED:
        return TransitionOutcome.NOT_ALLOWED, state, "revoked is final", None
    if action is StatusAction.SUSPEND:
        if state is CredentialState.SUSPENDED:
            return TransitionOutcome.UNCHANGED, state, None, None
        if current.purpose is not StatusPurpose.SUSPENSION:
            return (TransitionOutcome.NOT_ALLOWED, state,
                    "the credential has no suspension status entry", None)
        return (TransitionOutcome.CHANGED, CredentialState.SUSPENDED, None,
                LIFECYCLE_SUSPENDED if lifecycle else 1)
    if state is CredentialState.ACTIVE:
        return TransitionOutcome.UNCHANGED, state, None, None
    return (TransitionOutcome.CHANGED, CredentialState.ACTIVE, None,
            LIFECYCLE_ACTIVE if carries_state else None)
