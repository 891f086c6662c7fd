"""Paths that name nothing: a control character in a path segment is answered 404 at once.

Path segments are looked up in the database, and PostgreSQL's text type cannot hold NUL (the
driver refuses the query), while SQLite can: nothing this service stores has a control
character in its name (see ``Line`` in :mod:`vcissuer.issuance.schemas`), so such a path is
not found on either database, without asking it.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ControlCharacterPaths"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacterPaths:
    """Answers 404 problem+json to a request whose (decoded) path holds a control character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _CONTROL.search(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"type": "urn:vcissuer:problem:not-found", "title": "Not Found",
                           "status": 404, "detail": "nothing is named with a control "
                                                    "character"}).encode()
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
