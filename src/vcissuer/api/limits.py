"""Caps on request bodies: their size, enforced while reading (a lying Content-Length or a
chunked body cannot get past), per route (:data:`ROUTE_BODY_CAPS`), and the nesting depth of
JSON bodies, measured before they are parsed."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcissuer.limits import MAX_NESTING_DEPTH, json_text_nesting_exceeds
from vcissuer.verify import MAX_CREDENTIAL_BYTES

__all__ = ["ROUTE_BODY_CAPS", "BodyCap", "BodySizeLimit", "BodyTooLarge", "JsonNestingLimit",
           "body_cap", "read_body", "replay_body"]

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class BodyCap:
    """The largest body ``method path`` takes; ``{name}`` in ``path`` stands for one segment."""

    method: str
    path: str
    max_bytes: int
    purpose: str
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path))
        object.__setattr__(self, "_pattern", re.compile(f"^{pattern}$"))

    def applies(self, method: str, path: str) -> bool:
        return method == self.method and self._pattern.match(path) is not None


# Anonymous routes get caps fitting what they read; every other route (issuing, above all a
# batch of 1,000 assessment records) has VCISSUER_MAX_BODY_BYTES (4 MiB by default).
ROUTE_BODY_CAPS: tuple[BodyCap, ...] = (
    BodyCap("POST", "/credentials/verify", 1 * MIB,
            "one credential (JSON-LD or VC-JWT), room for an embedded badge image data: URI of "
            "some 700 KB"),
    BodyCap("POST", "/presentations/verify", 2 * MIB,
            "a presentation: up to 32 credentials of 64 KiB, or two with embedded images"),
    BodyCap("POST", "/verify/url", 8 * KIB, "a URL (at most 2,048 characters)"),
    BodyCap("POST", "/verify", MAX_CREDENTIAL_BYTES + 64 * KIB,
            "the verify page's form: a baked badge image, as large as one fetched by URL "
            "(8 MiB), and the form's other fields"),
    BodyCap("POST", "/oid4vci/token", 8 * KIB, "a token request form of a few fields"),
    BodyCap("POST", "/oid4vci/nonce", 1 * KIB, "no body"),
    BodyCap("POST", "/oid4vci/credential", 64 * KIB,
            "a credential request with JWT proofs of possession (certificate chains too)"),
    BodyCap("POST", "/exchanges/{ref}", 64 * KIB, "a wallet's DIDAuth presentation"),
)


def body_cap(method: str, path: str, default: int,
             caps: Sequence[BodyCap] = ROUTE_BODY_CAPS) -> int:
    """The largest body ``method path`` takes: its own cap, else ``default``."""
    for cap in caps:
        if cap.applies(method, path):
            return cap.max_bytes
    return default


class BodyTooLarge(Exception):  # noqa: N818 - raised inside the app, answered with 413
    """The body grew past its cap while the app was reading it."""


class BodySizeLimit:
    """Answers 413 problem+json to a request whose body exceeds its route's cap
    (:func:`body_cap`; ``max_bytes`` for a route without a cap of its own)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int,
                 caps: Sequence[BodyCap] = ROUTE_BODY_CAPS) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.caps = tuple(caps)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = body_cap(scope.get("method", ""), scope.get("path", ""), self.max_bytes,
                       self.caps)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            await self._reject(scope, send, cap)
            return
        seen = 0
        overflowed = started = False

        async def counted() -> Message:
            nonlocal seen, overflowed
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    overflowed = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if overflowed and not started:
                return  # whatever the app makes of a body cut short, the answer is 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not overflowed or started:
                raise
        if overflowed and not started:
            await self._reject(scope, send, cap)

    async def _reject(self, scope: Scope, send: Send, cap: int) -> None:
        message = f"at most {cap} bytes"
        body: dict[str, Any] = {
            "type": "urn:vcissuer:problem:payload-too-large", "title": "Content Too Large",
            "status": 413, "detail": f"the request body exceeds {cap} bytes, the limit of "
                                     f"{scope.get('method', '')} {scope.get('path', '')}",
            "instance": scope.get("path", ""),
            "errors": [{"field": "body", "rule": "max-body-bytes", "message": message}],
            "limit": "request body", "maximum": cap,
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
        await self.app(scope, replay_body(body, receive), send)

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


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body (None if the client disconnected first)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app ``body`` (already read whole) first, then whatever
    ``receive`` has next (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
