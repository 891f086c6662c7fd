"""Who is calling, and what they may do: API keys are bound to one issuer and to scopes."""

from __future__ import annotations

from dataclasses import dataclass

from vcissuer.issuance.errors import Forbidden

__all__ = ["ADMIN", "ISSUE", "MANAGE", "REVOKE", "Caller", "authorize", "require_admin"]

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
