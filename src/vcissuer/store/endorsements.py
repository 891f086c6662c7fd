"""Endorsements: OB 3.0 EndorsementCredentials issued here or imported, and what they endorse.

An endorsement issued here is also a row of ``credentials`` (served at its URL, with a status
entry, revoked like any credential); ``credential_id`` names it. An imported one keeps the
text it was posted as and the verification report made when it was imported. ``attached``
says whether the endorsed achievement (or issuer profile) of this service publishes it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from vcissuer.store.records import ID, AchievementRecord, Base, IssuerRecord, _enum, new_id
from vcissuer.store.repositories.base import Repository

__all__ = ["EndorsementRecord", "EndorsementRepository", "EndorsementSource"]


class EndorsementSource(StrEnum):
    ISSUED = "issued"  # signed here by an endorser tenant
    IMPORTED = "imported"  # signed elsewhere, posted by the endorsed entity's owner


class EndorsementRecord(Base):
    """One EndorsementCredential and the entity it endorses."""

    __tablename__ = "endorsements"
    __table_args__ = (
        Index(None, "achievement_id", "attached"),
        Index(None, "subject_issuer_id", "attached"),
        Index(None, "endorser_issuer_id", "created", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    source: Mapped[EndorsementSource] = mapped_column(
        _enum(EndorsementSource, "endorsement_source"))
    # The endorser tenant (issued here); NULL for an imported endorsement.
    endorser_issuer_id: Mapped[str | None] = mapped_column(ForeignKey("issuers.id"))
    # The endorsement as a credential of this service (issued here); NULL when imported.
    credential_id: Mapped[str | None] = mapped_column(ForeignKey("credentials.id"), unique=True)
    # credentialSubject.id: what is endorsed (ours or anyone's).
    subject_id: Mapped[str] = mapped_column(String(1000))
    # When the subject is an achievement or an issuer (profile) of this service.
    achievement_id: Mapped[str | None] = mapped_column(ForeignKey("achievements.id"))
    subject_issuer_id: Mapped[str | None] = mapped_column(ForeignKey("issuers.id"))
    # The signed EndorsementCredential as text, exactly as embedded.
    document: Mapped[str] = mapped_column(Text)
    endorser_id: Mapped[str] = mapped_column(String(1000))
    endorser_name: Mapped[str | None] = mapped_column(String(500))
    attached: Mapped[bool] = mapped_column(Boolean, default=True)
    # The verification report at import (imported endorsements only).
    report: Mapped[dict[str, Any] | None]
    created: Mapped[datetime]


class EndorsementRepository(Repository):
    """Endorsement rows, and the locks that serialize republishing what they are attached to."""

    def add(self, record: EndorsementRecord) -> EndorsementRecord:
        record.created = self._now()
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, endorsement_id: str) -> EndorsementRecord | None:
        return self.session.get(EndorsementRecord, endorsement_id)

    def by_credentials(self, credential_ids: list[str]) -> list[EndorsementRecord]:
        if not credential_ids:
            return []
        return list(self.session.scalars(select(EndorsementRecord).where(
            EndorsementRecord.credential_id.in_(credential_ids))))

    def attached_to(self, *, achievement_id: str | None = None,
                    issuer_id: str | None = None) -> list[EndorsementRecord]:
        """What an achievement (or an issuer's profile) publishes, oldest first."""
        query = select(EndorsementRecord).where(EndorsementRecord.attached.is_(True))
        if achievement_id is not None:
            query = query.where(EndorsementRecord.achievement_id == achievement_id)
        else:
            query = query.where(EndorsementRecord.subject_issuer_id == issuer_id,
                                EndorsementRecord.achievement_id.is_(None))
        return list(self.session.scalars(query.order_by(EndorsementRecord.created,
                                                        EndorsementRecord.id)))

    def involving(self, issuer_id: str, *, limit: int = 500) -> list[EndorsementRecord]:
        """Endorsements an issuer gave, or that endorse it or its achievements."""
        owned = select(AchievementRecord.id).where(AchievementRecord.issuer_id == issuer_id)
        query = select(EndorsementRecord).where(or_(
            EndorsementRecord.endorser_issuer_id == issuer_id,
            EndorsementRecord.subject_issuer_id == issuer_id,
            EndorsementRecord.achievement_id.in_(owned),
        )).order_by(EndorsementRecord.created, EndorsementRecord.id).limit(limit)
        return list(self.session.scalars(query))

    def lock_achievement(self, achievement_id: str) -> AchievementRecord | None:
        """The achievement, its row held until the transaction ends (PostgreSQL; SQLite's
        write lock already serializes writers): two attachments never race for a revision.

        FOR NO KEY UPDATE, as ``lock_issuer`` in base.py: credentials being inserted that
        reference the row (KEY SHARE) do not queue behind it. The row is read again once
        locked (``populate_existing``): a copy loaded earlier in the session may be stale."""
        return self.session.scalars(select(AchievementRecord).where(
            AchievementRecord.id == achievement_id).with_for_update(key_share=True)
            .execution_options(populate_existing=True)).one_or_none()

    def lock_issuer(self, issuer_id: str) -> IssuerRecord | None:
        """The issuer, its row held until the transaction ends (its Profile is republished)."""
        return self.session.scalars(select(IssuerRecord).where(
            IssuerRecord.id == issuer_id).with_for_update(key_share=True)
            .execution_options(populate_existing=True)).one_or_none()

    def issuer_by_did(self, did: str) -> IssuerRecord | None:
        return self.session.scalars(select(IssuerRecord).where(
            IssuerRecord.did == did)).one_or_none()
