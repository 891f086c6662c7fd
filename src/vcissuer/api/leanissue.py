"""The busiest route without the framework around it: ``POST /issuers/{slug}/credentials``.

FastAPI's routing (the pages' routes come first), dependency solving and exception plumbing
cost about 1 ms of CPU per single issue, a sixth of it (bench/bench_issuing.py). This ASGI
middleware, innermost of the app's own (so path guard, rate limit, body cap, nesting limit and
admission have run), serves that one route when the request is the ordinary case: a bearer
key, an ``application/json`` body that is strict JSON and an :class:`AssessmentIn`. It then
does what the route does (:func:`vcissuer.api.routes.credentials.issue_assessment`: the flow
in the thread pool, the same response), errors of the flow rendered by the app's own handler
for their class (an IssuanceError, a Pkcs11Error...). Anything else (no key, another media
type, JSON that is not strict, a body the model refuses) is handed to the app unchanged, with the
body replayed, so every refusal is the route's own answer. ``tests/api/test_lean_issue.py``
holds the two paths to the same responses.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vcissuer.api.limits import read_body, replay_body
from vcissuer.api.routes.credentials import issue_assessment
from vcissuer.issuance.access import ApiToken
from vcissuer.issuance.schemas import AssessmentIn
from vcissuer.strictjson import JsonInputError, loads_strict

__all__ = ["LeanIssue"]

_PATH = re.compile(r"^/issuers/([^/]+)/credentials$")


class LeanIssue:
    """Serves ``POST /issuers/{slug}/credentials`` in its ordinary case (module docstring);
    ``served`` counts the requests it answered itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.served = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        match = _PATH.match(scope.get("path", ""))
        token = _bearer(scope) if match else None
        if token is None or not _json_body(scope):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:  # the client went away
            return
        assessment = _assessment(body)
        if assessment is None:  # the route answers it (400 or 422, in its own words)
            await self.app(scope, replay_body(body, receive), send)
            return
        try:
            response = await issue_assessment(scope["app"].state.services, match[1],
                                              assessment, ApiToken(token))
        except Exception as error:
            handler = _handler_for(scope["app"], error)
            if handler is None:  # the app's last resort (500) runs outside, as for the route
                raise
            response = await handler(Request(scope), error)
        self.served += 1
        await response(scope, receive, send)


def _handler_for(app: Any, error: Exception) -> Callable[..., Awaitable[Response]] | None:
    """The app's own handler for ``error`` (IssuanceError, Pkcs11Error, ...), found by its
    class as Starlette finds it; None for the catch-all ``Exception`` handler."""
    handlers = getattr(app, "exception_handlers", {})
    for kind in type(error).__mro__:
        if kind is Exception:
            return None
        if kind in handlers:
            return handlers[kind]  # type: ignore[no-any-return]
    return None


def _bearer(scope: Scope) -> str | None:
    """The key of ``Authorization: Bearer <key>`` as FastAPI's HTTPBearer reads it (the
    first such header), or None."""
    value = next((v for k, v in scope.get("headers", ()) if k == b"authorization"), None)
    if value is None:
        return None
    scheme, credentials_ = get_authorization_scheme_param(value.decode("latin-1"))
    if not (scheme and credentials_) or scheme.lower() != "bearer":
        return None
    return credentials_


def _json_body(scope: Scope) -> bool:
    """Exactly one Content-Type, ``application/json`` (parameters aside)."""
    declared = [v for k, v in scope.get("headers", ()) if k == b"content-type"]
    return len(declared) == 1 and \
        declared[0].split(b";", 1)[0].strip().lower() == b"application/json"


def _assessment(body: bytes) -> AssessmentIn | None:
    try:
        data: Any = loads_strict(body)
        return AssessmentIn.model_validate(data) if isinstance(data, dict) else None
    except (JsonInputError, ValidationError):
        return None
