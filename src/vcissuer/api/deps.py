"""Request dependencies: the services of this process and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vcissuer.api.problems import Unauthorized
from vcissuer.issuance.access import ApiToken, Caller, authenticate, note_use
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Unauthenticated

__all__ = ["ApiTokenDep", "CallerDep", "ServicesDep"]

_bearer = HTTPBearer(auto_error=False, description="an API key: `vcissuer clients create`")


async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_api_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiToken:
    """The presented key, unchecked: the flow checks it in its own read transaction."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    return ApiToken(credentials.credentials)


ApiTokenDep = Annotated[ApiToken, Depends(get_api_token)]


def get_caller(services: ServicesDep, token: ApiTokenDep) -> Caller:
    with services.db.session_scope(read_only=True) as session:
        try:
            caller = authenticate(session, token)
        except Unauthenticated as error:
            raise Unauthorized(error.message) from None
    note_use(services, caller)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
