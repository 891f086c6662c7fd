"""Issuers: create (admin), read, update, rotate keys; public Profile and DID document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.routes.images import IMAGE_BODY
from vcissuer.issuance import issuers
from vcissuer.issuance.schemas import IssuerIn, IssuerPatch

router = APIRouter(tags=["issuers"], route_class=JsonBodyRoute)
JSON_LD = "application/ld+json"


@router.post("/issuers", status_code=201, summary="Create an issuer (admin key)",
             responses={409: {"description": "an issuer with this slug exists"}})
async def create_issuer(body: IssuerIn, services: ServicesDep, caller: CallerDep
                        ) -> dict[str, Any]:
    return await run_in_threadpool(issuers.create_issuer, services, body, caller=caller)


@router.patch("/issuers/{slug}", summary="Update an issuer's profile")
async def update_issuer(slug: str, body: IssuerPatch, services: ServicesDep,
                        caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(issuers.update_issuer, services, slug, body, caller=caller)


@router.put("/issuers/{slug}/image",
            summary="Upload the issuer's logo (PNG or SVG, at most 256 KiB)",
            openapi_extra=IMAGE_BODY)
async def put_issuer_image(
    slug: str, request: Request, services: ServicesDep, caller: CallerDep,
    caption: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    data = await request.body()
    return await run_in_threadpool(issuers.put_issuer_image, services, slug, data,
                                   media_type=request.headers.get("content-type"),
                                   caption=caption, caller=caller)


@router.post("/issuers/{slug}/keys/rotate", summary="Rotate the issuer's signing key")
async def rotate_key(slug: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(issuers.rotate_key, services, slug, caller=caller)


@router.get("/issuers/{slug}", summary="The issuer's OB 3.0 Profile (public)",
            response_class=Response,
            responses={200: {"content": {JSON_LD: {"schema": {"type": "object"}}}}})
async def issuer_profile(slug: str, services: ServicesDep) -> Response:
    def load() -> dict[str, Any]:
        with services.db.session_scope(read_only=True) as session:
            return issuers.profile_document(issuers.load_issuer(services, session, slug))

    response = _json_ld(await run_in_threadpool(load))
    # Browsers and link-preview crawlers get an HTML page here (routes/pages.py).
    response.headers["Vary"] = "Accept, User-Agent"
    return response


@router.get("/issuers/{slug}/did.json", summary="The issuer's did:web DID document (public)",
            response_class=Response,
            responses={200: {"content": {"application/did+json": {"schema": {"type": "object"}}}}})
async def did_document(slug: str, services: ServicesDep) -> Response:
    doc = await run_in_threadpool(issuers.did_document, services, slug)
    return _json_ld(doc, media_type="application/did+json", max_age=300)


def _json_ld(document: Any, *, media_type: str = JSON_LD, max_age: int = 60) -> Response:
    import json

    return Response(json.dumps(document, ensure_ascii=False), media_type=media_type,
                    headers={"Cache-Control": f"public, max-age={max_age}"})
