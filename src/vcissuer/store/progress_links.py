"""Progress links (a learner's progress on a pathway, behind an unguessable URL the LMS gives
the learner) and the CLR 2.0 record kept with an award.

A link is found by the SHA-256 of its token: the token itself is never stored, so a copy of
the database opens no learner's progress. Links are revoked, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from vcissuer.store.pathways import AwardRecord
from vcissuer.store.records import ID, Base, new_id
from vcissuer.store.repositories.base import Repository

__all__ = ["ProgressLinkRecord", "ProgressLinkRepository", "award_of_qualification",
           "set_award_clr"]


class ProgressLinkRecord(Base):
    """One progress link: a pathway, a learner (by recipient lookup hash) and the hash of the
    link's token; ``learner_hint`` is what the page may show of the learner (masked)."""

    __tablename__ = "pathway_progress_links"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pathway_id: Mapped[str] = mapped_column(ForeignKey("pathways.id"))
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    learner_hash: Mapped[str] = mapped_column(String(128))
    learner_hint: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ProgressLinkRepository(Repository):
    def add(self, *, token_hash: str, pathway_id: str, issuer_id: str, learner_hash: str,
            learner_hint: str, created_by: str | None) -> ProgressLinkRecord:
        record = ProgressLinkRecord(id=new_id(), token_hash=token_hash, pathway_id=pathway_id,
                                    issuer_id=issuer_id, learner_hash=learner_hash,
                                    learner_hint=learner_hint, created_by=created_by,
                                    created=self._now(), revoked_at=None)
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, link_id: str, *, pathway_id: str) -> ProgressLinkRecord | None:
        return self.session.scalars(select(ProgressLinkRecord).where(
            ProgressLinkRecord.id == link_id,
            ProgressLinkRecord.pathway_id == pathway_id)).one_or_none()

    def by_token_hash(self, token_hash: str) -> ProgressLinkRecord | None:
        """The live (unrevoked) link with this token hash."""
        return self.session.scalars(select(ProgressLinkRecord).where(
            ProgressLinkRecord.token_hash == token_hash,
            ProgressLinkRecord.revoked_at.is_(None))).one_or_none()

    def revoke(self, record: ProgressLinkRecord) -> None:
        if record.revoked_at is None:
            record.revoked_at = self._now()
            self.session.flush()


def set_award_clr(session: Session, *, award_id: str, credential_id: str,
                  clr_credential_id: str) -> bool:
    """Keep the CLR of an award, when the award still stands on ``credential_id`` (a
    concurrent re-award moved on otherwise: False)."""
    result = session.execute(
        update(AwardRecord)
        .where(AwardRecord.id == award_id, AwardRecord.credential_id == credential_id)
        .values(clr_credential_id=clr_credential_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def award_of_qualification(session: Session, credential_id: str) -> AwardRecord | None:
    """The award whose qualification credential this is (None for any other credential)."""
    return session.scalars(select(AwardRecord).where(
        AwardRecord.credential_id == credential_id).limit(1)).first()
