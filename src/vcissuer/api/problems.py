"""RFC 9457 problem details: one exception hierarchy, one renderer.

Error classes carry their HTTP status, type URI and title; handlers in :mod:`vcissuer.api.app`
render every error (ours, FastAPI's validation errors, Starlette's HTTP errors, anything
unexpected) as ``application/problem+json``. No route catches an exception only to rebuild a
response.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "urn:vcissuer:problem:"
BEARER_CHALLENGE = 'Bearer realm="vcissuer"'  # WWW-Authenticate on every 401

__all__ = [
    "BEARER_CHALLENGE",
    "PROBLEM_JSON",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "Problem",
    "TooManyRequests",
    "Unauthorized",
    "UnprocessableContent",
]


class Problem(Exception):  # noqa: N818 - an RFC 9457 "problem", rendered as such
    """An HTTP error as RFC 9457 problem details."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal Server Error"
    slug: ClassVar[str] = "internal-error"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extensions = extensions

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug

    def to_json(self, *, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status,
                                "detail": self.detail}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


class BadRequest(Problem):
    status, title, slug = 400, "Bad Request", "bad-request"


class Unauthorized(Problem):
    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str = "an API key is required: Authorization: Bearer <key>",
                 **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": BEARER_CHALLENGE})
        super().__init__(detail, **kwargs)


class Forbidden(Problem):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(Problem):
    status, title, slug = 404, "Not Found", "not-found"


class Conflict(Problem):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(Problem):
    status, title, slug = 413, "Content Too Large", "payload-too-large"


class UnprocessableContent(Problem):
    status, title, slug = 422, "Unprocessable Content", "unprocessable"


class TooManyRequests(Problem):
    status, title, slug = 429, "Too Many Requests", "rate-limited"
