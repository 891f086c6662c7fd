"""Pages for browsers, and credentials as downloads (baked PNG/SVG, JSON, VC-JWT).

Browsers and programs share the public URLs. ``GET /credentials/{id}``, ``/issuers/{slug}``,
``/achievements/{id}`` and ``/verify`` answer HTML only when the Accept header prefers it:
:class:`HtmlRoute` matches nothing otherwise, so the JSON routes registered after these answer
everyone else exactly as before. Include :data:`routers` before the JSON routers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.routing import Match
from starlette.types import Scope

from vcissuer.api.admission import anonymous_limiter
from vcissuer.api.deps import ServicesDep
from vcissuer.api.limits import BodyTooLarge
from vcissuer.issuance.errors import IssuanceError, NotFound
from vcissuer.verify import Verifier
from vcissuer.web import (
    DOWNLOAD_HEADERS,
    PAGE_HEADERS,
    PREVIEW_HEADERS,
    STATIC_HEADERS,
    Download,
    Page,
    achievement_page,
    credential_download,
    credential_page,
    credential_preview,
    error_page,
    is_link_preview_agent,
    issuer_page,
    offer_page,
    page_verifier,
    prefers_html,
    static_file,
    verify_page,
)

__all__ = ["HtmlRoute", "PageRoute", "routers"]

log = logging.getLogger("vcissuer.web")

# Form fields other than the file (a pasted credential) may be as large as a request may be.
_MAX_FIELD_BYTES = 4 * 1024 * 1024


def _html(page: Page) -> HTMLResponse:
    return HTMLResponse(page.html, status_code=page.status, headers=PAGE_HEADERS)


class PageRoute(APIRoute):
    """A route answering HTML: errors become pages, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def with_error_pages(request: Request) -> Response:
            try:
                return await handler(request)
            except BodyTooLarge:
                raise  # answered with 413 by api/limits.py
            except NotFound as error:
                return _html(error_page(404, error.message))
            except IssuanceError as error:
                return _html(error_page(400, error.message))
            except RequestValidationError:
                return _html(error_page(400, "The request is not one this page understands."))
            except HTTPException as error:
                return _html(error_page(error.status_code, str(error.detail)))
            except Exception as error:  # noqa: BLE001 - the HTML twin of the 500 problem handler
                log.error("unhandled %s on %s %s", type(error).__name__, request.method,
                          request.url.path)
                return _html(error_page(500, "An internal error occurred. Please try again."))

        return with_error_pages


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


def wants_page(scope: Scope) -> bool:
    """A browser (Accept prefers HTML) or a link-preview crawler (by its user agent)."""
    return prefers_html(_header(scope, b"accept")) or \
        is_link_preview_agent(_header(scope, b"user-agent"))


class HtmlRoute(PageRoute):
    """Matches only requests that want a page: browsers and link-preview crawlers."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("type") == "http" and not wants_page(scope):
            return Match.NONE, {}
        return super().matches(scope)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        verifier = getattr(app.state, "page_verifier", None)
        if verifier is not None:
            await verifier.aclose()
            del app.state.page_verifier


async def get_page_verifier(request: Request) -> Verifier:
    """The pages' verifier (made on first use): our own documents are read locally."""
    state = request.app.state
    verifier = getattr(state, "page_verifier", None)
    if verifier is None:
        verifier = state.page_verifier = page_verifier(
            state.services, policy=getattr(state, "verify_policy", None),
            gate=anonymous_limiter(request.app))
    return verifier


PageVerifierDep = Annotated[Verifier, Depends(get_page_verifier)]

browser = APIRouter(route_class=HtmlRoute, include_in_schema=False, lifespan=_lifespan)
forms = APIRouter(route_class=PageRoute, include_in_schema=False)
# The verify page's form is an operation of the API too (it answers POST /verify), so the
# contract documents it: a browser form in, an HTML page out.
verify_form = APIRouter(route_class=PageRoute, tags=["verification"])
_FORM = "multipart/form-data"
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
downloads = APIRouter(tags=["credentials"])


@browser.get("/credentials/{credential_id}")
async def credential_html(credential_id: str, services: ServicesDep,
                          verifier: PageVerifierDep) -> HTMLResponse:
    return _html(await credential_page(services, verifier, credential_id))


@browser.get("/issuers/{slug}")
async def issuer_html(slug: str, services: ServicesDep,
                      verifier: PageVerifierDep) -> HTMLResponse:
    return _html(await issuer_page(services, slug, verifier))


@browser.get("/achievements/{achievement_id}")
async def achievement_html(achievement_id: str, services: ServicesDep,
                           verifier: PageVerifierDep) -> HTMLResponse:
    return _html(await achievement_page(services, achievement_id, verifier))


@browser.get("/interactions/{ref}")
async def offer_html(ref: str, services: ServicesDep) -> HTMLResponse:
    # The link is the learner's to collect with: never cached, never indexed.
    page = await offer_page(services, ref)
    return HTMLResponse(page.html, status_code=page.status,
                        headers={**PAGE_HEADERS, "Cache-Control": "no-store"})


@browser.get("/verify")
async def verify_html(services: ServicesDep, verifier: PageVerifierDep,
                      url: Annotated[str | None, Query(max_length=4096)] = None
                      ) -> HTMLResponse:
    return _html(await verify_page(services, verifier, url=url))


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


@verify_form.post(
    "/verify", response_class=HTMLResponse,
    summary="The verify page's form: a URL, pasted credential or file; an HTML report",
    responses={200: {"description": "the report, as a page", **_HTML},
               400: {"description": "nothing to verify, or a form that cannot be read", **_HTML},
               413: {"description": "the request body is larger than the limit"},
               422: {"description": "the file holds no credential", **_HTML}},
    openapi_extra={"requestBody": {"required": False, "content": {_FORM: {"schema": {
        "type": "object", "properties": {
            "url": {"type": "string", "description": "the credential's URL"},
            "credential": {"type": "string", "description": "a pasted credential"},
            "file": {"type": "string", "format": "binary",
                     "description": "a baked PNG/SVG or a credential file"}}}}}}})
async def verify_form_page(request: Request, services: ServicesDep,
                           verifier: PageVerifierDep) -> HTMLResponse:
    try:
        async with request.form(max_files=1, max_fields=8,
                                max_part_size=_MAX_FIELD_BYTES) as form:
            upload = form.get("file")
            data, name = None, None
            if isinstance(upload, UploadFile) and (upload.filename or upload.size):
                data, name = await upload.read(), upload.filename
            page = await verify_page(services, verifier, url=_field(form, "url"),
                                     text=_field(form, "credential"), upload=data,
                                     upload_name=name, submitted=True)
    except MultiPartException as error:
        page = error_page(400, f"The form could not be read: {error.message}")
    return _html(page)


@forms.get("/static/{name}")
async def static(name: str) -> Response:
    found = static_file(name)
    if found is None:
        return _html(error_page(404, "There is no such file."))
    return Response(found.body, media_type=found.media_type, headers=STATIC_HEADERS)


def _attachment(download: Download) -> Response:
    return Response(download.body, media_type=download.media_type, headers={
        **DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="{download.filename}"'})


_NOT_FOUND = {404: {"description": "no such credential, or not issued in this format",
                    "content": {"application/problem+json": {"schema": {"type": "object"}}}}}


@downloads.get("/credentials/{credential_id}.png", response_class=Response,
               summary="The badge as a PNG with the credential baked in (public)",
               responses={200: {"content": {"image/png": {"schema": {"type": "string",
                                                                      "format": "binary"}}}},
                          **_NOT_FOUND})
async def baked_png(credential_id: str, services: ServicesDep) -> Response:
    return _attachment(await credential_download(services, credential_id, "png"))


@downloads.get("/credentials/{credential_id}/preview.png", response_class=Response,
               summary="The badge page's link-preview image, 1200x630 (public)",
               responses={200: {"content": {"image/png": {"schema": {"type": "string",
                                                                      "format": "binary"}}}},
                          **_NOT_FOUND})
async def preview_image(credential_id: str, services: ServicesDep) -> Response:
    found = await credential_preview(services, credential_id)
    return Response(found.body, media_type=found.media_type, headers=PREVIEW_HEADERS)


@downloads.get("/credentials/{credential_id}.svg", response_class=Response,
               summary="The badge as an SVG with the credential baked in (public)",
               responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                          **_NOT_FOUND})
async def baked_svg(credential_id: str, services: ServicesDep) -> Response:
    return _attachment(await credential_download(services, credential_id, "svg"))


@downloads.get("/credentials/{credential_id}.json", response_class=Response,
               summary="A JSON-LD credential as issued, as a download (public)",
               responses={200: {"content": {"application/vc+ld+json": {
                   "schema": {"type": "object"}}}}, **_NOT_FOUND})
async def credential_json(credential_id: str, services: ServicesDep) -> Response:
    return _attachment(await credential_download(services, credential_id, "json"))


@downloads.get("/credentials/{credential_id}.jwt", response_class=Response,
               summary="A VC-JWT credential as issued, as a download (public)",
               responses={200: {"content": {"application/vc+jwt": {
                   "schema": {"type": "string"}}}}, **_NOT_FOUND})
async def credential_jwt(credential_id: str, services: ServicesDep) -> Response:
    return _attachment(await credential_download(services, credential_id, "jwt"))


# Order matters: these come before the JSON routes at the same paths.
routers = (downloads, browser, verify_form, forms)
