"""Achievements: the micro-credential definitions an issuer publishes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from vcissuer.store.enums import AchievementStatus
from vcissuer.store.errors import DuplicateError, NotFoundError
from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, Page, fetch_page
from vcissuer.store.records import AchievementRecord, AchievementRevisionRecord, new_id
from vcissuer.store.repositories.base import Repository

# Built once: issuing reads an achievement per request (see base.py on hot-path statements).
_BY_ID = select(AchievementRecord).where(
    AchievementRecord.id == bindparam("id"), AchievementRecord.issuer_id == bindparam("issuer_id"))

__all__ = ["DEFINITION_KEY_SEPARATOR", "AchievementRepository"]

DEFINITION_KEY_SEPARATOR = "\x1f"


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
        definition_key: str | None = None,
    ) -> AchievementRecord:
        """Store a new achievement (its revision 1). Pass ``achievement_id`` when the document
        already carries its id URL (built from a fresh :func:`new_id`). DuplicateError when
        the issuer has a definition with the same ``definition_key`` (humanCode + version)."""
        now = self._now()
        record = AchievementRecord(
            id=achievement_id or new_id(),
            issuer_id=issuer_id,
            document=dict(document),
            revocable=revocable,
            suspendable=suspendable,
            revision=1,
            status=AchievementStatus.ACTIVE,
            definition_key=definition_key,
            created=now,
            updated=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(record)
        except IntegrityError as error:
            self._raise_if_duplicate(issuer_id, definition_key, error)
            raise
        self.session.add(AchievementRevisionRecord(achievement_id=record.id, revision=1,
                                                   document=dict(document), created=now))
        self.session.flush()
        return record

    def revise(
        self, record: AchievementRecord, *, document: Mapping[str, Any],
        definition_key: str | None, revocable: bool, suspendable: bool,
    ) -> AchievementRecord:
        """A new revision of ``record``'s document (the earlier ones are kept)."""
        now = self._now()
        try:
            with self.session.begin_nested():
                record.document = dict(document)
                record.definition_key = definition_key
                record.revocable = revocable
                record.suspendable = suspendable
                record.revision += 1
                record.updated = now
                self.session.add(AchievementRevisionRecord(
                    achievement_id=record.id, revision=record.revision,
                    document=dict(document), created=now))
        except IntegrityError as error:
            self._raise_if_duplicate(record.issuer_id, definition_key, error)
            raise
        return record

    def _raise_if_duplicate(self, issuer_id: str, definition_key: str | None,
                            error: IntegrityError) -> None:
        """DuplicateError when ``error`` came from another definition with the same key."""
        if definition_key is not None and self.session.scalars(
            select(AchievementRecord.id).where(
                AchievementRecord.issuer_id == issuer_id,
                AchievementRecord.definition_key == definition_key).limit(1)
        ).first() is not None:
            raise DuplicateError("an achievement with this humanCode and version "
                                 "already exists") from error

    def retire(self, record: AchievementRecord) -> AchievementRecord:
        """No more credentials are issued from it; those issued stay valid."""
        if record.status != AchievementStatus.RETIRED:
            record.status = AchievementStatus.RETIRED
            record.retired_at = record.updated = self._now()
            self.session.flush()
        return record

    def revision(self, achievement_id: str, revision: int) -> AchievementRevisionRecord | None:
        """One published revision of an achievement (public, like the achievement)."""
        return self.session.get(AchievementRevisionRecord, (achievement_id, revision))

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
        self, *, issuer_id: str, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None,
        status: AchievementStatus | None = None, human_code: str | None = None,
    ) -> Page[AchievementRecord]:
        """The issuer's achievements matching the filters, oldest first, a page at a time."""
        query = select(AchievementRecord).where(AchievementRecord.issuer_id == issuer_id)
        if status is not None:
            query = query.where(AchievementRecord.status == status)
        if human_code is not None:
            query = query.where(AchievementRecord.definition_key.startswith(
                human_code + DEFINITION_KEY_SEPARATOR, autoescape=True))
        return fetch_page(
            self.session,
            query,
            created=AchievementRecord.created,
            row_id=AchievementRecord.id,
            limit=limit,
            after=after,
        )
