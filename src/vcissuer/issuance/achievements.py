"""Achievements: the micro-credential definitions an issuer awards."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from vcissuer.credentials.builder import build_achievement, build_profile, image_object
from vcissuer.credentials.contexts import OB_V3P0, VC_V2
from vcissuer.issuance.access import MANAGE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.definitions import (
    check_achievement,
    definition_from_document,
    definition_key,
)
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.images import image_url, published_image, store_upload
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.schemas import AchievementIn, AchievementPatch
from vcissuer.store import (
    AchievementRecord,
    AchievementRepository,
    AchievementStatus,
    DuplicateError,
    IssuerRecord,
    new_id,
)
from vcissuer.store.endorsements import EndorsementRepository

__all__ = [
    "achievement_id_of",
    "achievement_id_url",
    "achievement_view",
    "create_achievement",
    "found_achievement",
    "list_achievements",
    "public_achievement",
    "put_achievement_image",
    "resolve_achievement",
    "retire_achievement",
    "update_achievement",
]


def achievement_id_url(services: Services, achievement_id: str) -> str:
    return f"{services.base_url}/achievements/{achievement_id}"


def achievement_view(record: AchievementRecord) -> dict[str, Any]:
    return {"id": record.id, "achievement": record.document, "revocable": record.revocable,
            "suspendable": record.suspendable, "revision": record.revision,
            "status": str(record.status),
            "retiredAt": record.retired_at.isoformat() if record.retired_at else None}


def _document(services: Services, session: Any, issuer: IssuerRecord, body: AchievementIn,
              record_id: str) -> dict[str, Any]:
    """The published Achievement of a definition, checked as a credential would be."""
    definition = body.definition()
    if definition.get("image") is not None:
        definition["image"] = published_image(services, session, definition["image"],
                                              issuer_id=issuer.id)
    creator = build_profile(issuer.did, {"name": issuer.profile.get("name"),
                                         "url": issuer.profile.get("url")})
    document = build_achievement(definition,
                                 achievement_id=achievement_id_url(services, record_id),
                                 creator=creator)
    check_achievement(document, profile=build_profile(issuer.did, issuer.profile),
                      alignments=len(body.alignment or []))
    return document


def _duplicate(body: AchievementIn) -> Conflict:
    return Conflict(f"this issuer already has an achievement with humanCode "
                    f"{body.human_code!r} and version {body.version!r}: update it (PATCH) or "
                    "give a new version",
                    errors=[FieldError("humanCode", "unique",
                                       "humanCode and version must be unique per issuer")])


def create_achievement(services: Services, slug: str, body: AchievementIn, *,
                       caller: Caller) -> dict[str, Any]:
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        record_id = new_id()
        document = _document(services, session, issuer, body, record_id)
        try:
            record = AchievementRepository(session, clock=services.clock).create(
                issuer_id=issuer.id, document=document, revocable=body.revocable,
                suspendable=body.suspendable, achievement_id=record_id,
                definition_key=definition_key(body.human_code, body.version))
        except DuplicateError:
            raise _duplicate(body) from None
        _flag(services, session, issuer, record)
        return achievement_view(record)


def _flag(services: Services, session: Any, issuer: IssuerRecord,
          record: AchievementRecord) -> None:
    """Mark the achievement when a pathway counts it (by an alignment code it carries)."""
    from vcissuer.issuance.pathways import flag_achievement  # (import cycle)

    flag_achievement(services, session, issuer.id, record)


def _own(services: Services, session: Any, slug: str, achievement_id: str, caller: Caller
         ) -> tuple[IssuerRecord, AchievementRecord]:
    issuer = load_issuer(services, session, slug)
    authorize(caller, issuer_id=issuer.id, scope=MANAGE)
    return issuer, resolve_achievement(services, session, achievement_id, issuer_id=issuer.id)


def _revise(services: Services, session: Any, issuer: IssuerRecord, record: AchievementRecord,
            changes: dict[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` (camelCase; None removes) into the definition and publish the result
    as the achievement's next revision. The row is locked and read again first, so a
    concurrent change (an endorsement attached) is neither lost nor given the same revision."""
    record = EndorsementRepository(session).lock_achievement(record.id) or record
    merged = {**definition_from_document(record.document),
              "revocable": record.revocable, "suspendable": record.suspendable}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    try:
        body = AchievementIn.model_validate(merged)
    except ValidationError as error:
        from vcissuer.issuance.credentials import validation_errors

        raise Rejected("the updated achievement is not valid",
                       errors=validation_errors(error)) from None
    document = _document(services, session, issuer, body, record.id)
    for member in ("endorsement", "endorsementJwt"):  # attached ones stay (see endorsements)
        if record.document.get(member):
            document[member] = record.document[member]
    if document == record.document and (body.revocable, body.suspendable) == (
            record.revocable, record.suspendable):
        return achievement_view(record)  # nothing changed: no new revision
    try:
        AchievementRepository(session, clock=services.clock).revise(
            record, document=document,
            definition_key=definition_key(body.human_code, body.version),
            revocable=body.revocable, suspendable=body.suspendable)
    except DuplicateError:
        raise _duplicate(body) from None
    _flag(services, session, issuer, record)
    return achievement_view(record)


def update_achievement(services: Services, slug: str, achievement_id: str,
                       patch: AchievementPatch, *, caller: Caller) -> dict[str, Any]:
    """Correct an achievement: a new revision; issued credentials keep theirs."""
    with services.db.session_scope() as session:
        issuer, record = _own(services, session, slug, achievement_id, caller)
        return _revise(services, session, issuer, record, patch.changes())


def put_achievement_image(services: Services, slug: str, achievement_id: str, data: bytes, *,
                          media_type: str | None, caption: str | None,
                          caller: Caller) -> dict[str, Any]:
    """Upload the badge image (PNG or SVG bytes): a new revision naming it."""
    with services.db.session_scope() as session:
        issuer, record = _own(services, session, slug, achievement_id, caller)
        image = store_upload(services, session, issuer_id=issuer.id, data=data,
                             media_type=media_type)
        value = image_object({"id": image_url(services, image), "caption": caption})
        return _revise(services, session, issuer, record, {"image": value})


def retire_achievement(services: Services, slug: str, achievement_id: str, *,
                       caller: Caller) -> dict[str, Any]:
    """Stop issuing it (409 from then on); credentials already issued stay valid."""
    with services.db.session_scope() as session:
        _, record = _own(services, session, slug, achievement_id, caller)
        AchievementRepository(session, clock=services.clock).retire(record)
        return achievement_view(record)


def list_achievements(services: Services, slug: str, *, caller: Caller, limit: int,
                      cursor: str | None, status: str | None = None,
                      human_code: str | None = None) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        page = AchievementRepository(session).list(
            issuer_id=issuer.id, limit=limit, after=cursor,
            status=AchievementStatus(status) if status else None, human_code=human_code)
        return {"items": [achievement_view(r) for r in page.items],
                "nextCursor": page.next_cursor}


def public_achievement(services: Services, achievement_id: str,
                       revision: int | None = None) -> dict[str, Any]:
    """The Achievement as published at its id URL (JSON-LD): the current revision, or an
    earlier one (what credentials issued under it embed)."""
    with services.db.session_scope(read_only=True) as session:
        repository = AchievementRepository(session)
        record = repository.get_public(achievement_id)
        if record is None:
            raise NotFound(f"no achievement {achievement_id}")
        document = record.document
        if revision is not None and revision != record.revision:
            found = repository.revision(achievement_id, revision)
            if found is None:
                raise NotFound(f"achievement {achievement_id} has no revision {revision}")
            document = found.document
        return {"@context": [VC_V2, OB_V3P0], **document}


def resolve_achievement(services: Services, session: Any, reference: str, *,
                        issuer_id: str) -> AchievementRecord:
    """An achievement of this issuer by uuid or by its full id URL."""
    return found_achievement(AchievementRepository(session).get(
        achievement_id_of(services, reference), issuer_id=issuer_id), reference)


def achievement_id_of(services: Services, reference: str) -> str:
    """The achievement's id (uuid) in ``reference``: the uuid itself or its full id URL."""
    return reference.removeprefix(achievement_id_url(services, ""))


def found_achievement(record: AchievementRecord | None, reference: str) -> AchievementRecord:
    """``record``; NotFound (naming ``achievementId``) when the issuer has no achievement
    ``reference``."""
    if record is None:
        raise NotFound(f"no achievement {reference!r} for this issuer",
                       field="achievementId")
    return record


def issuable(record: AchievementRecord) -> AchievementRecord:
    """``record``, unless it is retired (409: no more credentials from it)."""
    if record.status == AchievementStatus.RETIRED:
        raise Conflict(f"achievement {record.id} is retired: it issues no more credentials",
                       errors=[FieldError("achievementId", "retired",
                                          "the achievement is retired")])
    return record
