"""Achievements: the micro-credential definitions an issuer awards."""

from __future__ import annotations

from typing import Any

from vcissuer.credentials.builder import build_achievement, build_profile
from vcissuer.credentials.contexts import OB_V3P0, VC_V2
from vcissuer.issuance.access import MANAGE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import NotFound
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.schemas import AchievementIn
from vcissuer.store import AchievementRecord, AchievementRepository, new_id

__all__ = [
    "achievement_id_url",
    "achievement_view",
    "create_achievement",
    "list_achievements",
    "public_achievement",
    "resolve_achievement",
]


def achievement_id_url(services: Services, achievement_id: str) -> str:
    return f"{services.base_url}/achievements/{achievement_id}"


def achievement_view(record: AchievementRecord) -> dict[str, Any]:
    return {"id": record.id, "achievement": record.document, "revocable": record.revocable,
            "suspendable": record.suspendable}


def create_achievement(services: Services, slug: str, body: AchievementIn, *,
                       caller: Caller) -> dict[str, Any]:
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        record_id = new_id()
        creator = build_profile(issuer.did, {"name": issuer.profile.get("name"),
                                             "url": issuer.profile.get("url")})
        document = build_achievement(body.definition(),
                                     achievement_id=achievement_id_url(services, record_id),
                                     creator=creator)
        record = AchievementRepository(session, clock=services.clock).create(
            issuer_id=issuer.id, document=document, revocable=body.revocable,
            suspendable=body.suspendable, achievement_id=record_id)
        return achievement_view(record)


def list_achievements(services: Services, slug: str, *, caller: Caller, limit: int,
                      cursor: str | None) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        page = AchievementRepository(session).list(issuer_id=issuer.id, limit=limit,
                                                   after=cursor)
        return {"items": [achievement_view(r) for r in page.items],
                "nextCursor": page.next_cursor}


def public_achievement(services: Services, achievement_id: str) -> dict[str, Any]:
    """The Achievement as published at its id URL (JSON-LD)."""
    with services.db.session_scope(read_only=True) as session:
        record = AchievementRepository(session).get_public(achievement_id)
        if record is None:
            raise NotFound(f"no achievement {achievement_id}")
        return {"@context": [VC_V2, OB_V3P0], **record.document}


def resolve_achievement(services: Services, session: Any, reference: str, *,
                        issuer_id: str) -> AchievementRecord:
    """An achievement of this issuer by uuid or by its full id URL."""
    prefix = achievement_id_url(services, "")
    achievement_id = reference.removeprefix(prefix)
    record = AchievementRepository(session).get(achievement_id, issuer_id=issuer_id)
    if record is None:
        raise NotFound(f"no achievement {reference!r} for this issuer",
                       field="achievementId")
    return record
