"""The asynchronous verifier: fetch first (on the event loop), then verify (off it).

``Verifier`` is what the API and the CLI hold, one per process. Each call retrieves what the
credential names through the guarded fetcher, then runs the CPU-bound pipeline (JSON-LD
canonicalization, signatures) in a worker thread with a static resolver over what was fetched,
so the event loop never waits on canonicalization and the pipeline never waits on the network.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio.to_thread
import httpx

from vcissuer.baking import BakingError, image_format, unbake
from vcissuer.baking.payload import parse_credential_text
from vcissuer.clock import Clock, system_clock
from vcissuer.errors import PARSING_ERROR, VcError
from vcissuer.jsonld import Canonicalizer, DocumentCanonicalizer
from vcissuer.limits import DEFAULT_LIMITS, Limits
from vcissuer.net import (
    FetchError,
    FetchPolicy,
    FetchRefused,
    GuardedFetcher,
    Resolve,
    guarded_client,
)
from vcissuer.net.fetch import system_resolve
from vcissuer.proofs.result import Problem
from vcissuer.verify.bounds import counted_limits, presentation_limits, readable_credential
from vcissuer.verify.credential_status import StatusListCache
from vcissuer.verify.pipeline import verify_credential
from vcissuer.verify.presentation import verify_presentation
from vcissuer.verify.report import Check, PresentationReport, VerificationReport
from vcissuer.verify.retrieval import Retriever, credentials_in
from vcissuer.verify.validity import DEFAULT_SKEW

__all__ = [
    "MAX_CREDENTIAL_BYTES",
    "FetchedCredential",
    "NotACredential",
    "Verifier",
    "parse_credential_bytes",
]

_CREDENTIAL_ACCEPT = ("application/vc+ld+json, application/vc, application/ld+json;q=0.9, "
                      "application/json;q=0.9, application/vc+jwt;q=0.8, text/plain;q=0.5, "
                      "image/png;q=0.4, image/svg+xml;q=0.4")


# A baked badge image is larger than the documents verification fetches.
MAX_CREDENTIAL_BYTES = 8 * 1024 * 1024


class NotACredential(VcError):  # noqa: N818 - named for what the input is not
    """Input that is not a credential: neither JSON, a VC-JWT nor a baked image."""

    code = PARSING_ERROR


def parse_credential_bytes(data: bytes) -> dict[str, Any] | str:
    """A credential from a file or response body: JSON, a VC-JWT, or a baked PNG/SVG."""
    try:
        kind = image_format(data)
    except BakingError:
        kind = None
    if kind is not None and not data.lstrip().startswith(b"{"):
        try:
            return unbake(data)
        except BakingError as error:
            raise NotACredential(f"a {kind.upper()} image without a baked credential: "
                                 f"{error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotACredential("the input is not UTF-8 text, a PNG or an SVG") from None
    try:
        return parse_credential_text(text)
    except BakingError as error:
        raise NotACredential(str(error).replace("baked ", "")) from None


@dataclass(frozen=True, slots=True)
class FetchedCredential:
    """A credential fetched by URL, and where it came from."""

    url: str
    credential: dict[str, Any] | str
    content_type: str


class Verifier:
    """Verifies credentials and presentations, fetching keys and status lists as needed.

    Build one with :meth:`create` (it owns its HTTP client; close it with :meth:`aclose`) or
    around a :class:`Retriever` whose fetcher's client the caller owns.
    """

    def __init__(
        self,
        retriever: Retriever,
        *,
        clock: Clock = system_clock,
        skew: timedelta = DEFAULT_SKEW,
        canonicalizer: DocumentCanonicalizer | None = None,
        trust_embedded_keys: bool = False,
        status_cache: StatusListCache | None = None,
        owns_client: bool = False,
        gate: AbstractAsyncContextManager[Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.retriever = retriever
        self.clock = clock
        self.skew = skew
        # Proof configurations differ per credential: remembering them buys nothing here.
        self.canonicalizer = canonicalizer or Canonicalizer()
        self.trust_embedded_keys = trust_embedded_keys
        self.status_cache = status_cache if status_cache is not None else StatusListCache()
        self._owns_client = owns_client
        # Entered around each CPU-bound job (a capacity limiter: the share of the process's
        # threads this verifier's work may take); the job then runs on anyio's thread pool.
        self.gate = gate
        self.limits = limits

    @classmethod
    def create(
        cls,
        policy: FetchPolicy | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        resolve: Resolve = system_resolve,
        ttl: float = 300.0,
        status_ttl: float = 60.0,
        trust_embedded_keys: bool = False,
        **options: Any,
    ) -> Verifier:
        policy = policy or FetchPolicy()
        owns = client is None
        fetcher = GuardedFetcher(client or guarded_client(timeout=policy.timeout),
                                 policy=policy, resolve=resolve)
        retriever = Retriever(fetcher, ttl=ttl, status_ttl=status_ttl,
                              trust_fragment_keys=trust_embedded_keys)
        return cls(retriever, trust_embedded_keys=trust_embedded_keys, owns_client=owns,
                   **options)

    @property
    def fetcher(self) -> GuardedFetcher:
        return self.retriever.fetcher

    async def aclose(self) -> None:
        if self._owns_client:
            await self.fetcher.client.aclose()

    def _common(self) -> dict[str, Any]:
        return {"clock": self.clock, "skew": self.skew, "canonicalizer": self.canonicalizer,
                "trust_header_keys": self.trust_embedded_keys,
                "status_cache": self.status_cache, "limits": self.limits}

    async def verify_credential(self, credential: Mapping[str, Any] | str) -> VerificationReport:
        """Retrieve, then verify: the report for one credential (JSON-LD or VC-JWT).

        Past a counted limit (proofs, status entries), refused before anything is fetched."""
        refused = counted_limits(readable_credential(credential), self.limits)
        if refused is not None:
            return VerificationReport(checks=(refused,))
        retrieval = await self.retriever.retrieve(credential)
        run = functools.partial(verify_credential, credential, resolver=retrieval.resolver,
                                retrieved=retrieval.retrieved, **self._common())
        async with self.gate or nullcontext():
            return await anyio.to_thread.run_sync(run)

    async def verify_presentation(
        self, presentation: Mapping[str, Any] | str, *, challenge: str | None = None,
        domain: str | None = None,
    ) -> PresentationReport:
        """Retrieve, then verify a presentation (JSON-LD, or a ``vp+jwt`` compact string) and
        every credential inside."""
        if isinstance(presentation, str):
            return await self._verify_presentation_jwt(presentation, challenge=challenge,
                                                       domain=domain)
        if isinstance(presentation, Mapping):
            refused = self._presentation_limits(presentation)
            if refused is not None:
                return PresentationReport(checks=(refused,))
        retrieval = await self.retriever.retrieve(presentation)
        run = functools.partial(verify_presentation, presentation, resolver=retrieval.resolver,
                                retrieved=retrieval.retrieved, challenge=challenge,
                                domain=domain, **self._common())
        async with self.gate or nullcontext():
            return await anyio.to_thread.run_sync(run)

    def _presentation_limits(self, presentation: Mapping[str, Any]) -> Check | None:
        """The presentation's counted limits, then each credential's (JSON-LD, VC-JWT or
        enveloped): cheap, and before anything is fetched."""
        credentials = credentials_in(presentation)
        refused = presentation_limits(presentation, credentials, self.limits, depth=False)
        for index, credential in enumerate(credentials):
            if refused is not None:
                break
            refused = counted_limits(readable_credential(credential), self.limits,
                                     what=f"credential verifiableCredential[{index}]")
        return refused

    async def _verify_presentation_jwt(self, token: str, *, challenge: str | None,
                                       domain: str | None) -> PresentationReport:
        from vcissuer.verify.presentation_jwt import decode_vp_jwt, verify_presentation_jwt

        try:
            header, _, presentation = decode_vp_jwt(token)
        except VcError:
            header, presentation = {}, {}
        refused = self._presentation_limits(presentation)
        if refused is not None:
            return PresentationReport(checks=(refused,))
        kid = header.get("kid")
        holder = presentation.get("holder")
        holder = holder.get("id") if isinstance(holder, Mapping) else holder
        if isinstance(kid, str) and kid.startswith("#") and isinstance(holder, str):
            kid = holder + kid
        # The retriever fetches the key documents that proofs name: name the token's key so.
        retrieval = await self.retriever.retrieve(
            {**presentation, "proof": {"verificationMethod": kid}} if isinstance(kid, str)
            else presentation)
        run = functools.partial(verify_presentation_jwt, token, resolver=retrieval.resolver,
                                retrieved=retrieval.retrieved, challenge=challenge,
                                domain=domain, **self._common())
        async with self.gate or nullcontext():
            return await anyio.to_thread.run_sync(run)

    async def fetch_credential(self, url: str) -> FetchedCredential:
        """The credential at ``url`` (guarded fetch); FetchError or NotACredential."""
        fetched = await self.fetcher.fetch(url, accept=_CREDENTIAL_ACCEPT,
                                           max_bytes=max(self.fetcher.policy.max_bytes,
                                                         MAX_CREDENTIAL_BYTES))
        return FetchedCredential(url=url, credential=parse_credential_bytes(fetched.body),
                                 content_type=fetched.content_type)

    async def verify_url(self, url: str) -> tuple[str, VerificationReport]:
        """Fetch the credential at ``url``, then verify it: ``(url, report)``.

        A URL the fetch policy refuses raises :class:`FetchRefused` (nothing was fetched);
        any other failure to get a credential is reported as a failed "retrieval" check.
        """
        try:
            fetched = await self.fetch_credential(url)
        except FetchRefused:
            raise
        except (FetchError, NotACredential) as error:
            kind = "error" if isinstance(error, FetchError) else "invalid"
            check = Check.from_problems("retrieval", [Problem(error.code, error.message,
                                                              kind=kind)], detail=url)
            return url, VerificationReport(checks=(check,))
        return fetched.url, await self.verify_credential(fetched.credential)
