"""Issuer keys: one active signer per issuer, rotated atomically; old keys stay verifiable."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from vcissuer.store.enums import KeyStatus
from vcissuer.store.errors import DuplicateError, NotFoundError
from vcissuer.store.records import IssuerKeyRecord, IssuerRecord, new_id
from vcissuer.store.repositories.base import Repository, lock_issuer

# Built once: every issue runs it (see base.py on hot-path statements).
_ISSUER_WITH_ACTIVE = (
    select(IssuerRecord, IssuerKeyRecord)
    .outerjoin(IssuerKeyRecord, and_(IssuerKeyRecord.issuer_id == IssuerRecord.id,
                                     IssuerKeyRecord.status == KeyStatus.ACTIVE))
    .where(IssuerRecord.slug == bindparam("slug"))
)

__all__ = ["IssuerKeyRepository"]


class IssuerKeyRepository(Repository):
    """Keys of issuers. The private halves live in the key store, under ``key_name``."""

    def rotate(
        self,
        *,
        issuer_id: str,
        key_name: str,
        algorithm: str,
        public_multibase: str,
        verification_method: str,
    ) -> IssuerKeyRecord:
        """Make a new key the issuer's active one, retiring the current one (also the first key).

        The issuer row lock serializes concurrent rotations; the partial unique index on
        ``(issuer_id) WHERE status = 'active'`` would refuse a second active key regardless.
        """
        lock_issuer(self.session, issuer_id)
        record = IssuerKeyRecord(
            id=new_id(),
            issuer_id=issuer_id,
            key_name=key_name,
            algorithm=algorithm,
            public_multibase=public_multibase,
            verification_method=verification_method,
            status=KeyStatus.ACTIVE,
            created=self._now(),
        )
        try:
            # One savepoint for both steps: a taken key name leaves the old key active.
            with self.session.begin_nested():
                self.session.execute(
                    update(IssuerKeyRecord)
                    .where(IssuerKeyRecord.issuer_id == issuer_id,
                           IssuerKeyRecord.status == KeyStatus.ACTIVE)
                    .values(status=KeyStatus.RETIRED)
                )
                self.session.add(record)
        except IntegrityError as error:
            raise DuplicateError(f"key {key_name!r} already exists") from error
        return record

    def active(self, *, issuer_id: str) -> IssuerKeyRecord | None:
        """The key that signs now, or None (none yet, or the last one was compromised)."""
        return self.session.scalars(
            select(IssuerKeyRecord).where(
                IssuerKeyRecord.issuer_id == issuer_id,
                IssuerKeyRecord.status == KeyStatus.ACTIVE,
            )
        ).one_or_none()

    def issuer_with_active(
        self, slug: str
    ) -> tuple[IssuerRecord, IssuerKeyRecord | None] | None:
        """An issuer by slug and its active key (None if it has none), in one query: what
        signing needs; None when there is no such issuer."""
        row = self.session.execute(_ISSUER_WITH_ACTIVE, {"slug": slug}).one_or_none()
        return None if row is None else (row[0], row[1])

    def for_did_document(self, *, issuer_id: str) -> Sequence[IssuerKeyRecord]:
        """Active and retired keys, oldest first: what the DID document publishes."""
        return self.session.scalars(
            select(IssuerKeyRecord)
            .where(
                IssuerKeyRecord.issuer_id == issuer_id,
                IssuerKeyRecord.status.in_([KeyStatus.ACTIVE, KeyStatus.RETIRED]),
            )
            .order_by(IssuerKeyRecord.created, IssuerKeyRecord.id)
        ).all()

    def list(self, *, issuer_id: str) -> Sequence[IssuerKeyRecord]:
        """Every key the issuer ever had, compromised ones included, oldest first."""
        return self.session.scalars(
            select(IssuerKeyRecord)
            .where(IssuerKeyRecord.issuer_id == issuer_id)
            .order_by(IssuerKeyRecord.created, IssuerKeyRecord.id)
        ).all()

    def mark_compromised(self, key_id: str, *, issuer_id: str) -> IssuerKeyRecord:
        """Withdraw a key from the DID document; an active one leaves the issuer unable to sign
        until the next rotation."""
        record = self.session.scalars(
            select(IssuerKeyRecord).where(
                IssuerKeyRecord.id == key_id, IssuerKeyRecord.issuer_id == issuer_id
            )
        ).one_or_none()
        if record is None:
            raise NotFoundError(f"no key {key_id}")
        record.status = KeyStatus.COMPROMISED
        self.session.flush()
        return record
