"""Caps on request bodies: their size, enforced while reading (a lying Content-Length cannot
get past), and the nesting depth of JSON bodies, measured before they are parsed."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcissuer.limits import MAX_NESTING_DEPTH, json_text_nesting_exceeds

__all__ = ["BodySizeLimit", "JsonNestingLimit"]


class _TooLarge(Exception):  # noqa: N818
    pass


class BodySizeLimit:
    """Answers 413 problem+json to a request whose body exceeds ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        started = exceeded = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # whatever the app made of _TooLarge (FastAPI: a 400), it is a 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._reject(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body: dict[str, Any] = {
            "type": "urn:vcissuer:problem:payload-too-large", "title": "Content Too Large",
            "status": 413, "detail": f"the request body exceeds {self.max_bytes} bytes",
        }
        raw = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})


_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _may_be_json(scope: Scope) -> bool:
    """A JSON media type (``application/json``, ``application/*+json``), or none (or an empty
    one) given: FastAPI parses those bodies as JSON.

    Every ``Content-Type`` header counts: the framework reads the first, a dict the last."""
    if scope.get("method") not in _BODY_METHODS:
        return False
    declared = [value for name, value in scope.get("headers", []) if name == b"content-type"]
    if not declared:
        return True
    for value in declared:
        media = value.split(b";", 1)[0].strip().lower()
        if media in (b"", b"application/json") or (
                media.startswith(b"application/") and media.endswith(b"+json")):
            return True
    return False


class JsonNestingLimit:
    """Answers 422 problem+json to a JSON body nesting deeper than ``max_depth`` levels.

    The body is read whole (inside :class:`BodySizeLimit`, so at most its cap), its nesting
    measured on the text before anything parses it (:func:`vcissuer.limits.
    json_text_nesting_exceeds`, linear), then handed on unchanged. Parsers, JSON Schema and
    JSON-LD recurse: without this, some hundreds of levels in a 2 KB body gave a 500.
    """

    def __init__(self, app: ASGIApp, *, max_depth: int = MAX_NESTING_DEPTH) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_be_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_text_nesting_exceeds(body, self.max_depth):
            await self._reject(scope, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        message = f"arrays and objects nested deeper than {self.max_depth} levels"
        body: dict[str, Any] = {
            "type": "urn:vcissuer:problem:limit-exceeded", "title": "Unprocessable Content",
            "status": 422, "detail": f"the request body nests {message}",
            "instance": scope.get("path", ""),
            "errors": [{"field": "body", "rule": "max-nesting-depth", "message": message}],
            "limit": "nesting depth", "maximum": self.max_depth,
        }
        raw = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": 422,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})
