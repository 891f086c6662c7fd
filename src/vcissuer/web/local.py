"""The pages' verifier: the real pipeline, with this service's own documents read locally.

A badge page verifies the credential on every view. What our own credentials name (the
issuer's DID document, the status list, the revocation list, the credential itself) lives in
our database, so :class:`LocalFetcher` answers those URLs from it, exactly as the public routes
would serve them, instead of calling this service over HTTP. Every other URL goes out through
the guarded fetcher. Local answers are never cached: a revocation shows at once.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import anyio.to_thread

from vcissuer.issuance import credentials, issuers, status
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import NotFound
from vcissuer.net import (
    Fetched,
    FetchPolicy,
    GuardedFetcher,
    HttpStatusError,
    Resolve,
    guarded_client,
    system_resolve,
)
from vcissuer.verify import Retriever, Verifier

__all__ = ["LocalFetcher", "page_verifier"]

_SEGMENT = r"([A-Za-z0-9._~-]{1,200})"
_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("did", re.compile(rf"^/issuers/{_SEGMENT}/did\.json$")),
    ("revocation-list", re.compile(rf"^/status/{_SEGMENT}/revocation-list$")),
    ("status", re.compile(rf"^/status/{_SEGMENT}/{_SEGMENT}$")),
    ("credential", re.compile(rf"^/credentials/{_SEGMENT}$")),
)


def _read(services: Services, kind: str, groups: tuple[str, ...]) -> tuple[bytes, str]:
    """The body and media type the public route serves for this URL (NotFound if none)."""
    if kind == "did":
        document = issuers.did_document(services, groups[0])
        return json.dumps(document, ensure_ascii=False).encode(), "application/did+json"
    if kind == "revocation-list":
        document = status.revocation_list(services, groups[0])
        return json.dumps(document, ensure_ascii=False).encode(), "application/json"
    if kind == "status":
        return status.published_list(services, *groups).text.encode(), "application/vc+ld+json"
    record = credentials.public_credential(services, groups[0])
    media = "text/plain" if str(record.format) == "jwt" else "application/vc+ld+json"
    return record.signed.encode(), media


class LocalFetcher(GuardedFetcher):
    """A :class:`GuardedFetcher` that reads this service's own public documents locally."""

    def __init__(self, services: Services, *, policy: FetchPolicy | None = None,
                 resolve: Resolve = system_resolve) -> None:
        policy = policy or FetchPolicy.for_service(services.base_url)
        super().__init__(guarded_client(timeout=policy.timeout), policy=policy,
                         resolve=resolve)
        self.services = services
        base = services.base_url.rstrip("/")
        # A did:web always names https; in development the origin is http.
        self._prefixes = tuple(dict.fromkeys(
            [base + "/", "https://" + base.removeprefix("http://") + "/"]))

    def local_route(self, url: str) -> tuple[str, tuple[str, ...]] | None:
        """``(kind, path parameters)`` when ``url`` is one of our documents read locally."""
        prefix = next((p for p in self._prefixes if url.startswith(p)), None)
        if prefix is None:
            return None
        path = "/" + url[len(prefix):].partition("#")[0]
        if "?" in path:
            return None
        for kind, pattern in _ROUTES:
            match = pattern.match(path)
            if match:
                return kind, match.groups()
        return None

    async def fetch(self, url: str, *, accept: str = "application/json",
                    max_bytes: int | None = None) -> Fetched:
        route = self.local_route(url)
        if route is None:
            return await super().fetch(url, accept=accept, max_bytes=max_bytes)
        try:
            body, media = await anyio.to_thread.run_sync(_read, self.services, *route)
        except NotFound as error:
            raise HttpStatusError(f"{url} answered HTTP 404 ({error.message})",
                                  status=404) from None
        return Fetched(url=url, final_url=url, content_type=media, body=body, max_age=0)


def page_verifier(services: Services, *, policy: FetchPolicy | None = None,
                  resolve: Resolve | None = None) -> Verifier:
    """A verifier for the pages; its clock is the service's (tests move it). ``resolve``:
    the host name resolver of outbound fetches (tests inject one)."""

    def now() -> datetime:
        return services.clock()

    fetcher = LocalFetcher(services, policy=policy, resolve=resolve or system_resolve)
    retriever = Retriever(fetcher, ttl=300.0, status_ttl=60.0)
    return Verifier(retriever, clock=now, owns_client=True)
