"""The API documentation, /docs (Swagger UI) and /redoc (ReDoc), served from this origin.

FastAPI's CDN-loading pages are switched off in :func:`vcissuer.api.app.create_app`; these
replace them (see :mod:`vcissuer.web.docs`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from vcissuer.web import STATIC_HEADERS
from vcissuer.web.docs import DocsKind, docs_asset, docs_page
from vcissuer.web.pages import error_page
from vcissuer.web.security import DOCS_HEADERS, PAGE_HEADERS

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(kind: DocsKind) -> HTMLResponse:
    return HTMLResponse(docs_page(kind).html, headers=DOCS_HEADERS[kind])


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return _page("swagger")


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return _page("redoc")


@router.get("/static/docs/{name}")
async def docs_file(name: str) -> Response:
    found = docs_asset(name)
    if found is None:
        page = error_page(404, "There is no such file.")
        return HTMLResponse(page.html, status_code=page.status, headers=PAGE_HEADERS)
    return Response(found.body, media_type=found.media_type, headers=STATIC_HEADERS)
