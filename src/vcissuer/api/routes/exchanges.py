"""VC-API exchanges (the Learner Credential Wallet's flow) and interaction URLs.

Refusals are problem details whose ``type`` is the Data Integrity error code where one applies
(``https://w3id.org/security#INVALID_CHALLENGE_ERROR`` ...), rendered in one place: the route
class of this router.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from vcissuer.api.deps import ServicesDep
from vcissuer.api.problems import PROBLEM_JSON
from vcissuer.errors import PARSING_ERROR
from vcissuer.strictjson import JsonInputError, loads_strict
from vcissuer.wallet import exchanges
from vcissuer.wallet.errors import DeliveryRefused, ExchangeError

__all__ = ["router"]


class ExchangeRoute(APIRoute):
    """Renders refused exchange steps as problem details with the error's own ``type``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except ExchangeError as error:
                body = {**error.to_json(), "instance": request.url.path}
                return JSONResponse(body, status_code=error.status, media_type=PROBLEM_JSON)
            except DeliveryRefused as error:
                body = {"type": "urn:vcissuer:problem:delivery-refused", "title": "Conflict",
                        "status": 409, "detail": error.description,
                        "instance": request.url.path}
                return JSONResponse(body, status_code=409, media_type=PROBLEM_JSON)

        return handle


router = APIRouter(tags=["vc-api exchanges"], route_class=ExchangeRoute)

_PROBLEM = {PROBLEM_JSON: {"schema": {"type": "object"}}}


@router.post(
    "/exchanges/{ref}", summary="VC-API exchange: DIDAuth request, then the credential",
    responses={400: {"description": "the presentation does not verify (wrong challenge or "
                                    "domain, unsigned, bad signature)", "content": _PROBLEM},
               404: {"description": "no such exchange", "content": _PROBLEM},
               409: {"description": "the exchange is complete", "content": _PROBLEM},
               410: {"description": "the exchange has expired", "content": _PROBLEM}},
    openapi_extra={"requestBody": {"required": False, "content": {"application/json": {
        "schema": {"type": "object", "properties": {
            "verifiablePresentation": {"type": "object"}}}}}}})
async def exchange(ref: str, request: Request, services: ServicesDep) -> JSONResponse:
    raw = await request.body()
    try:
        body = loads_strict(raw) if raw.strip() else {}
    except JsonInputError as error:
        raise ExchangeError(f"the body is not JSON: {error.message}",
                            type=PARSING_ERROR) from None
    step = await run_in_threadpool(exchanges.exchange, services, ref, body)
    return JSONResponse(step, headers={"Cache-Control": "no-store"})


@router.get("/interactions/{ref}", summary="VC-API interaction URL: the protocols offered",
            responses={404: {"description": "no such interaction", "content": _PROBLEM}})
async def interaction(ref: str, services: ServicesDep) -> JSONResponse:
    protocols = await run_in_threadpool(exchanges.interaction, services, ref)
    return JSONResponse(protocols, headers={"Cache-Control": "no-store"})
