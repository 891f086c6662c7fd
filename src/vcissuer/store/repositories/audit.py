"""The audit trail: append-only records of who changed what, when and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, Page, fetch_page
from vcissuer.store.records import AuditRecord, new_id
from vcissuer.store.repositories.base import Repository

__all__ = ["AuditRepository"]


class AuditRepository(Repository):
    """Write and read audit records. There is deliberately no update or delete."""

    def record(
        self,
        *,
        issuer_id: str | None,
        actor: str,
        action: str,
        subject: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Append one record (in the caller's transaction, beside the change it describes)."""
        record = AuditRecord(
            id=new_id(),
            issuer_id=issuer_id,
            actor=actor,
            action=action,
            subject=subject,
            reason=reason,
            at=self._now(),
            details=dict(details or {}),
        )
        self.session.add(record)
        self.session.flush()
        return record

    def latest(self, *, subject: str, actions: tuple[str, ...]) -> AuditRecord | None:
        """The newest record about ``subject`` with one of ``actions`` (None if there is none)."""
        query = (select(AuditRecord)
                 .where(AuditRecord.subject == subject, AuditRecord.action.in_(actions))
                 .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(1))
        return self.session.scalars(query).first()

    def list(
        self,
        *,
        issuer_id: str,
        subject: str | None = None,
        action: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[AuditRecord]:
        """The issuer's records, oldest first, optionally about one subject or action."""
        query = select(AuditRecord).where(AuditRecord.issuer_id == issuer_id)
        if subject is not None:
            query = query.where(AuditRecord.subject == subject)
        if action is not None:
            query = query.where(AuditRecord.action == action)
        return fetch_page(
            self.session, query, created=AuditRecord.at, row_id=AuditRecord.id,
            limit=limit, after=after,
        )
