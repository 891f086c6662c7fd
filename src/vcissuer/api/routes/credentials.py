"""Credentials: issue from assessments (one or a cohort), CLR 2.0 records, list, fetch; VC-API
issue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import ApiTokenDep, CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.issuance import clr, credentials, vcapi
from vcissuer.issuance.context import Services
from vcissuer.issuance.schemas import AssessmentIn, BatchIn, ClrIn, Line, VcApiIssueIn
from vcissuer.store import CredentialFormat

router = APIRouter(tags=["credentials"], route_class=JsonBodyRoute)
VC_LD = "application/vc+ld+json"


@router.post("/issuers/{slug}/credentials", status_code=201,
             summary="Issue a credential from one assessment record",
             response_model=dict[str, Any],
             responses={200: {"description": "already issued for this assessmentRef: the "
                                             "first credential"},
                        422: {"description": "the results do not earn the achievement"}})
async def issue(slug: str, body: Annotated[AssessmentIn, Body()], services: ServicesDep,
                token: ApiTokenDep) -> Response:
    outcome = await run_in_threadpool(credentials.issue_one, services, slug, body,
                                      caller=token)
    return _issued(services, outcome)


def _issued(services: Services, outcome: credentials.IssueOutcome) -> Response:
    """201 (or 200 for a repeat) with the stored credential embedded as the text it was
    stored as: not parsed, not re-encoded (the busiest route, and the bytes stay exactly as
    issued)."""
    return Response(credentials.credential_view_json(outcome.record),
                    status_code=201 if outcome.created else 200, media_type="application/json",
                    headers={"Location": credentials.credential_url(services,
                                                                    outcome.record.id)})


@router.post("/issuers/{slug}/credentials/batch",
             summary="Issue a cohort: up to 1,000 assessment records, each with its outcome")
async def issue_batch(slug: str, body: BatchIn, services: ServicesDep,
                      token: ApiTokenDep) -> dict[str, Any]:
    return await run_in_threadpool(credentials.issue_batch, services, slug, body.items,
                                   caller=token)


@router.post("/issuers/{slug}/clr", status_code=201,
             summary="Issue a CLR 2.0 record of a learner's credentials",
             response_model=dict[str, Any],
             responses={200: {"description": "already issued for this reference: the first "
                                             "record"},
                        409: {"description": "the reference was used for another record, or "
                                             "the issuer has no active key"},
                        422: {"description": "a credential is not this learner's, not this "
                                             "issuer's, not active, or an association names "
                                             "an achievement the record does not hold"}})
async def issue_clr(slug: str, body: Annotated[ClrIn, Body()], services: ServicesDep,
                    token: ApiTokenDep) -> Response:
    outcome = await run_in_threadpool(clr.issue_clr_request, services, slug, body,
                                      caller=token)
    return _issued(services, outcome)


@router.get("/issuers/{slug}/credentials", summary="The issuer's credentials, by page",
            responses={400: {"description": "the cursor is not one this endpoint gave"}})
async def list_credentials(
    slug: str, services: ServicesDep, caller: CallerDep,
    achievement: Annotated[Line | None, Query(max_length=500)] = None,
    recipient: Annotated[Line | None, Query(
        max_length=500,
        description="email, did:…, student:<id>, or <identityType>:<value>")] = None,
    assessment_ref: Annotated[Line | None, Query(alias="assessmentRef", max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[Line | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    return await run_in_threadpool(
        credentials.list_credentials, services, slug, caller=caller, achievement=achievement,
        recipient=recipient, assessment_ref=assessment_ref, limit=limit, cursor=cursor)


@router.get("/credentials/{credential_id}", summary="A credential, exactly as issued (public)",
            response_class=Response,
            responses={200: {"content": {VC_LD: {"schema": {"type": "object"}},
                                         "text/plain": {"schema": {"type": "string"}}}}})
async def public_credential(credential_id: str, services: ServicesDep) -> Response:
    record = await run_in_threadpool(credentials.public_credential, services, credential_id)
    media = "text/plain" if record.format == CredentialFormat.JWT else VC_LD
    # Vary: browsers get an HTML page at this URL (routes/pages.py).
    return Response(record.signed, media_type=media,
                    headers={"Cache-Control": "public, max-age=60", "Vary": "Accept, User-Agent"})


@router.post("/credentials/issue", status_code=201, tags=["vc-api"],
             summary="VC-API: sign a caller-supplied credential",
             responses={404: {"description": "no issuer options.issuerSlug (or the key's "
                                             "issuer is gone)"},
                        409: {"description": "the issuer has no active key"}})
async def vc_api_issue(body: VcApiIssueIn, services: ServicesDep, caller: CallerDep,
                       idempotency_key: Annotated[str | None, Header(max_length=200)] = None
                       ) -> dict[str, Any]:
    return await run_in_threadpool(vcapi.issue_caller_credential, services, body, caller=caller,
                                   idempotency_key=idempotency_key)
