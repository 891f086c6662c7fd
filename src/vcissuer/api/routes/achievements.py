"""Achievements: the micro-credential definitions."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.issuance import achievements
from vcissuer.issuance.schemas import AchievementIn, Line

router = APIRouter(tags=["achievements"], route_class=JsonBodyRoute)


@router.post("/issuers/{slug}/achievements", status_code=201,
             summary="Define an achievement (a micro-credential)")
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
) -> dict[str, Any]:
    return await run_in_threadpool(achievements.list_achievements, services, slug,
                                   caller=caller, limit=limit, cursor=cursor)


@router.get("/achievements/{achievement_id}", summary="An achievement at its id (public)",
            response_class=Response,
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}})
async def public_achievement(achievement_id: str, services: ServicesDep) -> Response:
    doc = await run_in_threadpool(achievements.public_achievement, services, achievement_id)
    # Vary: browsers get an HTML page at this URL (routes/pages.py).
    return Response(json.dumps(doc, ensure_ascii=False), media_type="application/ld+json",
                    headers={"Cache-Control": "public, max-age=60", "Vary": "Accept, User-Agent"})
