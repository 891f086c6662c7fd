"""OpenID4VCI 1.0 (pre-authorized code flow) and the LMS's offer API.

The wallet-facing endpoints answer errors in OAuth's format (``{"error": ...}``, RFC 6749
section 5.2 / RFC 6750 section 3 / OpenID4VCI section 8.3.1), rendered in one place: the route
class of their router. The LMS-facing offer endpoints use problem+json like the rest of the API.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.problems import PROBLEM_JSON
from vcissuer.wallet import offers, oid4vci
from vcissuer.wallet.display import displays
from vcissuer.wallet.errors import DeliveryRefused, OAuthError
from vcissuer.wallet.metadata import (
    PRE_AUTHORIZED_GRANT,
    Endpoints,
    authorization_server_metadata,
    issuer_metadata,
)
from vcissuer.wallet.schemas import OfferIn

__all__ = ["router"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"
_MAX_FORM_FIELDS = 16


class OAuthRoute(APIRoute):
    """Renders the protocol's errors in the protocol's format; anything else goes on to the
    application's problem+json handlers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except OAuthError as error:
                return JSONResponse(error.to_json(), status_code=error.status,
                                    headers=error.headers)
            except DeliveryRefused as error:
                denied = OAuthError("credential_request_denied", error.description)
                return JSONResponse(denied.to_json(), status_code=400, headers=denied.headers)

        return handle


_OAUTH_ERROR = {"application/json": {"schema": {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"},
                   "c_nonce": {"type": "string"}}}}}

wallet = APIRouter(tags=["openid4vci"], route_class=OAuthRoute)


@wallet.get("/.well-known/openid-credential-issuer",
            summary="OpenID4VCI Credential Issuer Metadata")
async def credential_issuer_metadata(services: ServicesDep) -> JSONResponse:
    issuers, achievements = await run_in_threadpool(displays, services)
    return JSONResponse(issuer_metadata(Endpoints(services.base_url), issuers=issuers,
                                        achievements=achievements),
                        headers={"Cache-Control": "public, max-age=300"})


@wallet.get("/.well-known/oauth-authorization-server",
            summary="OAuth 2.0 Authorization Server Metadata (RFC 8414)")
async def oauth_metadata(services: ServicesDep) -> JSONResponse:
    return JSONResponse(authorization_server_metadata(Endpoints(services.base_url)),
                        headers={"Cache-Control": "public, max-age=300"})


@wallet.get("/oid4vci/credential-offer/{ref}", summary="A Credential Offer, by reference",
            responses={404: {"description": "no such offer, or no longer offered",
                             "content": {PROBLEM_JSON: {"schema": {
                                 "$ref": "#/components/schemas/ProblemDetails"}}}}})
async def credential_offer(ref: str, services: ServicesDep) -> JSONResponse:
    offer = await run_in_threadpool(oid4vci.offer_by_reference, services, ref)
    return JSONResponse(offer, headers=NO_STORE)


@wallet.post(
    "/oid4vci/token", summary="Token Endpoint: redeem a pre-authorized code",
    responses={400: {"description": "OAuth 2.0 error", "content": _OAUTH_ERROR}},
    openapi_extra={"requestBody": {"required": True, "content": {FORM: {"schema": {
        "type": "object", "required": ["grant_type", "pre-authorized_code"],
        "properties": {"grant_type": {"type": "string", "enum": [PRE_AUTHORIZED_GRANT]},
                       "pre-authorized_code": {"type": "string"},
                       "tx_code": {"type": "string"},
                       "authorization_details": {"type": "string"}}}}}}})
async def token(request: Request, services: ServicesDep) -> JSONResponse:
    form = await _form(request)
    return JSONResponse(await run_in_threadpool(oid4vci.token, services, form),
                        headers=NO_STORE)


async def _form(request: Request) -> dict[str, list[str]]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM:
        raise OAuthError("invalid_request", f"the token request must be {FORM}")
    try:
        text = (await request.body()).decode("utf-8")
        return parse_qs(text, keep_blank_values=True, strict_parsing=False,
                        max_num_fields=_MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "the form body cannot be parsed") from None


@wallet.post("/oid4vci/nonce", summary="Nonce Endpoint: a fresh c_nonce")
async def nonce(services: ServicesDep) -> JSONResponse:
    value = await run_in_threadpool(oid4vci.new_nonce, services)
    return JSONResponse({"c_nonce": value}, headers={"Cache-Control": "no-store"})


@wallet.post(
    "/oid4vci/credential", summary="Credential Endpoint: the credential, bound to the wallet",
    responses={400: {"description": "Credential Request error", "content": _OAUTH_ERROR},
               401: {"description": "missing, unknown, expired or used access token",
                     "content": _OAUTH_ERROR}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "properties": {
            "credential_configuration_id": {"type": "string"},
            "credential_identifier": {"type": "string"},
            "proofs": {"type": "object", "properties": {
                "jwt": {"type": "array", "items": {"type": "string"}}}}}}}}}})
async def credential(request: Request, services: ServicesDep,
                     authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    body = await request.body()
    issued = await run_in_threadpool(oid4vci.credential, services,
                                     authorization=authorization, body=body)
    return JSONResponse(issued, headers={"Cache-Control": "no-store"})


lms = APIRouter(tags=["offers"], route_class=JsonBodyRoute)


@lms.post("/issuers/{slug}/offers", status_code=201,
          summary="Offer a credential to a learner's wallet (OpenID4VCI and VC-API)",
          responses={409: {"description": "already issued for this assessmentRef, or the "
                                          "credential is revoked"},
                     422: {"description": "the results do not earn the achievement"}})
async def create_offer(slug: str, body: OfferIn, services: ServicesDep, caller: CallerDep,
                       response: Response) -> dict[str, Any]:
    created = await run_in_threadpool(offers.create_offer, services, slug, body,
                                      caller=caller)
    response.headers["Location"] = f"{services.base_url}/issuers/{slug}/offers/" \
                                   f"{created['offerId']}"
    response.headers["Cache-Control"] = "no-store"
    return created


@lms.get("/issuers/{slug}/offers/{offer_id}", summary="An offer's state (never its codes)")
async def offer_state(slug: str, offer_id: str, services: ServicesDep,
                      caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(offers.offer_view, services, slug, offer_id, caller=caller)


router = APIRouter()
router.include_router(wallet)
router.include_router(lms)
