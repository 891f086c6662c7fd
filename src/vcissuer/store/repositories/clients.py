"""API clients: keys bound to an issuer and scopes, kept only as SHA-256 digests.

A key is ``vci_`` + 43 random URL-safe characters (256 bits). Such a key cannot be guessed or
brute-forced from its digest, so a fast hash is enough (no password KDF); ``key_prefix`` (the
first 12 characters, not secret) finds the row, and the digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, or_, select, update

from vcissuer.store.enums import ApiScope
from vcissuer.store.errors import NotFoundError
from vcissuer.store.records import ApiClientRecord, new_id
from vcissuer.store.repositories.base import Repository

__all__ = [
    "TOKEN_PREFIX",
    "ApiClientRepository",
    "IssuedApiKey",
    "KeyCandidate",
    "VerifiedClient",
    "hash_token",
    "key_holder",
    "key_prefix",
]

TOKEN_PREFIX = "vci_"  # noqa: S105 (a public marker, not a secret)
_SECRET_BYTES = 32
_TOKEN_LENGTH = len(TOKEN_PREFIX) + 43  # token_urlsafe(32) is 43 characters
_LOOKUP_LENGTH = 12
# Built once: every authenticated request runs it. Core columns, not the ORM entity: what a
# request needs of its key, without identity-map bookkeeping (-0.08 ms of CPU per request).
_CLIENTS = ApiClientRecord.__table__
_BY_PREFIX = select(
    _CLIENTS.c.id, _CLIENTS.c.issuer_id, _CLIENTS.c.scopes, _CLIENTS.c.last_used_at,
    _CLIENTS.c.key_hash, _CLIENTS.c.revoked_at,
).where(_CLIENTS.c.key_prefix == bindparam("prefix"))


class KeyCandidate(NamedTuple):
    """A client whose key has the presented key's prefix (:data:`_BY_PREFIX`'s columns)."""

    id: str
    issuer_id: str | None
    scopes: list[str]
    last_used_at: datetime | None
    key_hash: str
    revoked_at: datetime | None


class VerifiedClient(NamedTuple):
    """The live client holding a presented key: what authorizing a request reads."""

    id: str
    issuer_id: str | None
    scopes: list[str]
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    """A new client and its key. The key is shown once and never stored."""

    client: ApiClientRecord
    token: str = field(repr=False)


def hash_token(token: str) -> str:
    """The hex SHA-256 kept in place of a key."""
    return hashlib.sha256(token.encode()).hexdigest()


def key_prefix(token: str) -> str | None:
    """The part of a well-formed key that finds its row; None for a malformed key."""
    if not isinstance(token, str) or len(token) != _TOKEN_LENGTH \
            or not token.startswith(TOKEN_PREFIX):
        return None
    return token[:_LOOKUP_LENGTH]


def key_holder(token: str, candidates: Iterable[Any]) -> VerifiedClient | None:
    """The live client holding ``token`` among ``candidates`` (:class:`KeyCandidate` or rows
    of its columns: the clients whose key has the token's prefix), or None."""
    if key_prefix(token) is None:
        return None
    digest = hash_token(token)
    match = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.key_hash, digest):
            match = candidate
    if match is None or match.revoked_at is not None:
        return None
    return VerifiedClient(match.id, match.issuer_id, match.scopes, match.last_used_at)


def _checked_scopes(scopes: Iterable[ApiScope | str], *, issuer_id: str | None) -> list[str]:
    chosen = sorted({ApiScope(scope).value for scope in scopes})  # ValueError if unknown
    if not chosen:
        raise ValueError("an API client needs at least one scope")
    if (issuer_id is None) != (ApiScope.ADMIN.value in chosen):
        raise ValueError("the admin scope is for clients bound to no issuer, and only for them")
    return chosen


class ApiClientRepository(Repository):
    """Create, verify and revoke API keys."""

    def create(
        self, *, name: str, issuer_id: str | None, scopes: Iterable[ApiScope | str]
    ) -> IssuedApiKey:
        """A new client; the returned token is the only copy of its key."""
        chosen = _checked_scopes(scopes, issuer_id=issuer_id)
        token = TOKEN_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)
        record = ApiClientRecord(
            id=new_id(),
            issuer_id=issuer_id,
            name=name,
            key_prefix=token[:_LOOKUP_LENGTH],
            key_hash=hash_token(token),
            scopes=chosen,
            created=self._now(),
            revoked_at=None,
        )
        self.session.add(record)
        self.session.flush()
        return IssuedApiKey(client=record, token=token)

    def verify(self, token: str) -> VerifiedClient | None:
        """The live client holding ``token``, or None (unknown, malformed or revoked key)."""
        if key_prefix(token) is None:
            return None
        return key_holder(token, self.session.execute(_BY_PREFIX,
                                                      {"prefix": key_prefix(token)}))

    def get(self, client_id: str) -> ApiClientRecord | None:
        return self.session.get(ApiClientRecord, client_id)

    def list(self, *, issuer_id: str | None = None) -> Sequence[ApiClientRecord]:
        """Clients of one issuer, or every client when ``issuer_id`` is None (admin view)."""
        query = select(ApiClientRecord).order_by(ApiClientRecord.created, ApiClientRecord.id)
        if issuer_id is not None:
            query = query.where(ApiClientRecord.issuer_id == issuer_id)
        return self.session.scalars(query).all()

    def rotate(self, client_id: str) -> IssuedApiKey:
        """A new key for the client; the old one stops working with this commit."""
        record = self.get(client_id)
        if record is None:
            raise NotFoundError(f"no API client {client_id}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)
        record.key_prefix = token[:_LOOKUP_LENGTH]
        record.key_hash = hash_token(token)
        record.rotated_at = self._now()
        self.session.flush()
        return IssuedApiKey(client=record, token=token)

    def touch(self, client_id: str, *, at: datetime, older_than: datetime) -> None:
        """Record a use at ``at`` unless one after ``older_than`` is recorded already (so
        racing workers write at most once)."""
        self.session.execute(
            update(ApiClientRecord)
            .where(ApiClientRecord.id == client_id,
                   or_(ApiClientRecord.last_used_at.is_(None),
                       ApiClientRecord.last_used_at < older_than))
            .values(last_used_at=at)
        )

    def revoke(self, client_id: str) -> ApiClientRecord:
        """Stop a key working, for good (the row stays, for the audit trail)."""
        record = self.get(client_id)
        if record is None:
            raise NotFoundError(f"no API client {client_id}")
        if record.revoked_at is None:
            record.revoked_at = self._now()
            self.session.flush()
        return record
