"""Status: revoke, suspend, reinstate (single and batch); public status lists."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.issuance import status, vcapi_status
from vcissuer.issuance.schemas import Body, Line, Prose, VcApiStatusUpdateIn
from vcissuer.store import StatusAction

router = APIRouter(tags=["status"], route_class=JsonBodyRoute)

Reason = Annotated[Prose, Field(min_length=1, max_length=1000)]


class StatusChangeIn(Body):
    reason: Reason | None = None


class StatusBatchIn(Body):
    action: Literal["revoke", "suspend", "reinstate"]
    reason: Reason | None = None
    ids: list[Annotated[Line, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=10_000)


def _change(action: StatusAction):  # noqa: ANN202 - a route factory
    async def route(slug: str, credential_id: str, services: ServicesDep, caller: CallerDep,
                    body: StatusChangeIn | None = None) -> dict[str, Any]:
        return await run_in_threadpool(
            status.change_one, services, slug, credential_id, action=action,
            reason=body.reason if body else None, caller=caller)

    route.__name__ = f"{action.value}_credential"
    return route


for _action, _summary in ((StatusAction.REVOKE, "Revoke a credential (final)"),
                          (StatusAction.SUSPEND, "Suspend a credential"),
                          (StatusAction.REINSTATE, "Reinstate a suspended credential")):
    router.add_api_route(f"/issuers/{{slug}}/credentials/{{credential_id}}/{_action.value}",
                         _change(_action), methods=["POST"], summary=_summary,
                         responses={404: {"description": "no such credential"},
                                    409: {"description": "the change is not allowed"}})


@router.post("/issuers/{slug}/credentials/status",
             summary="Revoke, suspend or reinstate many credentials, each with its outcome")
async def change_many(slug: str, body: StatusBatchIn, services: ServicesDep,
                      caller: CallerDep) -> dict[str, Any]:
    results = await run_in_threadpool(
        status.change_status, services, slug, body.ids, action=StatusAction(body.action),
        reason=body.reason, caller=caller)
    return {"items": results}


@router.post("/credentials/status", tags=["vc-api"],
             summary="VC-API: update a status of an issued credential (revoke scope)",
             responses={404: {"description": "no such credential for this API key"},
                        409: {"description": "the change is not allowed"}})
async def vc_api_update_status(body: VcApiStatusUpdateIn, services: ServicesDep,
                               caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(vcapi_status.update_credential_status, services, body,
                                   caller=caller)


@router.get("/issuers/{slug}/credentials/{credential_id}",
            summary="The issuer's view of a credential: state and history")
async def credential_history(slug: str, credential_id: str, services: ServicesDep,
                             caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(status.credential_history, services, slug, credential_id,
                                   caller=caller)


@router.get("/status/{slug}/revocation-list", summary="1EdTech Revocation List (public)")
async def revocation_list(slug: str, services: ServicesDep) -> Response:
    document = await run_in_threadpool(status.revocation_list, services, slug)
    return Response(json.dumps(document), media_type="application/json",
                    headers={"Cache-Control": f"public, max-age={services.status_list_ttl}"})


@router.get("/status/{slug}/{list_id}", summary="A signed BitstringStatusListCredential (public)",
            response_class=Response,
            responses={200: {"content": {"application/vc+ld+json": {
                "schema": {"type": "object"}}}}, 304: {"description": "not modified"}})
async def status_list(slug: str, list_id: str, services: ServicesDep,
                      if_none_match: Annotated[str | None, Header()] = None) -> Response:
    published = await run_in_threadpool(status.published_list, services, slug, list_id)
    headers = {"ETag": published.etag,
               "Cache-Control": f"public, max-age={services.status_list_ttl}"}
    if if_none_match is not None and published.etag in {t.strip() for t in
                                                         if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(published.text, media_type="application/vc+ld+json", headers=headers)
