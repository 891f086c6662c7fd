"""Achievements: the micro-credential definitions an issuer publishes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select

from vcissuer.store.errors import NotFoundError
from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, Page, fetch_page
from vcissuer.store.records import AchievementRecord, new_id
from vcissuer.store.repositories.base import Repository

# Built once: issuing reads an achievement per request (see base.py on hot-path statements).
_BY_ID = select(AchievementRecord).where(
    AchievementRecord.id == bindparam("id"), AchievementRecord.issuer_id == bindparam("issuer_id"))

__all__ = ["AchievementRepository"]


class AchievementRepository(Repository):
    """Achievements of an issuer; reads by id alone only through :meth:`get_public`."""

    def create(
        self,
        *,
        issuer_id: str,
        document: Mapping[str, Any],
        revocable: bool = True,
        suspendable: bool = False,
        achievement_id: str | None = None,
    ) -> AchievementRecord:
        """Store a new achievement. Pass ``achievement_id`` when the document already carries
        its id URL (built from a fresh :func:`new_id`)."""
        now = self._now()
        record = AchievementRecord(
            id=achievement_id or new_id(),
            issuer_id=issuer_id,
            document=dict(document),
            revocable=revocable,
            suspendable=suspendable,
            created=now,
            updated=now,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, achievement_id: str, *, issuer_id: str) -> AchievementRecord | None:
        """The issuer's achievement, or None (also when it belongs to another issuer)."""
        return self.session.scalars(
            _BY_ID, {"id": achievement_id, "issuer_id": issuer_id}
        ).one_or_none()

    def get_public(self, achievement_id: str) -> AchievementRecord | None:
        """Any issuer's achievement by id: achievements are published at their id URL."""
        return self.session.get(AchievementRecord, achievement_id)

    def update(
        self,
        achievement_id: str,
        *,
        issuer_id: str,
        document: Mapping[str, Any] | None = None,
        revocable: bool | None = None,
        suspendable: bool | None = None,
    ) -> AchievementRecord:
        """Change the given fields; NotFoundError when the issuer has no such achievement."""
        record = self.get(achievement_id, issuer_id=issuer_id)
        if record is None:
            raise NotFoundError(f"no achievement {achievement_id}")
        if document is not None:
            record.document = dict(document)
        if revocable is not None:
            record.revocable = revocable
        if suspendable is not None:
            record.suspendable = suspendable
        record.updated = self._now()
        self.session.flush()
        return record

    def list(
        self, *, issuer_id: str, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[AchievementRecord]:
        """The issuer's achievements, oldest first, a page at a time."""
        return fetch_page(
            self.session,
            select(AchievementRecord).where(AchievementRecord.issuer_id == issuer_id),
            created=AchievementRecord.created,
            row_id=AchievementRecord.id,
            limit=limit,
            after=after,
        )
