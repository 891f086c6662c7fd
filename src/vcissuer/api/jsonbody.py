"""JSON request bodies are read strictly (:func:`vcissuer.strictjson.loads_strict`), by one
route class that every JSON router uses.

:class:`JsonBodyRoute` parses a route's JSON body before FastAPI validates it, so a body that
is not strict JSON (a syntax error, a repeated key, ``NaN``, ``1e400``, bytes that are not UTF-8)
is a 400 problem naming the line, column and what is wrong, not FastAPI's generic answer.
Routes that read their body themselves call :func:`parse_json_body`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from vcissuer.api.problems import BadRequest
from vcissuer.strictjson import JsonInputError, loads_strict

__all__ = ["JsonBodyRoute", "MalformedJson", "StrictJsonRequest", "is_json_media_type",
           "malformed_json", "parse_json_body"]


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json`` or ``application/<anything>+json`` (what FastAPI parses as JSON)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


class MalformedJson(BadRequest):
    slug = "malformed-json"


def malformed_json(error: JsonInputError) -> MalformedJson:
    """The 400 problem for a body that is not strict JSON."""
    where = {} if error.line is None else {"line": error.line, "column": error.column}
    return MalformedJson(f"the request body is not valid JSON: {error.message}",
                      errors=[{"field": "body", "rule": error.rule, "message": error.message}],
                      **where)


def parse_json_body(raw: bytes) -> Any:
    """The JSON value of a request body; a 400 problem if it is not strict JSON."""
    try:
        return loads_strict(raw)
    except JsonInputError as error:
        raise malformed_json(error) from None


class StrictJsonRequest(Request):
    """A request whose ``json()`` is :func:`parse_json_body`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_body(await self.body())
        return self._json


class JsonBodyRoute(APIRoute):
    """Reads a JSON body strictly before FastAPI validates it (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def handle(request: Request) -> Response:
            strict = StrictJsonRequest(request.scope, request.receive)
            if is_json_media_type(request.headers.get("content-type")) and await strict.body():
                await strict.json()  # a problem here is answered as such, not by FastAPI
            return await handler(strict)

        return handle
