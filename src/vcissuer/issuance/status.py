"""Revocation and suspension: status entries on issue, status changes, published lists.

Each achievement says whether its credentials are revocable (a 1-bit ``revocation`` entry) or
suspendable (a 2-bit ``suspension`` entry, ``vcissuer.status.lifecycle``: 1 suspended, 2
revoked). OB 3.0 allows one ``credentialStatus``. Credentials issued before multi-bit status
carry a 1-bit suspension entry; revoking one sets its bit for good, as it always did. VC-API
callers may ask for a ``message`` entry (``statusSize`` bits, their ``statusMessage``).
Indices are allocated by the database at random in lists of 131,072 entries (herd privacy)
and never reused. List credentials are re-signed only when their bits changed or they near
expiry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vcissuer.issuance.access import REVOKE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, NotFound
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.signing import active_signer, serialize
from vcissuer.proofs import add_proof
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import BitstringStatusListEntry, StatusMessage
from vcissuer.status.lifecycle import LIFECYCLE_MESSAGES, LIFECYCLE_STATUS_SIZE
from vcissuer.status.list_credential import create_status_list_credential
from vcissuer.status.revocation_list import (
    RevokedCredential,
    create_revocation_list,
    revocation_list_entry,
)
from vcissuer.store import (
    AchievementRecord,
    AuditRepository,
    CredentialRepository,
    CredentialState,
    IssuerRecord,
    StatusAction,
    StatusKind,
    StatusListRepository,
    StatusPurpose,
    Transition,
    TransitionOutcome,
)

__all__ = [
    "LIST_MAX_AGE",
    "LIST_VALIDITY",
    "PublishedList",
    "StatusAssignment",
    "StatusRequest",
    "assignment_for",
    "change_one",
    "change_status",
    "credential_history",
    "drop_revoked_endorsements",
    "published_list",
    "purpose_of",
    "revocation_list",
    "status_entries",
]

# A list credential is valid for a day and re-signed when less than half of that is left.
# Caches may keep it for ``Services.status_list_ttl`` seconds (VCISSUER_STATUS_LIST_TTL,
# default LIST_MAX_AGE: five minutes); no node caches it in memory, so a revocation made on
# any node is served by every node at once and seen by every verifier within that TTL.
LIST_VALIDITY = timedelta(days=1)
LIST_MAX_AGE = 300


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """The entry a credential is to get: purpose, ``statusSize`` and its ``statusMessage``."""

    purpose: StatusPurpose
    status_size: int = 1
    messages: tuple[StatusMessage, ...] = ()
    reference: tuple[str, ...] = ()

    @property
    def kind(self) -> StatusKind:
        return StatusKind(self.purpose, self.status_size)


# A suspendable credential can be revoked too: one 2-bit suspension entry says which.
LIFECYCLE = StatusRequest(StatusPurpose.SUSPENSION, LIFECYCLE_STATUS_SIZE, LIFECYCLE_MESSAGES)


def purpose_of(achievement: AchievementRecord) -> StatusRequest | None:
    if achievement.suspendable:
        return LIFECYCLE
    if achievement.revocable:
        return StatusRequest(StatusPurpose.REVOCATION)
    return None


def list_url(services: Services, issuer: IssuerRecord, list_id: str) -> str:
    return f"{services.base_url}/status/{issuer.slug}/{list_id}"


def revocation_list_url(services: Services, issuer: IssuerRecord) -> str:
    return f"{services.base_url}/status/{issuer.slug}/revocation-list"


@dataclass(frozen=True, slots=True)
class StatusAssignment:
    """The credentialStatus to embed and where it lives in the store."""

    entry: dict[str, Any]
    status_list_id: str | None = None
    status_index: int | None = None


def status_entries(services: Services, issuer: IssuerRecord,
                   requests: Sequence[StatusRequest | StatusPurpose | None]
                   ) -> list[StatusAssignment | None]:
    """One status assignment per request (None: no status), taken from this process's
    reserve (refilled in one short transaction) before anything is signed."""
    asked = [StatusRequest(r) if isinstance(r, StatusPurpose) else r for r in requests]
    wanted: dict[StatusKind, int] = {}
    for request in asked:
        if request is not None and not _revocation_listed(issuer, request):
            wanted[request.kind] = wanted.get(request.kind, 0) + 1
    slots: dict[StatusKind, list[Any]] = {}
    if wanted:
        slots = services.reservoir.take(services.db, services.clock, issuer_id=issuer.id,
                                        wanted=wanted)
    out: list[StatusAssignment | None] = []
    for request in asked:
        if request is None:
            out.append(None)
        elif _revocation_listed(issuer, request):
            # The issuer publishes the 1EdTech Revocation List instead.
            out.append(StatusAssignment(revocation_list_entry(
                revocation_list_url(services, issuer))))
        else:
            out.append(assignment_for(services, issuer, request, slots[request.kind].pop()))
    return out


def assignment_for(services: Services, issuer: IssuerRecord, request: StatusRequest,
                   slot: Any) -> StatusAssignment:
    """The entry for an allocated slot (a :class:`vcissuer.store.StatusSlot`)."""
    url = list_url(services, issuer, slot.status_list_id)
    entry = BitstringStatusListEntry.create(
        url, index=slot.status_index, purpose=request.purpose.value,
        status_size=request.status_size, status_messages=request.messages,
        status_reference=request.reference).to_json()
    return StatusAssignment(entry, slot.status_list_id, slot.status_index)


def _revocation_listed(issuer: IssuerRecord, request: StatusRequest) -> bool:
    return (request.purpose is StatusPurpose.REVOCATION and request.status_size == 1
            and issuer.revocation_list_enabled)


def change_status(services: Services, slug: str, credential_ids: Sequence[str], *,
                  action: StatusAction, reason: str | None, caller: Caller
                  ) -> list[dict[str, Any]]:
    """Revoke (final), suspend or reinstate credentials of one issuer; audited."""
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=REVOKE)
        transitions = CredentialRepository(session, clock=services.clock).change_state(
            credential_ids, issuer_id=issuer.id, action=action, actor=caller.client_id,
            reason=reason)
        drop_revoked_endorsements(services, session, transitions)
    return [{"id": t.credential_id, "outcome": str(t.outcome),
             "state": str(t.state) if t.state else None,
             **({"detail": t.detail} if t.detail else {})} for t in transitions]


def drop_revoked_endorsements(services: Services, session: Any,
                              transitions: Sequence[Transition]) -> None:
    """Endorsements revoked by these transitions drop out of the achievements and profiles
    that publish them (in the caller's transaction)."""
    revoked = [t.credential_id for t in transitions
               if t.outcome == TransitionOutcome.CHANGED and t.state == CredentialState.REVOKED]
    if revoked:
        from vcissuer.issuance.endorsements import detach_revoked  # it imports this module

        detach_revoked(services, session, revoked)


def change_one(services: Services, slug: str, credential_id: str, *, action: StatusAction,
               reason: str | None, caller: Caller) -> dict[str, Any]:
    result = change_status(services, slug, [credential_id], action=action, reason=reason,
                           caller=caller)[0]
    if result["outcome"] == TransitionOutcome.NOT_FOUND:
        raise NotFound(f"no credential {credential_id} for this issuer")
    if result["outcome"] == TransitionOutcome.NOT_ALLOWED:
        raise Conflict(f"cannot {action.value} this credential: {result.get('detail')}")
    return result


def credential_history(services: Services, slug: str, credential_id: str, *,
                       caller: Caller) -> dict[str, Any]:
    """The issuer's view of one credential: state and its audit trail."""
    from vcissuer.issuance.credentials import credential_view

    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=REVOKE)
        record = CredentialRepository(session).get(credential_id, issuer_id=issuer.id)
        if record is None:
            raise NotFound(f"no credential {credential_id} for this issuer")
        audit = AuditRepository(session).list(issuer_id=issuer.id, subject=credential_id)
        view = credential_view(record)
        view["history"] = [{"at": a.at.isoformat(), "action": a.action, "actor": a.actor,
                            "reason": a.reason, "details": a.details}
                           for a in audit.items]
        return view


@dataclass(frozen=True, slots=True)
class PublishedList:
    text: str
    etag: str
    valid_until: datetime


def published_list(services: Services, slug: str, list_id: str) -> PublishedList:
    """The signed BitstringStatusListCredential, re-signed only when stale."""
    now = services.clock()
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        record = StatusListRepository(session).get(list_id, issuer_id=issuer.id)
        if record is None:
            raise NotFound(f"no status list {list_id}")
        fresh = (record.signed_credential is not None
                 and record.signed_version == record.version
                 and record.signed_valid_until is not None
                 and record.signed_valid_until - now > LIST_VALIDITY / 2)
        if fresh:
            return PublishedList(record.signed_credential, record.etag or "",
                                 record.signed_valid_until)
        version, bits, purpose = record.version, bytes(record.bitstring), record.purpose
        signer = active_signer(services, session, issuer)
    unsigned = create_status_list_credential(
        list_url(services, issuer, list_id), issuer=issuer.did,
        bitstring=Bitstring.from_bytes(bits), purpose=purpose.value, valid_from=now,
        valid_for=LIST_VALIDITY, ttl=services.status_list_ttl * 1000)
    text = serialize(add_proof(unsigned, signer=signer, canonicalizer=services.canonicalizer,
                               created=now))
    etag = '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
    valid_until = now + LIST_VALIDITY
    with services.db.session_scope() as session:
        StatusListRepository(session, clock=services.clock).save_signed(
            list_id, issuer_id=issuer.id, signed=text, version=version,
            valid_until=valid_until, etag=etag)
    return PublishedList(text, etag, valid_until)


def revocation_list(services: Services, slug: str) -> dict[str, Any]:
    """The 1EdTech Revocation List: ids of the issuer's revoked credentials."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        ids = CredentialRepository(session).revoked_ids(issuer_id=issuer.id)
    return create_revocation_list(
        [RevokedCredential(f"{services.base_url}/credentials/{i}") for i in ids],
        list_url=revocation_list_url(services, issuer))
