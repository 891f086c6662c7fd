"""Admission control: anonymous CPU-bound work takes a bounded share of a worker.

Anyone may ask for a verification, and each costs CPU (canonicalization, signatures). Left
alone, a flood of them queued without bound in a worker's thread pool: ``/health`` and the LMS's
issue requests waited behind minutes of verifications. Now, per worker process:

- Verification requests (:data:`ANONYMOUS_PATHS`), badge pages (``GET /credentials/{id}``
  asking for HTML: each view verifies), baked badges (``.png``/``.svg``) and link-preview
  images (``/preview.png``) are *admitted*
  while fewer than ``threads + queue`` are in progress; past that they are answered at once
  with 503 problem+json and ``Retry-After`` instead of waiting. The credential as issued
  (JSON, JWT) is a plain read and is not counted.
- Their CPU-bound jobs (the pipeline, local reads of our own documents; the pages' verifier
  too) pass through :attr:`Admission.gate`, a capacity limiter of ``threads`` tokens
  (``VCISSUER_ANONYMOUS_THREADS``, default 1), before taking one of the worker's
  ``VCISSUER_THREADS`` thread tokens. ``threads`` is at most ``VCISSUER_THREADS - 1``, so a
  thread token is always left for everything else: ``/health`` and the authenticated routes
  (issuing) never wait behind anonymous work.

A request from a vcissuer verifier's own fetcher (its User-Agent) to a verification route is
refused (403): fetching a verification endpoint is never a step of verifying a credential, and
refusing it ends a loop through another name of this service at its first step.
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from vcissuer.api.limits import read_body, replay_body
from vcissuer.api.ratelimit import VERIFY_PATHS, matches
from vcissuer.net.fetch import USER_AGENT
from vcissuer.web.negotiation import is_link_preview_agent, prefers_html

__all__ = ["ANONYMOUS_PATHS", "Admission", "AdmissionControl", "anonymous_limiter"]

ANONYMOUS_PATHS = VERIFY_PATHS
RETRY_AFTER = 1  # seconds: an anonymous slot frees within milliseconds
_FETCHER_AGENT = USER_AGENT.partition("/")[0].encode() + b"/"
_CREDENTIAL = re.compile(r"^/credentials/[^/]+$")
_PREVIEW = re.compile(r"^/credentials/[^/]+/preview\.png$")
# h-qual: the learner's progress page evaluates the pathway; the pathway page reads its rules.
_PROGRESS = re.compile(r"^/progress/[^/]+$")
_PATHWAY = re.compile(r"^/pathways/[^/]+$")


class Admission:
    """One worker's anonymous share: ``threads`` jobs at once, ``queue`` more admitted.

    Used from the event loop only (no locking needed).
    """

    def __init__(self, *, threads: int, queue: int) -> None:
        if threads < 1 or queue < 0:
            raise ValueError("threads must be at least 1 and queue at least 0")
        self.threads = threads
        self.queue = queue
        self.gate = anyio.CapacityLimiter(threads)
        self.admitted = 0

    @classmethod
    def for_worker(cls, worker_threads: int, *, threads: int | None = None,
                   queue: int = 16) -> Admission:
        """The share of a worker running ``worker_threads`` jobs at once: ``threads`` (default
        1), never more than ``worker_threads - 1`` (and at least 1).

        One thread is the default because verification holds the GIL: a second anonymous
        thread adds no verifications per second, it only takes turns on the GIL from the
        event loop (which answers /health and turns the overflow away) and from issuing.
        """
        return cls(threads=min(threads or 1, max(1, worker_threads - 1)), queue=queue)

    @property
    def capacity(self) -> int:
        return self.threads + self.queue

    def try_enter(self) -> bool:
        """Admit one request (True), or refuse it when the share is full (False)."""
        if self.admitted >= self.capacity:
            return False
        self.admitted += 1
        return True

    def leave(self) -> None:
        self.admitted -= 1


def anonymous_limiter(app: Any) -> anyio.CapacityLimiter | None:
    """The gate of ``app``'s anonymous CPU-bound jobs (None: an app without admission)."""
    admission = getattr(getattr(app, "state", None), "admission", None)
    return admission.gate if isinstance(admission, Admission) else None


def _problem(status: int, title: str, slug: str, detail: str, instance: str,
             headers: list[tuple[bytes, bytes]]) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"type": f"urn:vcissuer:problem:{slug}", "title": title,
                       "status": status, "detail": detail, "instance": instance}).encode()
    return ({"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/problem+json"),
                         (b"content-length", str(len(body)).encode()), *headers]}, body)


class AdmissionControl:
    """ASGI middleware: admits anonymous CPU-bound requests (verification routes, badge pages
    and images) within ``app.state.admission`` (503 + Retry-After when full); other requests
    pass untouched."""

    def __init__(self, app: ASGIApp, *, paths: tuple[str, ...] = ANONYMOUS_PATHS) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        admission = getattr(getattr(scope.get("app"), "state", None), "admission", None)
        verification = bool(path) and matches(path, self.paths)
        if not isinstance(admission, Admission) or not (verification or _badge(scope, path)):
            await self.app(scope, receive, send)
            return
        if verification and _header(scope, b"user-agent").startswith(_FETCHER_AGENT):
            start, body = _problem(
                403, "Forbidden", "verification-loop",
                "verification requests from a credential verifier's fetcher are refused: "
                "fetching a verification endpoint is never a step of verifying", path, [])
        else:
            # Admitted once the body is in: a slow (or endless) upload holds no share.
            content = await read_body(receive)
            if content is None:  # the client went away
                return
            if admission.try_enter():
                try:
                    await self.app(scope, replay_body(content, receive), send)
                finally:
                    admission.leave()
                return
            start, body = _problem(
                503, "Service Unavailable", "overloaded",
                f"the service is verifying as much as it can; retry in {RETRY_AFTER} s", path,
                [(b"retry-after", str(RETRY_AFTER).encode())])
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, wanted: bytes) -> bytes:
    return next((value for name, value in scope.get("headers", ()) if name == wanted), b"")


def _badge(scope: Scope, path: str) -> bool:
    """A badge page (it verifies the credential) or a baked badge image. The page goes to
    browsers and to link-preview crawlers (``HtmlRoute`` in ``api/routes/pages.py``)."""
    if scope.get("method") != "GET":
        return False
    if _PREVIEW.match(path) or _PROGRESS.match(path):  # drawn, or evaluated, for anyone
        return True
    if _PATHWAY.match(path):
        return prefers_html(_header(scope, b"accept").decode("latin-1"))
    if not _CREDENTIAL.match(path):
        return False
    return path.endswith((".png", ".svg")) or \
        prefers_html(_header(scope, b"accept").decode("latin-1")) or \
        is_link_preview_agent(_header(scope, b"user-agent").decode("latin-1"))
