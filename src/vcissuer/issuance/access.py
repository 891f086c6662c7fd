"""Who is calling, and what they may do: API keys are bound to one issuer and to scopes.

Keys are never cached in a worker: every request reads its key's row (one indexed query, in
the flow's own read transaction on the issue path), so a revoked or rotated key is refused by
every worker from the moment the change commits. The time a key was last used is written at
most once a minute per key (see :func:`note_use`), never once per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vcissuer.issuance.errors import Forbidden, Unauthenticated
from vcissuer.store import ApiClientRepository
from vcissuer.store.repositories.clients import (
    KeyCandidate,
    VerifiedClient,
    key_holder,
    key_prefix,
)

if TYPE_CHECKING:
    from vcissuer.issuance.context import Services

__all__ = [
    "ADMIN",
    "ISSUE",
    "MANAGE",
    "REVOKE",
    "ApiToken",
    "Caller",
    "authenticate",
    "authenticate_among",
    "authorize",
    "note_use",
    "presented_prefix",
    "require_admin",
]

MANAGE, ISSUE, REVOKE, ADMIN = "manage", "issue", "revoke", "admin"


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated API client. ``issuer_id`` is None only for an admin client."""

    client_id: str
    issuer_id: str | None
    scopes: frozenset[str]
    # When the key was last recorded as used (as read with the key), for note_use.
    last_used: datetime | None = field(default=None, compare=False)
    # True when authenticated by an API key (not an operator's command line).
    keyed: bool = field(default=False, compare=False)

    @property
    def is_admin(self) -> bool:
        return self.issuer_id is None and ADMIN in self.scopes


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API key as presented, not yet checked.

    The busiest flows (issuing) take this instead of a :class:`Caller` and check the key in
    their own read transaction: one database round and one thread hop fewer per request.
    """

    value: str = field(repr=False)


def authenticate(session: Any, presented: Caller | ApiToken) -> Caller:
    """The caller holding the key; Unauthenticated if it is unknown or revoked."""
    if isinstance(presented, Caller):
        return presented
    return _caller(ApiClientRepository(session).verify(presented.value))


def authenticate_among(presented: Caller | ApiToken,
                       candidates: Iterable[KeyCandidate]) -> Caller:
    """:func:`authenticate`, the key's candidate clients read already (with other rows)."""
    if isinstance(presented, Caller):
        return presented
    return _caller(key_holder(presented.value, candidates))


def presented_prefix(presented: Caller | ApiToken) -> str | None:
    """What finds the presented key's client (for :func:`authenticate_among`); None for a
    caller already known or a malformed key."""
    return key_prefix(presented.value) if isinstance(presented, ApiToken) else None


def _caller(client: VerifiedClient | None) -> Caller:
    if client is None:
        raise Unauthenticated("the API key is unknown or revoked")
    return Caller(client_id=client.id, issuer_id=client.issuer_id,
                  scopes=frozenset(client.scopes), last_used=client.last_used_at, keyed=True)


USE_RESOLUTION = timedelta(minutes=1)
_noted: dict[str, float] = {}  # client id -> time.monotonic() of this process's last write
_noted_lock = threading.Lock()


def note_use(services: Services, caller: Caller) -> None:
    """Record that ``caller``'s key was used now: a write only when the stored time is a
    minute old and this process has not written it within the minute."""
    if not caller.keyed:
        return
    now = services.clock()
    if caller.last_used is not None and now - caller.last_used < USE_RESOLUTION:
        return
    tick = time.monotonic()
    with _noted_lock:
        if tick - _noted.get(caller.client_id, -1e9) < USE_RESOLUTION.total_seconds():
            return
        _noted[caller.client_id] = tick
        if len(_noted) > 10_000:  # bounded: forget the oldest half
            for key in sorted(_noted, key=_noted.__getitem__)[:5_000]:
                del _noted[key]
    with services.db.session_scope() as session:
        ApiClientRepository(session, clock=services.clock).touch(
            caller.client_id, at=now, older_than=now - USE_RESOLUTION)


def authorize(caller: Caller, *, issuer_id: str, scope: str) -> None:
    """Raise Forbidden unless ``caller`` may use ``scope`` on the issuer ``issuer_id``."""
    if caller.is_admin:
        return
    if caller.issuer_id != issuer_id:
        raise Forbidden("this API key belongs to another issuer")
    if scope not in caller.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope")


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden("this operation needs an admin API key")
