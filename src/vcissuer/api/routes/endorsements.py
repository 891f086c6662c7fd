"""Endorsements (OB 3.0 EndorsementCredential): issue as an endorser, import, attach, list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.routes.pages import PageVerifierDep
from vcissuer.issuance import endorsement_imports, endorsements
from vcissuer.issuance.endorsement_schemas import EndorsementImportIn, EndorsementIn

router = APIRouter(tags=["endorsements"], route_class=JsonBodyRoute)


@router.post("/issuers/{slug}/endorsements", status_code=201,
             summary="Issue an endorsement (the issuer {slug} is the endorser)",
             responses={422: {"description": "the body is invalid, or the endorser would "
                                             "endorse itself or its own achievement"}})
async def issue_endorsement(slug: str, body: EndorsementIn, services: ServicesDep,
                            caller: CallerDep) -> dict[str, Any]:
    """A signed (eddsa-rdfc-2022) OB 3.0 EndorsementCredential by the issuer `slug`, stored
    and served at its URL (`url`), with a revocation entry (revoke it as any credential:
    `POST /issuers/{slug}/credentials/{credentialId}/revoke`). When it endorses an achievement
    or an issuer of this service, it is attached to it: credentials issued from then on carry
    it in `achievement.endorsement` (or `issuer.endorsement`)."""
    return await run_in_threadpool(endorsements.issue_endorsement, services, slug, body,
                                   caller=caller)


@router.post("/issuers/{slug}/endorsements/import", status_code=201,
             summary="Import an endorsement of this issuer or one of its achievements",
             responses={409: {"description": "attached already, or the limit of attached "
                                             "endorsements is reached"},
                        422: {"description": "not an EndorsementCredential of this issuer or "
                                             "its achievements (`foreign-subject`), or it did "
                                             "not verify (problem+json with the `report`)"}})
async def import_endorsement(slug: str, body: EndorsementImportIn, services: ServicesDep,
                             caller: CallerDep, verifier: PageVerifierDep) -> dict[str, Any]:
    """The EndorsementCredential is verified (proof, issuer key, status, validity, OB 3.0
    schema) and its report stored with it; then it is attached to the endorsed entity."""
    target = await run_in_threadpool(endorsement_imports.check_import, services, slug, body,
                                     caller=caller)
    report = await verifier.verify_credential(target.token or target.document)
    return await run_in_threadpool(endorsement_imports.store_import, services, target,
                                   report.to_json(), caller=caller)


@router.get("/issuers/{slug}/endorsements",
            summary="Endorsements the issuer gave, and those of its achievements and profile")
async def list_endorsements(slug: str, services: ServicesDep,
                            caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(endorsements.list_endorsements, services, slug,
                                   caller=caller)


@router.post("/issuers/{slug}/endorsements/{endorsement_id}/detach",
             summary="Stop publishing an endorsement of this issuer's achievement or profile")
async def detach_endorsement(slug: str, endorsement_id: str, services: ServicesDep,
                             caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(endorsements.set_attached, services, slug, endorsement_id,
                                   False, caller=caller)


@router.post("/issuers/{slug}/endorsements/{endorsement_id}/attach",
             summary="Publish a detached endorsement again",
             responses={409: {"description": "revoked, or the limit of attached endorsements "
                                             "is reached"}})
async def attach_endorsement(slug: str, endorsement_id: str, services: ServicesDep,
                             caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(endorsements.set_attached, services, slug, endorsement_id,
                                   True, caller=caller)
