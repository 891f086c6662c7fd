"""One place that turns every error into RFC 9457 problem+json."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from vcissuer.api.problems import BEARER_CHALLENGE, PROBLEM_JSON, Problem
from vcissuer.issuance.errors import (
    Conflict,
    Forbidden,
    IssuanceError,
    KeyUnavailable,
    NotFound,
    Rejected,
    Unauthenticated,
)
from vcissuer.keys.pkcs11 import Pkcs11Error
from vcissuer.store import InvalidCursorError

__all__ = ["install_error_handlers", "issuance_problem", "problem_response"]

log = logging.getLogger("vcissuer.api")

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

_STATUS = {NotFound: 404, Unauthenticated: 401, Forbidden: 403, Conflict: 409, Rejected: 422,
           KeyUnavailable: 503}
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict",
           413: "Content Too Large", 415: "Unsupported Media Type",
           422: "Unprocessable Content", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


def problem_response(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None,
                     instance: str | None = None, headers: dict[str, str] | None = None,
                     slug: str | None = None,
                     extensions: dict[str, Any] | None = None) -> JSONResponse:
    slug = slug or _TITLES.get(status, "error").lower().replace(" ", "-")
    body: dict[str, Any] = {
        "type": f"urn:vcissuer:problem:{slug}",
        "title": _TITLES.get(status, "Error"), "status": status, "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": _field(tuple(e["loc"])), "rule": str(e["type"]), "message": str(e["msg"])}
              for e in exc.errors()]
    if any(e["rule"] == "json_invalid" for e in errors):
        return problem_response(400, "the request body is not valid JSON", errors=errors,
                                instance=request.url.path, slug="malformed-json")
    return problem_response(422, "the request does not match the schema", errors=errors,
                            instance=request.url.path)


async def _issuance(request: Request, exc: IssuanceError) -> JSONResponse:
    return issuance_problem(request, exc)


def issuance_problem(request: Request, exc: IssuanceError) -> JSONResponse:
    """The problem+json answer to an error of an application flow."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
    errors = [e.to_json() for e in exc.errors]
    headers = {"WWW-Authenticate": BEARER_CHALLENGE} if status == 401 else None
    # RFC 9457 extension members a flow chose to publish (e.g. the conflicting credential).
    # "evaluation": a pathway evaluation; "report": the verification report of an endorsement
    # that was refused on import.
    extensions = {k: exc.extra[k] for k in ("credentialId", "evaluation", "report")
                  if k in exc.extra}
    return problem_response(status, exc.message, errors=errors or None,
                            instance=request.url.path, headers=headers, extensions=extensions)


async def _problem(request: Request, exc: Problem) -> JSONResponse:
    return JSONResponse(exc.to_json(instance=request.url.path), status_code=exc.status,
                        media_type=PROBLEM_JSON, headers=exc.headers or None)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette names the first route at the path only
        headers = {**(headers or {}), "Allow": _allowed(request)}
    return problem_response(exc.status_code, str(exc.detail), instance=request.url.path,
                            headers=headers)


def _allowed(request: Request) -> str:
    """The methods of the resource at this path (RFC 9110 section 10.2.1: Allow), as the app's
    router matches them. Where templates overlap (``/credentials/issue`` also fits
    ``/credentials/{credential_id}``), the resource is the one named with the fewest path
    parameters: the literal path wins over a template that happens to fit."""
    path = request.scope.get("path", "")
    found: dict[str, int] = {}
    for route in iter_route_contexts(request.app.router.routes):
        regex, methods = getattr(route, "path_regex", None), route.methods or ()
        if regex is None or not regex.match(path):
            continue
        for method in methods:
            found[method] = min(regex.groups, found.get(method, regex.groups))
    fewest = min(found.values(), default=0)
    return ", ".join(m for m in _METHODS if found.get(m) == fewest)


async def _cursor(request: Request, exc: InvalidCursorError) -> JSONResponse:
    return problem_response(400, str(exc), instance=request.url.path,
                            errors=[{"field": "query.cursor", "rule": "cursor",
                                     "message": str(exc)}])


async def _token(request: Request, exc: Pkcs11Error) -> JSONResponse:
    # Raised while signing, past the Keyring (C_Sign on an HSM): the operator's problem.
    log.error("PKCS#11 signing failed on %s %s: %s", request.method, request.url.path,
              exc.message)
    return problem_response(503, "the issuer's signing key cannot be used: the pkcs11 key "
                            "backend refused; the service log says why",
                            instance=request.url.path)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Never echo the exception: it may quote input or internals. The log has the type only.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return problem_response(500, "an internal error occurred; nothing was changed",
                            instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(IssuanceError, _issuance)  # type: ignore[arg-type]
    app.add_exception_handler(Problem, _problem)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidCursorError, _cursor)  # type: ignore[arg-type]
    app.add_exception_handler(Pkcs11Error, _token)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
