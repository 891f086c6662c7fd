"""The service's verifier: the real pipeline, with this service's own documents read locally.

A badge page verifies the credential on every view, and anyone may ask the API to verify a
credential or a URL. What our own credentials name (the issuer's DID document and Profile,
the status list, the revocation list, the credential itself, its achievement) lives in our
database, so :class:`LocalFetcher` answers those URLs from it, exactly as the public routes
would serve them, instead of calling this service over HTTP. Any other URL of our own origin
(``/verify?url=...`` above all: a verification that fetches our own verification endpoint
recursed dozens of times per request) is refused without a request, for the URL and for every
redirect. Everything else goes out through the guarded fetcher. Local answers are never
cached: a revocation shows at once.
"""

from __future__ import annotations

import json
import re
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread

from vcissuer.issuance import achievements, credentials, issuers, status
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import NotFound
from vcissuer.net import (
    Fetched,
    FetchPolicy,
    FetchRefused,
    GuardedFetcher,
    HttpStatusError,
    Resolve,
    Target,
    guarded_client,
    system_resolve,
)
from vcissuer.verify import Retriever, Verifier
from vcissuer.web.pages import _download

__all__ = ["LocalFetcher", "page_verifier"]

_SEGMENT = r"([A-Za-z0-9._~-]{1,200})"
_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("did", re.compile(rf"^/issuers/{_SEGMENT}/did\.json$")),
    ("profile", re.compile(rf"^/issuers/{_SEGMENT}$")),
    ("revocation-list", re.compile(rf"^/status/{_SEGMENT}/revocation-list$")),
    ("status", re.compile(rf"^/status/{_SEGMENT}/{_SEGMENT}$")),
    ("download", re.compile(r"^/credentials/([A-Za-z0-9_~-]{1,200})\.(png|svg|json|jwt)$")),
    ("credential", re.compile(rf"^/credentials/{_SEGMENT}$")),
    ("achievement", re.compile(rf"^/achievements/{_SEGMENT}$")),
)
Gate = AbstractAsyncContextManager[Any]
# Every URL is parsed as an http(s) URL, whatever the fetch policy allows.
_PARSE = FetchPolicy(allow_http=True)


def _json(document: Any, media: str) -> tuple[bytes, str]:
    return json.dumps(document, ensure_ascii=False).encode(), media


def _read(services: Services, kind: str, groups: tuple[str, ...]) -> tuple[bytes, str]:
    """The body and media type the public route serves for this URL (NotFound if none)."""
    if kind == "did":
        return _json(issuers.did_document(services, groups[0]), "application/did+json")
    if kind == "profile":
        with services.db.session_scope(read_only=True) as session:
            issuer = issuers.load_issuer(services, session, groups[0])
            return _json(issuers.profile_document(issuer), "application/ld+json")
    if kind == "revocation-list":
        return _json(status.revocation_list(services, groups[0]), "application/json")
    if kind == "status":
        return status.published_list(services, *groups).text.encode(), "application/vc+ld+json"
    if kind == "download":
        download = _download(services, *groups)
        return download.body, download.media_type
    if kind == "achievement":
        return _json(achievements.public_achievement(services, groups[0]),
                     "application/ld+json")
    record = credentials.public_credential(services, groups[0])
    media = "text/plain" if str(record.format) == "jwt" else "application/vc+ld+json"
    return record.signed.encode(), media


class LocalFetcher(GuardedFetcher):
    """A :class:`GuardedFetcher` that reads this service's own public documents locally and
    never sends a request to its own origin.

    ``gate``: entered around each local read (the verifier's, see :func:`page_verifier`).
    """

    def __init__(self, services: Services, *, policy: FetchPolicy | None = None,
                 resolve: Resolve = system_resolve, gate: Gate | None = None) -> None:
        policy = policy or FetchPolicy.for_service(services.base_url)
        super().__init__(guarded_client(timeout=policy.timeout), policy=policy,
                         resolve=resolve)
        self.services = services
        self.gate = gate
        base = services.base_url.rstrip("/")
        parts = urlsplit(base)
        self._base_path = parts.path.rstrip("/")
        # A did:web always names https; in development the origin is http.
        self._origins = frozenset(
            _PARSE.check_url(f"{scheme}://{parts.netloc}/").origin
            for scheme in {parts.scheme.lower(), "https"})

    def own_path(self, url: str) -> str | None:
        """The path of ``url`` below the service's base URL when it is ours (else None);
        with its query, if any."""
        try:
            target = _PARSE.check_url(url)
        except FetchRefused:
            return None
        return self._own_path(target)

    def _own_path(self, target: Target) -> str | None:
        origin = target.origin
        if target.host.endswith("."):  # "host." is "host" in DNS: the same origin
            origin = origin.replace(f"//{target.host}:", f"//{target.host.rstrip('.')}:", 1)
        if origin not in self._origins:
            return None
        parts = urlsplit(target.url)
        path = parts.path or "/"
        if self._base_path:
            if path != self._base_path and not path.startswith(self._base_path + "/"):
                return None
            path = path[len(self._base_path):] or "/"
        asked = "?" in target.url.partition("#")[0]
        return path + ("?" + parts.query if asked else "")

    def local_route(self, url: str) -> tuple[str, tuple[str, ...]] | None:
        """``(kind, path parameters)`` when ``url`` is one of our documents read locally."""
        path = self.own_path(url)
        return None if path is None else _route(path)

    async def answer_locally(self, target: Target) -> Fetched | None:
        path = self._own_path(target)
        if path is None:
            return None
        route = _route(path)
        if route is None:
            raise FetchRefused(
                f"{target.url[:200]} is this service's own URL but not one of its public "
                "documents (DID documents, Profiles, status lists, credentials, "
                "achievements): the service does not send requests to itself")
        try:
            async with self.gate or nullcontext():
                body, media = await anyio.to_thread.run_sync(_read, self.services, *route)
        except NotFound as error:
            raise HttpStatusError(f"{target.url[:200]} answered HTTP 404 ({error.message})",
                                  status=404) from None
        return Fetched(url=target.url, final_url=target.url, content_type=media, body=body,
                       max_age=0)


def _route(path: str) -> tuple[str, tuple[str, ...]] | None:
    if "?" in path:
        return None
    for kind, pattern in _ROUTES:
        match = pattern.match(path)
        if match:
            return kind, match.groups()
    return None


def page_verifier(services: Services, *, policy: FetchPolicy | None = None,
                  resolve: Resolve | None = None, gate: Gate | None = None) -> Verifier:
    """The service's verifier (pages and verification API); its clock is the service's
    (tests move it). ``resolve``: the host name resolver of outbound fetches (tests inject
    one). ``gate``: entered around its CPU-bound jobs and local reads (a capacity limiter:
    the share of the worker's threads they may take; see :mod:`vcissuer.api.admission`)."""

    def now() -> datetime:
        return services.clock()

    fetcher = LocalFetcher(services, policy=policy, resolve=resolve or system_resolve,
                           gate=gate)
    retriever = Retriever(fetcher, ttl=300.0, status_ttl=60.0)
    return Verifier(retriever, clock=now, owns_client=True, gate=gate)
