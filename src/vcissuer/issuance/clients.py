"""API keys: create, list (never a secret), revoke, rotate. Admin only; audited.

A key is shown once, when it is created or rotated; only its SHA-256 is stored. Revoking or
rotating takes effect with the commit: no worker caches keys (see access.py).
"""

from __future__ import annotations

from typing import Any

from vcissuer.issuance.access import Caller, require_admin
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.schemas import ClientIn
from vcissuer.store import (
    ApiClientRecord,
    ApiClientRepository,
    AuditRepository,
    IssuerRepository,
    NotFoundError,
)

__all__ = ["client_view", "create_client", "list_clients", "revoke_client", "rotate_client"]


def client_view(record: ApiClientRecord, *, slug: str | None,
                token: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.id, "name": record.name, "issuer": slug, "scopes": list(record.scopes),
        "created": record.created.isoformat(),
        "lastUsed": record.last_used_at.isoformat() if record.last_used_at else None,
        "rotated": record.rotated_at.isoformat() if record.rotated_at else None,
        "revoked": record.revoked_at.isoformat() if record.revoked_at else None,
    }
    if token is not None:
        view["apiKey"] = token
    return view


def _slugs(session: Any) -> dict[str, str]:
    return {issuer.id: issuer.slug for issuer in IssuerRepository(session).list()}


def create_client(services: Services, body: ClientIn, *, caller: Caller) -> dict[str, Any]:
    """A new API key, bound to an issuer (or an admin key: no issuer, scope admin)."""
    require_admin(caller)
    with services.db.session_scope() as session:
        issuer_id = None
        if body.issuer is not None:
            issuer = IssuerRepository(session).get_by_slug(body.issuer)
            if issuer is None:
                raise NotFound(f"no issuer {body.issuer!r}", field="issuer")
            issuer_id = issuer.id
        scopes = body.scopes or (["admin"] if issuer_id is None else ["manage", "issue",
                                                                       "revoke"])
        try:
            issued = ApiClientRepository(session, clock=services.clock).create(
                name=body.name, issuer_id=issuer_id, scopes=scopes)
        except ValueError as error:
            raise Rejected("these scopes cannot be given to this key",
                           errors=[FieldError("scopes", "scopes", str(error))]) from None
        AuditRepository(session, clock=services.clock).record(
            issuer_id=issuer_id, actor=caller.client_id, action="client.create",
            subject=issued.client.id, details={"scopes": list(issued.client.scopes)})
        return client_view(issued.client, slug=body.issuer, token=issued.token)


def list_clients(services: Services, *, caller: Caller, issuer: str | None = None
                 ) -> dict[str, Any]:
    """Every key (or one issuer's), without secrets."""
    require_admin(caller)
    with services.db.session_scope(read_only=True) as session:
        slugs = _slugs(session)
        issuer_id = None
        if issuer is not None:
            issuer_id = next((i for i, s in slugs.items() if s == issuer), None)
            if issuer_id is None:
                raise NotFound(f"no issuer {issuer!r}")
        records = ApiClientRepository(session).list(issuer_id=issuer_id)
        return {"items": [client_view(r, slug=slugs.get(r.issuer_id or "")) for r in records]}


def _change(services: Services, client_id: str, action: str, *, caller: Caller,
            reason: str | None = None) -> dict[str, Any]:
    require_admin(caller)
    with services.db.session_scope() as session:
        repository = ApiClientRepository(session, clock=services.clock)
        record = repository.get(client_id)
        if record is None:
            raise NotFound(f"no API client {client_id}")
        token = None
        if action == "rotate":
            if record.revoked_at is not None:
                raise Conflict(f"API client {client_id} is revoked: create a new one")
            try:
                token = repository.rotate(client_id).token
            except NotFoundError:
                raise NotFound(f"no API client {client_id}") from None
        else:
            repository.revoke(client_id)
        AuditRepository(session, clock=services.clock).record(
            issuer_id=record.issuer_id, actor=caller.client_id, action=f"client.{action}",
            subject=client_id, reason=reason)
        return client_view(record, slug=_slugs(session).get(record.issuer_id or ""),
                           token=token)


def revoke_client(services: Services, client_id: str, *, caller: Caller,
                  reason: str | None = None) -> dict[str, Any]:
    """The key stops working for good, in every worker, when this commits."""
    return _change(services, client_id, "revoke", caller=caller, reason=reason)


def rotate_client(services: Services, client_id: str, *, caller: Caller,
                  reason: str | None = None) -> dict[str, Any]:
    """A new key for the client (shown once); the old one is refused from this commit."""
    return _change(services, client_id, "rotate", caller=caller, reason=reason)
