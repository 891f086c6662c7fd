"""h-qual: the public pathway (a page for browsers, JSON for everyone else), the learner's
progress page behind an unguessable link, and the API that makes and revokes those links."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from vcissuer.api.admission import anonymous_limiter
from vcissuer.api.deps import CallerDep, ServicesDep
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.routes.pages import HtmlRoute, PageRoute
from vcissuer.issuance import pathway_pages
from vcissuer.issuance.schemas import ProgressLinkIn
from vcissuer.web import PAGE_HEADERS
from vcissuer.web.pathway_pages import PROGRESS_HEADERS, pathway_page, progress_page

__all__ = ["routers"]

browser = APIRouter(route_class=HtmlRoute, include_in_schema=False)
progress = APIRouter(route_class=PageRoute, include_in_schema=False)
api = APIRouter(tags=["pathways"], route_class=JsonBodyRoute)


@browser.get("/pathways/{pathway_id}")
async def pathway_html(pathway_id: str, services: ServicesDep) -> HTMLResponse:
    page = await pathway_page(services, pathway_id)
    return HTMLResponse(page.html, status_code=page.status, headers=PAGE_HEADERS)


@progress.get("/progress/{token}")
async def progress_html(token: str, request: Request, services: ServicesDep) -> HTMLResponse:
    page = await progress_page(services, token, gate=anonymous_limiter(request.app))
    return HTMLResponse(page.html, status_code=page.status,
                        headers={**PAGE_HEADERS, **PROGRESS_HEADERS})


@api.get("/pathways/{pathway_id}", summary="A pathway at its URL: the rules, also in plain "
                                           "language (public; a page for browsers)")
async def public_pathway(pathway_id: str, services: ServicesDep) -> dict[str, Any]:
    found = await run_in_threadpool(pathway_pages.public_pathway, services, pathway_id)
    return found.to_json()


@api.post("/issuers/{slug}/pathways/{pathway_id}/progress-links", status_code=201,
          summary="A link to a learner's progress for the LMS to give the learner (the token "
                  "is in this answer only; only its hash is kept)")
async def create_progress_link(slug: str, pathway_id: str, body: ProgressLinkIn,
                               services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathway_pages.create_progress_link, services, slug,
                                   pathway_id, body.learner, caller=caller)


@api.post("/issuers/{slug}/pathways/{pathway_id}/progress-links/{link_id}/revoke",
          summary="Revoke a progress link: it opens nothing from now on")
async def revoke_progress_link(slug: str, pathway_id: str, link_id: str,
                               services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await run_in_threadpool(pathway_pages.revoke_progress_link, services, slug,
                                   pathway_id, link_id, caller=caller)


# The page before the JSON route at the same path.
routers = (browser, progress, api)
