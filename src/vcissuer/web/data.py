"""Reads the pages need that the issuance flows do not offer: an issuer's slug by its id,
and when a credential was last revoked or suspended.

Kept to these read-only look-ups (candidates to move into :mod:`vcissuer.issuance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vcissuer.issuance.context import Services
from vcissuer.store import AchievementRepository, AuditRepository, IssuerRepository

__all__ = ["achievement_issuer_slug", "current_achievements", "issuer_slug", "withdrawn_at"]

# An issuer page lists at most this many achievements (newest last, as created).
MAX_LISTED = 200

_WITHDRAWALS = ("credential.revoke", "credential.suspend")


def issuer_slug(services: Services, issuer_id: str) -> str | None:
    """The slug of the issuer with this database id (its page is /issuers/<slug>)."""
    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get(issuer_id)
        return issuer.slug if issuer is not None else None


def achievement_issuer_slug(services: Services, achievement_id: str) -> str | None:
    """The slug of the issuer that defined this achievement."""
    with services.db.session_scope(read_only=True) as session:
        record = AchievementRepository(session).get_public(achievement_id)
        if record is None:
            return None
        issuer = IssuerRepository(session).get(record.issuer_id)
        return issuer.slug if issuer is not None else None


def withdrawn_at(services: Services, credential_id: str) -> datetime | None:
    """When the issuer last revoked or suspended this credential (from the audit trail)."""
    with services.db.session_scope(read_only=True) as session:
        record = AuditRepository(session).latest(subject=credential_id, actions=_WITHDRAWALS)
        return record.at if record is not None else None


def current_achievements(services: Services, slug: str) -> list[dict[str, Any]]:
    """The published Achievement documents of the issuer with this slug, oldest first; a
    retired one (when the store records retirement) is left out. Empty for an unknown slug."""
    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get_by_slug(slug)
        if issuer is None:
            return []
        page = AchievementRepository(session).list(issuer_id=issuer.id, limit=MAX_LISTED)
        return [{**record.document, "_uuid": record.id}
                for record in page.items
                if not getattr(record, "retired", None) and not getattr(record, "retired_at",
                                                                        None)]


@dataclass(frozen=True, slots=True)
class AchievementVersion:
    """An achievement's current revision, and when it was retired (None while it issues)."""

    revision: int
    retired_at: datetime | None


def achievement_version(services: Services, achievement_id: str) -> AchievementVersion | None:
    with services.db.session_scope(read_only=True) as session:
        record = AchievementRepository(session).get_public(achievement_id)
        if record is None:
            return None
        return AchievementVersion(record.revision or 1, record.retired_at)
