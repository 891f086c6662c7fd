"""API keys (admin key): create, list, revoke, rotate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.issuance import clients
from vcissuer.issuance.schemas import ClientIn, ClientList, ClientOut, Line, ReasonIn

router = APIRouter(tags=["clients"], route_class=JsonBodyRoute)

_NO_ISSUER = {404: {"description": "no issuer with that slug"}}
_NO_CLIENT = {404: {"description": "no API key with that id"}}


@router.post("/clients", status_code=201, response_model=ClientOut,
             response_model_exclude_unset=True, responses=_NO_ISSUER,
             summary="Create an API key (admin key; the key is shown once)")
async def create_client(body: ClientIn, services: ServicesDep, caller: CallerDep
                        ) -> dict[str, Any]:
    return await run_in_threadpool(clients.create_client, services, body, caller=caller)


@router.get("/clients", response_model=ClientList, response_model_exclude_unset=True,
            responses=_NO_ISSUER,
            summary="The API keys, with created and last-used times (no secrets; admin key)")
async def list_clients(
    services: ServicesDep, caller: CallerDep,
    issuer: Annotated[Line | None, Query(max_length=64, description="an issuer's slug")] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(clients.list_clients, services, caller=caller,
                                   issuer=issuer)


@router.post("/clients/{client_id}/revoke", response_model=ClientOut,
             response_model_exclude_unset=True, responses=_NO_CLIENT,
             summary="Revoke an API key: refused by every worker from now on (admin key)")
async def revoke_client(client_id: str, services: ServicesDep, caller: CallerDep,
                        body: Annotated[ReasonIn | None, Body()] = None) -> dict[str, Any]:
    return await run_in_threadpool(clients.revoke_client, services, client_id, caller=caller,
                                   reason=body.reason if body else None)


@router.post("/clients/{client_id}/rotate", response_model=ClientOut,
             response_model_exclude_unset=True, responses=_NO_CLIENT,
             summary="Rotate an API key: a new key (shown once); the old one is refused "
                     "(admin key)")
async def rotate_client(client_id: str, services: ServicesDep, caller: CallerDep,
                        body: Annotated[ReasonIn | None, Body()] = None) -> dict[str, Any]:
    return await run_in_threadpool(clients.rotate_client, services, client_id, caller=caller,
                                   reason=body.reason if body else None)
