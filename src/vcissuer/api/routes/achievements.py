"""Achievements: the micro-credential definitions; define, correct, retire, list, publish."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.routes.images import IMAGE_BODY
from vcissuer.issuance import achievements
from vcissuer.issuance.schemas import AchievementIn, AchievementPatch, Line

router = APIRouter(tags=["achievements"], route_class=JsonBodyRoute)


@router.post("/issuers/{slug}/achievements", status_code=201,
             summary="Define an achievement (a micro-credential)",
             responses={409: {"description": "the issuer has an achievement with this "
                                             "humanCode and version"},
                        422: {"description": "the definition is invalid, or credentials of it "
                                             "would not conform to the OB 3.0 schema"}})
async def create_achievement(slug: str, body: AchievementIn, services: ServicesDep,
                             caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(achievements.create_achievement, services, slug, body,
                                   caller=caller)


@router.get("/issuers/{slug}/achievements", summary="The issuer's achievements, by page",
            responses={400: {"description": "the cursor is not one this endpoint gave"}})
async def list_achievements(
    slug: str, services: ServicesDep, caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[Line | None, Query(max_length=200)] = None,
    status: Annotated[Literal["active", "retired"] | None, Query()] = None,
    human_code: Annotated[Line | None, Query(alias="humanCode", max_length=500)] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(achievements.list_achievements, services, slug,
                                   caller=caller, limit=limit, cursor=cursor, status=status,
                                   human_code=human_code)


@router.patch("/issuers/{slug}/achievements/{achievement_id}",
              summary="Correct an achievement (published as its next revision)",
              responses={409: {"description": "another achievement has this humanCode and "
                                              "version"}})
async def update_achievement(slug: str, achievement_id: str, body: AchievementPatch,
                             services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(achievements.update_achievement, services, slug,
                                   achievement_id, body, caller=caller)


@router.post("/issuers/{slug}/achievements/{achievement_id}/retire",
             summary="Retire an achievement: no more credentials (issued ones stay valid)")
async def retire_achievement(slug: str, achievement_id: str, services: ServicesDep,
                             caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(achievements.retire_achievement, services, slug,
                                   achievement_id, caller=caller)


@router.put("/issuers/{slug}/achievements/{achievement_id}/image",
            summary="Upload the badge image (PNG or SVG, at most 256 KiB; a new revision)",
            openapi_extra=IMAGE_BODY)
async def put_achievement_image(
    slug: str, achievement_id: str, request: Request, services: ServicesDep,
    caller: CallerDep, caption: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    data = await request.body()
    return await run_in_threadpool(
        achievements.put_achievement_image, services, slug, achievement_id, data,
        media_type=request.headers.get("content-type"), caption=caption, caller=caller)


@router.get("/achievements/{achievement_id}", summary="An achievement at its id (public)",
            response_class=Response,
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}})
async def public_achievement(
    achievement_id: str, services: ServicesDep,
    revision: Annotated[int | None, Query(
        ge=1, le=2**31 - 1,
        description="an earlier revision (what credentials issued under it embed)")] = None,
) -> Response:
    doc = await run_in_threadpool(achievements.public_achievement, services, achievement_id,
                                  revision)
    # Vary: browsers get an HTML page at this URL (routes/pages.py).
    return Response(json.dumps(doc, ensure_ascii=False), media_type="application/ld+json",
                    headers={"Cache-Control": "public, max-age=60", "Vary": "Accept, User-Agent"})
