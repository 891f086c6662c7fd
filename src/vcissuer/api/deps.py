"""Request dependencies: the services of this process and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vcissuer.api.problems import Unauthorized
from vcissuer.issuance.access import Caller
from vcissuer.issuance.context import Services
from vcissuer.store import ApiClientRepository

__all__ = ["CallerDep", "ServicesDep"]

_bearer = HTTPBearer(auto_error=False, description="an API key: `vcissuer clients create`")


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_caller(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    with services.db.session_scope(read_only=True) as session:
        client = ApiClientRepository(session).verify(credentials.credentials)
        if client is None:
            raise Unauthorized("the API key is unknown or revoked")
        return Caller(client_id=client.id, issuer_id=client.issuer_id,
                      scopes=frozenset(client.scopes))


CallerDep = Annotated[Caller, Depends(get_caller)]
