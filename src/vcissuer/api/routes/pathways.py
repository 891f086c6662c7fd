"""Qualification pathways: define, show a learner's progress, award, recognise prior learning,
decide on an award whose constituent changed."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from vcissuer.api.deps import ApiTokenDep, CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.routes.verify import VerifierDep
from vcissuer.issuance import pathway_awards, pathways, recognitions
from vcissuer.issuance.schemas import (
    AwardDecisionIn,
    AwardIn,
    Line,
    PathwayIn,
    PathwayPatch,
    RecognitionIn,
)

router = APIRouter(tags=["pathways"], route_class=JsonBodyRoute)

_NOT_MET = {409: {"description": "the learner does not meet the pathway: the problem's "
                                 "`evaluation` says what is missing"}}


@router.post("/issuers/{slug}/pathways", status_code=201,
             summary="Define a qualification pathway (a stackable award and its rules)",
             responses={422: {"description": "rules that cannot be evaluated soundly (an "
                                             "unknown credit scheme or framework, say)"}})
async def create_pathway(slug: str, body: PathwayIn, services: ServicesDep,
                         caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathways.create_pathway, services, slug, body,
                                   caller=caller)


@router.get("/issuers/{slug}/pathways", summary="The issuer's pathways, by page",
            responses={400: {"description": "the cursor is not one this endpoint gave"}})
async def list_pathways(
    slug: str, services: ServicesDep, caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[Line | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(pathways.list_pathways, services, slug, caller=caller,
                                   limit=limit, cursor=cursor)


@router.get("/issuers/{slug}/pathways/{pathway_id}", summary="A pathway and its rules")
async def get_pathway(slug: str, pathway_id: str, services: ServicesDep,
                      caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathways.get_pathway, services, slug, pathway_id,
                                   caller=caller)


@router.patch("/issuers/{slug}/pathways/{pathway_id}",
              summary="New rules for a pathway (published as its next revision)",
              responses={422: {"description": "rules that cannot be evaluated soundly"}})
async def update_pathway(slug: str, pathway_id: str, body: PathwayPatch, services: ServicesDep,
                         caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathways.update_pathway, services, slug, pathway_id, body,
                                   caller=caller)


@router.get("/issuers/{slug}/pathways/{pathway_id}/progress",
            summary="A learner's progress: what counts for which rule, what is missing, what "
                    "was set aside and why, and the award",
            response_model=dict[str, Any])
async def progress(
    slug: str, pathway_id: str, services: ServicesDep, token: ApiTokenDep,
    learner: Annotated[Line, Query(min_length=1, max_length=500, description=(
        "email, did:…, student:<id>, or <identityType>:<value>"))],
) -> Response:
    view = await run_in_threadpool(pathways.progress, services, slug, pathway_id, learner,
                                   caller=token)
    # Plain JSON values already: encoded once, not walked again by the response model.
    return Response(json.dumps(view, ensure_ascii=False, separators=(",", ":")),
                    media_type="application/json")


@router.post("/issuers/{slug}/pathways/{pathway_id}/award", status_code=201,
             summary="Award the qualification if the learner meets the pathway (idempotent)",
             responses={200: {"description": "already awarded: the award"}, **_NOT_MET})
async def award(slug: str, pathway_id: str, body: AwardIn, services: ServicesDep,
                caller: CallerDep) -> JSONResponse:
    outcome = await run_in_threadpool(pathway_awards.award, services, slug, pathway_id, body,
                                      caller=caller)
    return JSONResponse(outcome.view, status_code=201 if outcome.created else 200)


@router.get("/issuers/{slug}/pathways/{pathway_id}/awards/{award_id}",
            summary="An award: its qualification, constituents (with state) and events")
async def get_award(slug: str, pathway_id: str, award_id: str, services: ServicesDep,
                    caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathway_awards.get_award, services, slug, pathway_id, award_id,
                                   caller=caller)


@router.post("/issuers/{slug}/pathways/{pathway_id}/awards/{award_id}/decision",
             summary="Decide on an award after a constituent changed: keep, revoke, or "
                     "re-award on a new evaluation (audited)",
             responses={409: {"description": "the award is revoked, or (re-award) the learner "
                                             "no longer meets the pathway"}})
async def decide(slug: str, pathway_id: str, award_id: str, body: AwardDecisionIn,
                 services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathway_awards.decide, services, slug, pathway_id, award_id,
                                   body, caller=caller)


@router.post("/issuers/{slug}/pathways/{pathway_id}/recognitions", status_code=201,
             summary="Recognise prior learning: another provider's credential, verified and "
                     "kept with its report")
async def recognise(slug: str, pathway_id: str, body: RecognitionIn, services: ServicesDep,
                    caller: CallerDep, verifier: VerifierDep) -> dict[str, Any]:
    return await recognitions.recognise(services, verifier, slug, pathway_id, body, caller=caller)
