"""Issuer keys: one active signer per issuer, rotated atomically; old keys stay verifiable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from vcissuer.store.enums import KeyStatus
from vcissuer.store.errors import DuplicateError, NotFoundError
from vcissuer.store.records import (
    AchievementRecord,
    ApiClientRecord,
    CredentialRecord,
    IssuerKeyRecord,
    IssuerRecord,
    new_id,
)
from vcissuer.store.repositories.base import Repository, lock_issuer
from vcissuer.store.repositories.clients import KeyCandidate

# Built once: every issue runs it (see base.py on hot-path statements).
_ISSUER_WITH_ACTIVE = (
    select(IssuerRecord, IssuerKeyRecord)
    .outerjoin(IssuerKeyRecord, and_(IssuerKeyRecord.issuer_id == IssuerRecord.id,
                                     IssuerKeyRecord.status == KeyStatus.ACTIVE))
    .where(IssuerRecord.slug == bindparam("slug"))
)

# A single issue's read, one statement where it was three: the issuer, its active key, the
# achievement named (if it is this issuer's) and the id of a credential already issued for
# the assessment reference (almost always none).
_CREDENTIALS = CredentialRecord.__table__
_CLIENTS = ApiClientRecord.__table__
_FOR_ISSUE = (
    select(IssuerRecord, IssuerKeyRecord, AchievementRecord, _CREDENTIALS.c.id,
           _CLIENTS.c.id, _CLIENTS.c.issuer_id, _CLIENTS.c.scopes, _CLIENTS.c.last_used_at,
           _CLIENTS.c.key_hash, _CLIENTS.c.revoked_at)
    .outerjoin(IssuerKeyRecord, and_(IssuerKeyRecord.issuer_id == IssuerRecord.id,
                                     IssuerKeyRecord.status == KeyStatus.ACTIVE))
    .outerjoin(AchievementRecord, and_(AchievementRecord.issuer_id == IssuerRecord.id,
                                       AchievementRecord.id == bindparam("achievement_id")))
    .outerjoin(_CREDENTIALS, and_(_CREDENTIALS.c.issuer_id == IssuerRecord.id,
                                  _CREDENTIALS.c.assessment_ref == bindparam("assessment_ref")))
    # The API key's candidates (none when no prefix is given): one row per client whose key
    # has the prefix, almost always one.
    .outerjoin(_CLIENTS, _CLIENTS.c.key_prefix == bindparam("key_prefix"))
    .where(IssuerRecord.slug == bindparam("slug"))
)

__all__ = ["ForIssue", "IssuerKeyRepository"]


class ForIssue(NamedTuple):
    """What one issue reads before signing (see :meth:`IssuerKeyRepository.for_issue`)."""

    issuer: IssuerRecord
    key: IssuerKeyRecord | None
    achievement: AchievementRecord | None  # None: the issuer has no such achievement
    issued_id: str | None  # the credential already issued for the reference, if any
    clients: list[KeyCandidate]  # the API clients whose key has the prefix given


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

    def for_issue(self, slug: str, *, achievement_id: str, assessment_ref: str,
                  key_prefix: str | None = None) -> ForIssue | None:
        """:meth:`issuer_with_active`, the issuer's achievement ``achievement_id``, the id of
        its credential for ``assessment_ref`` and the API clients whose key starts with
        ``key_prefix``, in one query; None when there is no such issuer."""
        rows = self.session.execute(_FOR_ISSUE, {
            "slug": slug, "achievement_id": achievement_id, "assessment_ref": assessment_ref,
            "key_prefix": key_prefix,
        }).all()
        if not rows:
            return None
        first = rows[0]
        return ForIssue(first[0], first[1], first[2], first[3],
                        [KeyCandidate(*row[4:]) for row in rows if row[4] is not None])

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
