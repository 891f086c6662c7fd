"""Reads the pages need that the issuance flows do not offer: an issuer's slug by its id.

Kept to these two read-only look-ups (candidates to move into :mod:`vcissuer.issuance`).
"""

from __future__ import annotations

from vcissuer.issuance.context import Services
from vcissuer.store import AchievementRepository, IssuerRepository

__all__ = ["achievement_issuer_slug", "issuer_slug"]


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
