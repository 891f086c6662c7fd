"""Who is calling, and what they may do: API keys are bound to one issuer and to scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vcissuer.issuance.errors import Forbidden, Unauthenticated
from vcissuer.store import ApiClientRepository

__all__ = [
    "ADMIN",
    "ISSUE",
    "MANAGE",
    "REVOKE",
    "ApiToken",
    "Caller",
    "authenticate",
    "authorize",
    "require_admin",
]

MANAGE, ISSUE, REVOKE, ADMIN = "manage", "issue", "revoke", "admin"


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated API client. ``issuer_id`` is None only for an admin client."""

    client_id: str
    issuer_id: str | None
    scopes: frozenset[str]

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
    client = ApiClientRepository(session).verify(presented.value)
    if client is None:
        raise Unauthenticated("the API key is unknown or revoked")
    return Caller(client_id=client.id, issuer_id=client.issuer_id,
                  scopes=frozenset(client.scopes))


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
