"""Issuers (tenants): the one table not scoped by issuer_id, since it defines it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from vcissuer.store.errors import NotFoundError
from vcissuer.store.records import IssuerRecord, new_id
from vcissuer.store.repositories.base import Repository

__all__ = ["IssuerRepository"]


class IssuerRepository(Repository):
    """Create, find and update issuers."""

    def create(
        self,
        *,
        slug: str,
        did: str,
        profile: Mapping[str, Any],
        revocation_list_enabled: bool = False,
        issuer_id: str | None = None,
    ) -> IssuerRecord:
        """A new issuer; DuplicateError when the slug or DID is taken."""
        now = self._now()
        record = IssuerRecord(
            id=issuer_id or new_id(),
            slug=slug,
            did=did,
            profile=dict(profile),
            revocation_list_enabled=revocation_list_enabled,
            created=now,
            updated=now,
        )
        self._add_unique(record, what=f"issuer {slug!r}")
        return record

    def get(self, issuer_id: str) -> IssuerRecord | None:
        return self.session.get(IssuerRecord, issuer_id)

    def get_by_slug(self, slug: str) -> IssuerRecord | None:
        return self.session.scalars(
            select(IssuerRecord).where(IssuerRecord.slug == slug)
        ).one_or_none()

    def list(self) -> Sequence[IssuerRecord]:
        """All issuers, oldest first (an operator's view; there are few)."""
        return self.session.scalars(
            select(IssuerRecord).order_by(IssuerRecord.created, IssuerRecord.id)
        ).all()

    def update(
        self,
        issuer_id: str,
        *,
        profile: Mapping[str, Any] | None = None,
        did: str | None = None,
        revocation_list_enabled: bool | None = None,
    ) -> IssuerRecord:
        """Change the given fields; NotFoundError for an unknown issuer."""
        record = self.get(issuer_id)
        if record is None:
            raise NotFoundError(f"no issuer {issuer_id}")
        if profile is not None:
            record.profile = dict(profile)
        if did is not None:
            record.did = did
        if revocation_list_enabled is not None:
            record.revocation_list_enabled = revocation_list_enabled
        record.updated = self._now()
        self.session.flush()
        return record
