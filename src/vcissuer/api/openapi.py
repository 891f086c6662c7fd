"""The OpenAPI document as served and as committed in ``openapi.yaml``.

Every error this API sends is RFC 9457 problem details (see :mod:`vcissuer.api.problems`), so
the document says so in one place instead of on each route: every 4xx response an operation
documents, and the ones every operation of its kind can answer (401/403 where an API key is
required, 400/413 where there is a body, 404 where the path names something, 429 where the
per-address rate limit applies), is ``application/problem+json``, and so is the 503 of the
routes under admission control. OAuth 2.0 / OpenID4VCI
endpoints keep their own error format (RFC 6749 section 5.2), and a verification report sent
with 422 stays documented next to the problem a malformed request gets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from vcissuer.api.limits import ROUTE_BODY_CAPS, BodyCap, body_cap
from vcissuer.api.problems import PROBLEM_JSON

__all__ = ["FieldProblem", "ProblemDetails", "document_problems"]

_OWN_ERROR_FORMAT = ("/oid4vci/", "/.well-known/")
_METHODS = ("get", "put", "post", "delete", "patch")
_DESCRIPTIONS = {
    "400": "malformed request (not JSON, or not what the endpoint reads)",
    "401": "no API key, or an unknown one (a Bearer challenge is sent)",
    "403": "the API key may not do this (another issuer's, or not an admin key)",
    "404": "nothing of that name",
    "409": "conflicts with what is stored",
    "413": "the request body is larger than the limit",
    "422": "the request breaks a rule; `errors` names each field and rule",
    "429": "too many requests from this address (see Retry-After)",
    "503": "the service is verifying as much as it can: retry after Retry-After seconds",
}
_DEFAULT_422 = "#/components/schemas/HTTPValidationError"


class FieldProblem(BaseModel):
    field: str = Field(description="where: `body.achievement.name`, `query.limit`, ...")
    rule: str = Field(description="the rule broken: `missing`, `string_too_long`, ...")
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; ``errors`` names each field and the rule it breaks."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}


def _is_default_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref") == _DEFAULT_422


def _size(count: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count:,} bytes"


def _document_413(responses: dict[str, Any], cap: int, default: int) -> None:
    """The 413 names the route's body cap (api/limits.py)."""
    where = ("this route's cap" if cap != default
             else "VCISSUER_MAX_BODY_BYTES, the cap of routes without one of their own")
    responses["413"] = {
        "description": f"the request body is larger than {_size(cap)} ({cap} bytes: {where})",
        "content": _problem_content()}


def _document_operation(path: str, operation: dict[str, Any],
                        limited: bool, admitted: bool = False) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    implied = set()
    if operation.get("security"):
        implied |= {"401", "403"}
    if "requestBody" in operation:
        implied |= {"400", "413", "422"}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        implied.add("404")
    if limited:
        implied.add("429")
    if admitted:
        implied.add("503")
    for status in sorted(implied - set(responses)):
        responses[status] = {"description": _DESCRIPTIONS[status]}
    for status, response in responses.items():
        if not status.startswith("4") and status != "503":
            continue
        content = response.get("content") or {}
        if not content or _is_default_422(response):
            response["content"] = _problem_content()
            if _is_default_422({"content": content}) or not response.get("description"):
                response["description"] = _DESCRIPTIONS.get(status, "a problem")
        elif PROBLEM_JSON in content:
            content[PROBLEM_JSON] = _problem_content()[PROBLEM_JSON]
        else:  # another body (a verification report): a malformed request is still a problem
            content.update(_problem_content())


def document_problems(spec: dict[str, Any], *, limited_paths: Sequence[str] = (),
                      admitted_paths: Sequence[str] = (), max_body_bytes: int = 4 * 1024 * 1024,
                      body_caps: Sequence[BodyCap] = ROUTE_BODY_CAPS) -> None:
    """Rewrite ``spec`` in place so that every 4xx is documented as problem+json, the 503 of
    ``admitted_paths`` (admission control, :mod:`vcissuer.api.admission`), and the 413 of
    every operation taking a body with its cap (``body_caps``, else ``max_body_bytes``)."""
    for path, item in spec.get("paths", {}).items():
        own_format = path.startswith(_OWN_ERROR_FORMAT)
        limited = any(path == p or path.startswith(p + "/") for p in limited_paths)
        admitted = any(path == p or path.startswith(p + "/") for p in admitted_paths)
        for method in _METHODS:
            if method not in item:
                continue
            if not own_format:
                _document_operation(path, item[method], limited, admitted)
            elif limited:  # the rate limit answers before the protocol: a problem, too
                item[method].setdefault("responses", {}).setdefault("429", {
                    "description": _DESCRIPTIONS["429"], "content": _problem_content()})
            if "requestBody" in item[method]:  # a 413 is problem+json on every route
                _document_413(item[method].setdefault("responses", {}),
                              body_cap(method.upper(), path, max_body_bytes, body_caps),
                              max_body_bytes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(ProblemDetails.model_json_schema(
        ref_template="#/components/schemas/{model}").pop("$defs", {}))
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema(
        ref_template="#/components/schemas/{model}")
    schemas["ProblemDetails"].pop("$defs", None)
    # FastAPI's validation-error schemas, once nothing refers to them any more.
    used = _refs(spec["paths"])
    if "HTTPValidationError" not in used:
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def _refs(node: Any) -> set[str]:
    """Names of the component schemas ``node`` refers to (``$ref``), at any depth."""
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()
