"""Endorsements (OB 3.0 EndorsementCredential): issued by an endorser tenant, or imported.

An endorser is an issuer tenant: its did:web, keys, rotation, Profile and DID document are the
issuer machinery's. An endorsement issued here is a credential of the endorser (stored, served
at its URL, with a revocation entry). When what it endorses is an achievement or an issuer of
this service, it is attached: the achievement publishes it in ``endorsement`` as a new
revision (so every credential issued from then on embeds it, and issuing does no extra work),
or the issuer's Profile does. The owner may detach and re-attach it; revoking it detaches it.
Imports (verified first) are in :mod:`vcissuer.issuance.endorsement_imports`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vcissuer.clock import format_datetime
from vcissuer.credentials.builder import build_profile, compact
from vcissuer.credentials.contexts import OPEN_BADGE_CONTEXT, SCHEMA_VALIDATOR_TYPE
from vcissuer.credentials.schema import ENDORSEMENT_CREDENTIAL_SCHEMA_URL, validate_against
from vcissuer.issuance.access import ISSUE, MANAGE, Caller, authorize
from vcissuer.issuance.achievements import achievement_id_url
from vcissuer.issuance.context import Services
from vcissuer.issuance.definitions import check_achievement
from vcissuer.issuance.endorsement_schemas import EndorsementIn
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.signing import sign_with, signer_for
from vcissuer.issuance.status import StatusRequest, status_entries
from vcissuer.store import (
    AchievementRecord,
    AchievementRepository,
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    CredentialState,
    IssuerKeyRepository,
    IssuerRecord,
    IssuerRepository,
    StatusPurpose,
    new_id,
)
from vcissuer.store.endorsements import EndorsementRecord, EndorsementRepository, EndorsementSource

__all__ = [
    "ENDORSEMENT_TYPE",
    "MAX_ATTACHED",
    "Subject",
    "detach_revoked",
    "endorsed_subject",
    "endorsement_view",
    "has_room",
    "issue_endorsement",
    "list_endorsements",
    "lock_subject",
    "published_form",
    "republish",
    "republish_for",
    "set_attached",
]

ENDORSEMENT_TYPE = ["VerifiableCredential", "EndorsementCredential"]
# Attached per achievement and per issuer profile. A credential embeds both lists, and a
# verifier checks at most 16 endorsements per credential (vcissuer.limits.MAX_ENDORSEMENTS).
MAX_ATTACHED = {"achievement": 8, "issuer": 4}
_REVOCATION = StatusRequest(StatusPurpose.REVOCATION)


@dataclass(frozen=True, slots=True)
class Subject:
    """What an endorsement endorses: one of our achievements, one of our issuers, or neither."""

    id: str
    kind: str  # "achievement", "issuer" or "external"
    achievement: AchievementRecord | None = None
    issuer: IssuerRecord | None = None  # the achievement's issuer, or the endorsed issuer

    @property
    def owner_id(self) -> str | None:
        return self.issuer.id if self.issuer is not None else None


def endorsed_subject(services: Services, session: Any, subject_id: str) -> Subject:
    repository = EndorsementRepository(session)
    prefix = achievement_id_url(services, "")
    if subject_id.startswith(prefix):
        achievement = AchievementRepository(session).get_public(subject_id.removeprefix(prefix))
        if achievement is not None:
            return Subject(subject_id, "achievement", achievement,
                            IssuerRepository(session).get(achievement.issuer_id))
    # An issuer is named by its Profile's id, its DID (not the URL of its Profile page).
    issuer = repository.issuer_by_did(subject_id)
    if issuer is not None:
        return Subject(subject_id, "issuer", issuer=issuer)
    return Subject(subject_id, "external")


def _endorser_profile(issuer: IssuerRecord) -> dict[str, Any]:
    """The endorser as the endorsement's issuer: its Profile without its own endorsements
    (they stay on its Profile page; embedding them here would nest endorsements)."""
    fields = {k: v for k, v in issuer.profile.items() if k not in _MEMBERS}
    return build_profile(issuer.did, fields)


def _attached_count(session: Any, subject: Subject) -> int:
    repository = EndorsementRepository(session)
    if subject.kind == "achievement" and subject.achievement is not None:
        return len(repository.attached_to(achievement_id=subject.achievement.id))
    return len(repository.attached_to(issuer_id=subject.owner_id))


def lock_subject(session: Any, subject: Subject) -> None:
    """Hold what the endorsement would attach to, before its attachments are counted."""
    repository = EndorsementRepository(session)
    if subject.achievement is not None:
        repository.lock_achievement(subject.achievement.id)
    elif subject.issuer is not None:
        repository.lock_issuer(subject.issuer.id)


def has_room(session: Any, subject: Subject) -> bool:
    return subject.kind != "external" and \
        _attached_count(session, subject) < MAX_ATTACHED[subject.kind]


# --- publishing: the achievement's revision, or the issuer's Profile -----------------------

_MEMBERS = ("endorsement", "endorsementJwt")


def _with_endorsements(document: Mapping[str, Any], endorsements: list[Any]) -> dict[str, Any]:
    """``document`` publishing ``endorsements``: objects in ``endorsement``, VC-JWTs in
    ``endorsementJwt`` (OB 3.0 Achievement and Profile)."""
    out = {k: v for k, v in document.items() if k not in _MEMBERS}
    objects = [e for e in endorsements if not isinstance(e, str)]
    tokens = [e for e in endorsements if isinstance(e, str)]
    if objects:
        out["endorsement"] = objects
    if tokens:
        out["endorsementJwt"] = tokens
    return out


def published_form(text: str) -> Any:
    """A stored endorsement as it is embedded: a JSON object, or a VC-JWT as it came."""
    return json.loads(text) if text.startswith("{") else text


def republish(services: Services, session: Any, *, achievement_id: str | None = None,
              issuer_id: str | None = None) -> None:
    """Publish what is attached now: a new revision of the achievement (none when nothing
    changed), or the issuer's Profile. Rows are locked first, so two attachments at once
    never race for one revision."""
    repository = EndorsementRepository(session, clock=services.clock)
    if achievement_id is not None:
        record = repository.lock_achievement(achievement_id)
        if record is None:
            return
        attached = [published_form(r.document)
                    for r in repository.attached_to(achievement_id=achievement_id)]
        document = _with_endorsements(record.document, attached)
        if document == record.document:
            return
        issuer = IssuerRepository(session).get(record.issuer_id)
        if issuer is not None:
            check_achievement(document, profile=build_profile(issuer.did, issuer.profile),
                              alignments=len(document.get("alignment", [])))
        AchievementRepository(session, clock=services.clock).revise(
            record, document=document, definition_key=record.definition_key,
            revocable=record.revocable, suspendable=record.suspendable)
        return
    if issuer_id is None:
        return
    issuer = repository.lock_issuer(issuer_id)
    if issuer is None:
        return
    attached = [published_form(r.document) for r in repository.attached_to(issuer_id=issuer_id)]
    profile = _with_endorsements(issuer.profile, attached)
    if profile != issuer.profile:
        IssuerRepository(session, clock=services.clock).update(issuer.id, profile=profile)


def republish_for(services: Services, session: Any, record: EndorsementRecord) -> None:
    if record.achievement_id is not None:
        republish(services, session, achievement_id=record.achievement_id)
    elif record.subject_issuer_id is not None:
        republish(services, session, issuer_id=record.subject_issuer_id)


# --- views ----------------------------------------------------------------------------------

def endorsement_view(services: Services, record: EndorsementRecord,
                     subject_kind: str | None = None) -> dict[str, Any]:
    kind = subject_kind or ("achievement" if record.achievement_id else
                            "issuer" if record.subject_issuer_id else "external")
    view: dict[str, Any] = {
        "id": record.id,
        "source": str(record.source),
        "subject": {"id": record.subject_id, "kind": kind},
        "endorser": {"id": record.endorser_id, "name": record.endorser_name},
        "attached": record.attached,
        "created": record.created.isoformat(),
        "endorsement": published_form(record.document),
    }
    if record.credential_id is not None:
        view["credentialId"] = record.credential_id
        view["url"] = f"{services.base_url}/credentials/{record.credential_id}"
    if record.report is not None:
        view["report"] = record.report
    return view


# --- issuing --------------------------------------------------------------------------------

def build_endorsement(*, credential_id: str, endorser: Mapping[str, Any], name: str,
                      subject_id: str, comment: str | None, valid_from: datetime,
                      valid_until: datetime | None, description: str | None = None,
                      credential_status: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An unsigned OB 3.0 EndorsementCredential (arrays where its JSON Schema wants them)."""
    return compact({
        "@context": list(OPEN_BADGE_CONTEXT),
        "id": credential_id,
        "type": list(ENDORSEMENT_TYPE),
        "name": name,
        "description": description,
        "issuer": dict(endorser),
        "validFrom": format_datetime(valid_from),
        "validUntil": format_datetime(valid_until) if valid_until else None,
        "awardedDate": format_datetime(valid_from),
        "credentialSubject": {"id": subject_id, "type": ["EndorsementSubject"],
                              "endorsementComment": comment},
        "credentialSchema": [{"id": ENDORSEMENT_CREDENTIAL_SCHEMA_URL,
                              "type": SCHEMA_VALIDATOR_TYPE}],
        "credentialStatus": dict(credential_status) if credential_status else None,
    })


def issue_endorsement(services: Services, slug: str, body: EndorsementIn, *,
                      caller: Caller) -> dict[str, Any]:
    """Sign an EndorsementCredential with the endorser's active key (eddsa-rdfc-2022), store
    it as the endorser's credential, and attach it when it endorses something of ours."""
    subject_id = body.endorsement_subject.id
    with services.db.session_scope(read_only=True) as session:
        found = IssuerKeyRepository(session).issuer_with_active(slug)
        if found is None:
            raise NotFound(f"no issuer {slug!r}")
        endorser, key = found
        authorize(caller, issuer_id=endorser.id, scope=ISSUE)
        signer = signer_for(services, key)
        subject = endorsed_subject(services, session, subject_id)
    if subject.owner_id == endorser.id:
        raise Rejected("an issuer cannot endorse itself or its own achievements",
                       errors=[FieldError("endorsementSubject.id", "self-endorsement",
                                          "the endorsed entity belongs to the endorser")])
    now = services.clock()
    valid_from = body.valid_from or now
    if body.valid_until is not None and body.valid_until <= now:
        raise Rejected("validUntil is in the past", errors=[FieldError(
            "validUntil", "in-the-past", "validUntil must be later than now")])
    status = status_entries(services, endorser, [_REVOCATION])[0]
    credential_id = new_id()
    unsigned = build_endorsement(
        credential_id=f"{services.base_url}/credentials/{credential_id}",
        endorser=_endorser_profile(endorser), name=body.name, description=body.description,
        subject_id=subject_id, comment=body.endorsement_subject.endorsement_comment,
        valid_from=valid_from, valid_until=body.valid_until,
        credential_status=status.entry if status else None)
    problems = validate_against("endorsementcredential", unsigned)
    if problems:
        raise Rejected("the endorsement would not conform to the OB 3.0 EndorsementCredential "
                       "schema", errors=[FieldError(p.path, p.rule, p.message)
                                         for p in problems])
    signed = sign_with(services, signer, unsigned)
    credential = CredentialRecord(
        id=credential_id, issuer_id=endorser.id, achievement_id=None, recipient_hash=None,
        assessment_ref=None, signed=signed, format=CredentialFormat.LDP,
        valid_from=valid_from, valid_until=body.valid_until, created=now,
        status_list_id=status.status_list_id if status else None,
        status_index=status.status_index if status else None)
    with services.db.session_scope() as session:
        CredentialRepository(session, clock=services.clock).insert_or_get(credential)
        subject = endorsed_subject(services, session, subject_id)  # again, in this transaction
        lock_subject(session, subject)
        record = EndorsementRepository(session, clock=services.clock).add(EndorsementRecord(
            id=new_id(), source=EndorsementSource.ISSUED, endorser_issuer_id=endorser.id,
            credential_id=credential_id, subject_id=subject_id,
            achievement_id=subject.achievement.id if subject.achievement else None,
            subject_issuer_id=subject.owner_id, document=signed, endorser_id=endorser.did,
            endorser_name=endorser.profile.get("name"),
            attached=has_room(session, subject), report=None))
        if record.attached:
            republish_for(services, session, record)
        return endorsement_view(services, record, subject.kind)


# --- the owner's choices, revocation, listing ----------------------------------------------

def _owner_of(record: EndorsementRecord, session: Any) -> str | None:
    if record.achievement_id is not None:
        achievement = AchievementRepository(session).get_public(record.achievement_id)
        return achievement.issuer_id if achievement is not None else None
    return record.subject_issuer_id


def set_attached(services: Services, slug: str, endorsement_id: str, attached: bool, *,
                 caller: Caller) -> dict[str, Any]:
    """The endorsed entity's owner detaches an endorsement (new credentials leave it out) or
    attaches it again (not when it is revoked, nor past the limit)."""
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        repository = EndorsementRepository(session, clock=services.clock)
        record = repository.get(endorsement_id)
        if record is None or _owner_of(record, session) != issuer.id:
            raise NotFound(f"no endorsement {endorsement_id} of this issuer's achievements "
                           "or profile")
        if record.attached == attached:
            return endorsement_view(services, record)
        if attached:
            if record.credential_id is not None:
                credential = CredentialRepository(session).get_public(record.credential_id)
                if credential is not None and credential.state == CredentialState.REVOKED:
                    raise Conflict("the endorser has revoked this endorsement")
            kind = "achievement" if record.achievement_id else "issuer"
            subject = Subject(record.subject_id, kind, issuer=issuer,
                               achievement=AchievementRepository(session).get_public(
                                   record.achievement_id) if record.achievement_id else None)
            lock_subject(session, subject)
            if not has_room(session, subject):
                raise Conflict(f"at most {MAX_ATTACHED[kind]} endorsements are attached to "
                               f"an {kind}: detach one first")
        record.attached = attached
        session.flush()
        republish_for(services, session, record)
        return endorsement_view(services, record)


def detach_revoked(services: Services, session: Any, credential_ids: list[str]) -> None:
    """Revoked endorsements drop out: detached, and what published them republished (in the
    revoking transaction). Credentials issued before keep theirs, which their verifiers now
    report as revoked."""
    for record in EndorsementRepository(session).by_credentials(credential_ids):
        if record.attached:
            record.attached = False
            session.flush()
            republish_for(services, session, record)


def list_endorsements(services: Services, slug: str, *, caller: Caller) -> dict[str, Any]:
    """Endorsements the issuer gave, and those of its achievements and profile."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        return {"items": [endorsement_view(services, r)
                          for r in EndorsementRepository(session).involving(issuer.id)]}
