"""The application factory: routers, error handlers, limits; nothing global."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from vcissuer import __version__
from vcissuer.api.admission import ANONYMOUS_PATHS, Admission, AdmissionControl
from vcissuer.api.errors import install_error_handlers
from vcissuer.api.examples import attach_examples
from vcissuer.api.guards import ControlCharacterPaths
from vcissuer.api.leanissue import LeanIssue
from vcissuer.api.limits import BodySizeLimit, JsonNestingLimit
from vcissuer.api.openapi import document_problems
from vcissuer.api.ratelimit import PUBLIC_LIMITED_PATHS, Limit, RateLimit
from vcissuer.api.routes import (
    achievements,
    clients,
    credentials,
    docs,
    endorsements,
    exchanges,
    images,
    issuers,
    oid4vci,
    pages,
    pathway_pages,
    pathways,
    status,
    verify,
)
from vcissuer.api.runtime import prepare_worker
from vcissuer.issuance.context import Services

__all__ = ["create_app"]

_ANYIO_THREADS = 40  # anyio's default thread limiter

DESCRIPTION = """Issue and verify Open Badges 3.0 credentials from assessed learning outcomes.

Authenticated endpoints take an API key as `Authorization: Bearer <key>` (create one with
`vcissuer clients create`). Every error is RFC 9457 `application/problem+json` naming the field
and the rule."""


def create_app(services: Services, *, max_body_bytes: int = 4 * 1024 * 1024,
               threads: int | None = None, serving: bool = False,
               rate_limits: Mapping[str, Limit] | None = None,
               trusted_proxies: Iterable[str] = (),
               anonymous_threads: int | None = None, anonymous_queue: int = 16,
               lean_issue: bool = True) -> FastAPI:
    """The app over ``services``. ``threads``: request work running at once (anyio's thread
    limiter; its default, 40, when None). ``serving``: this process serves only this app, so
    its startup may tune the process (:func:`vcissuer.api.runtime.prepare_worker`).
    ``rate_limits`` per route family and ``trusted_proxies``: see :mod:`vcissuer.api.ratelimit`;
    ``anonymous_threads`` and ``anonymous_queue``: see :mod:`vcissuer.api.admission`.
    ``lean_issue``: single issues in their ordinary case skip the framework
    (:mod:`vcissuer.api.leanissue`; off only to compare the two paths)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            # At least one token more than anonymous work may take (admission.py).
            anyio.to_thread.current_default_thread_limiter().total_tokens = max(
                threads, app.state.admission.threads + 1)
        if serving:
            prepare_worker(services)
        yield

    # docs_url/redoc_url: FastAPI's pages load their tools from a CDN; routes/docs.py serves
    # the same tools from this origin.
    app = FastAPI(title="vcissuer", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = services
    app.state.admission = Admission.for_worker(
        threads or _ANYIO_THREADS, threads=anonymous_threads, queue=anonymous_queue)
    install_error_handlers(app)
    # Pages and downloads first: they share paths with the JSON routes (see routes/pages.py).
    for router in pages.routers:
        app.include_router(router)
    for router in pathway_pages.routers:  # h-qual
        app.include_router(router)
    app.include_router(issuers.router)
    app.include_router(achievements.router)
    app.include_router(images.router)
    app.include_router(clients.router)
    app.include_router(credentials.router)
    app.include_router(endorsements.router)
    app.include_router(status.router)
    app.include_router(pathways.router)
    app.include_router(oid4vci.router)
    app.include_router(exchanges.router)
    app.include_router(verify.router)
    app.include_router(docs.router)

    @app.get("/health", tags=["service"], summary="Liveness and database check")
    def health() -> dict[str, Any]:
        with services.db.session_scope(read_only=True) as session:
            session.connection()
        return {"status": "ok", "version": __version__}

    # Innermost first (outermost last): anonymous work is admitted once its body is in (a slow
    # upload holds no share); the nesting of a JSON body is measured once its size is known to
    # fit; then the body size (each route's cap: ROUTE_BODY_CAPS in api/limits.py), and the
    # rate limit per client. Innermost of all, the lean single-issue path (api/leanissue.py).
    if lean_issue:
        app.add_middleware(LeanIssue)
    app.add_middleware(AdmissionControl)
    app.add_middleware(JsonNestingLimit)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(RateLimit, limits=rate_limits, trusted_proxies=trusted_proxies)
    app.add_middleware(ControlCharacterPaths)

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            document_problems(spec, limited_paths=PUBLIC_LIMITED_PATHS,
                              admitted_paths=ANONYMOUS_PATHS, max_body_bytes=max_body_bytes)
            attach_examples(spec)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
    return app
