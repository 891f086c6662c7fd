"""Fetch what a credential names before it is verified: key documents, status lists, schemas.

The asynchronous half of verification. :meth:`Retriever.retrieve` walks a credential (or a
presentation and the credentials in it, their endorsements, and the credentials a CLR
record embeds), fetches every did:web DID
document, https controller document, status list, revocation list and issuer schema through the
guarded fetcher, then once more for the keys of the status lists it found. The result is a
synchronous resolver over what was fetched plus a :class:`Retrieved`, for the CPU-bound pipeline
to run off the event loop.

https://www.w3.org/TR/cid-1.0/#retrieve-verification-method (the document is fetched here, the
method selected by :func:`vcissuer.dids.select_verification_method`), did:web
https://w3c-ccg.github.io/did-method-web/#read-resolve.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio

from vcissuer.dids import (
    CompositeResolver,
    DidKeyResolver,
    FragmentKeyResolver,
    StaticResolver,
    VerificationMethod,
    VerificationMethodResolver,
    did_web_to_url,
)
from vcissuer.errors import INVALID_VERIFICATION_METHOD, ResolutionError, VcError
from vcissuer.limits import MAX_CLR_CREDENTIALS
from vcissuer.net import FetchError, FetchRefused, GuardedFetcher
from vcissuer.verify.credential_status import status_list_urls
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.endorsements import MAX_ENDORSEMENTS, embedded_endorsements
from vcissuer.verify.records import embedded_credentials
from vcissuer.verify.structure import extension_schema_urls

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_MAX_FETCHES", "Retrieval", "Retriever", "credentials_in"]

# Distinct documents fetched for one verification (a hostile credential may name hundreds).
DEFAULT_MAX_FETCHES = 24
# All the fetches of one verification (each fetch has its own, shorter, timeout too).
DEFAULT_DEADLINE = 10.0
_JSON = "application/json"
_DID_JSON = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
_LIST = ("application/vc+ld+json, application/vc+jwt;q=0.9, application/vc;q=0.9, "
         "application/json;q=0.8, text/plain;q=0.5")


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What the pipeline needs: a resolver over the fetched key documents, and the rest."""

    resolver: VerificationMethodResolver
    retrieved: Retrieved
    fetched: tuple[str, ...] = ()


class _Unreachable:
    """Answers for key documents that could not be fetched, with the reason."""

    def __init__(self, failures: Mapping[str, str]) -> None:
        self._failures = dict(failures)

    def supports(self, url: str) -> bool:
        return isinstance(url, str) and url.partition("#")[0] in self._failures

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        base = url.partition("#")[0]
        raise ResolutionError(f"the key document of {base} could not be retrieved: "
                              f"{self._failures[base]}", code=INVALID_VERIFICATION_METHOD)


def credentials_in(presentation: Mapping[str, Any]) -> list[Any]:
    """The credentials of a presentation: objects, VC-JWTs, and enveloped VC-JWTs."""
    value = presentation.get("verifiableCredential")
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [_unenvelope(item) for item in items]


def _unenvelope(item: Any) -> Any:
    """An ``EnvelopedVerifiableCredential`` (VCDM 2.0 4.13): the VC-JWT in its ``data:`` URL.

    One that cannot be opened stays as it is, and fails verification as a credential.
    """
    from vcissuer.proofs.jose import EnvelopeError, envelope_kind, open_envelope

    if envelope_kind(item) == "credential":
        try:
            return open_envelope(item, "credential")
        except EnvelopeError:
            return item
    return item


def _proof_methods(document: Mapping[str, Any]) -> list[str]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [p["verificationMethod"] for p in proofs
            if isinstance(p, Mapping) and isinstance(p.get("verificationMethod"), str)]


def _jwt_parts(token: str) -> tuple[str | None, Mapping[str, Any] | None]:
    """The key URL and the credential of a VC-JWT, unverified; (None, None) if unreadable."""
    from vcissuer.proofs.jose import decode_vc_jwt

    try:
        decoded = decode_vc_jwt(token.strip())
    except VcError:
        return None, None
    kid = decoded.header.get("kid")
    if isinstance(kid, str) and kid.startswith("#") and isinstance(decoded.payload.get("iss"), str):
        kid = decoded.payload["iss"] + kid
    return (kid if isinstance(kid, str) else None), decoded.credential


@dataclass
class _Wanted:
    methods: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)

    def add_credential(self, credential: Any, *, depth: int = 2, records: int = 1) -> None:
        credential = _unenvelope(credential)
        if isinstance(credential, str):
            kid, credential = _jwt_parts(credential)
            if kid:
                self.methods.append(kid)
            if credential is None:
                return
        elif isinstance(credential, Mapping):
            self.methods += _proof_methods(credential)
        else:
            return
        self.lists += status_list_urls(credential)
        self.schemas += extension_schema_urls(credential)
        if depth > 0:
            for _, endorsement in embedded_endorsements(credential)[:MAX_ENDORSEMENTS]:
                self.add_credential(endorsement, depth=depth - 1, records=0)
        if records > 0:  # a CLR's credentials: their keys and status lists too
            for _, embedded in embedded_credentials(credential)[:MAX_CLR_CREDENTIALS]:
                self.add_credential(embedded, depth=depth, records=records - 1)


class _Cache:
    """Fetched documents by URL for a while; failures are never kept."""

    def __init__(self, *, maxsize: int, monotonic: Callable[[], float]) -> None:
        self._entries: OrderedDict[str, tuple[float, Any, str]] = OrderedDict()
        self._maxsize = maxsize
        self._monotonic = monotonic

    def get(self, url: str) -> tuple[Any, str] | None:
        entry = self._entries.get(url)
        if entry is None:
            return None
        if entry[0] <= self._monotonic():
            self._entries.pop(url, None)
            return None
        self._entries.move_to_end(url)
        return entry[1], entry[2]

    def put(self, url: str, value: Any, digest: str, ttl: float) -> None:
        if ttl <= 0:
            return
        self._entries[url] = (self._monotonic() + ttl, value, digest)
        self._entries.move_to_end(url)
        while len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class Retriever:
    """Fetches, through ``fetcher``, what credentials name; keeps documents for a while.

    - ``ttl``: seconds a key document is kept (shorter when its Cache-Control says so);
      ``status_ttl``: the same for status and revocation lists (0 disables caching).
    - ``max_fetches``: distinct documents fetched for one verification; ``deadline``: seconds
      for all of them (each fetch also has the fetch policy's own timeout).
    - ``trust_fragment_keys``: accept ``https://issuer#z6Mk…`` keys from the URL itself (the
      1EdTech validator's behaviour) instead of fetching the issuer's document.
    """

    def __init__(
        self,
        fetcher: GuardedFetcher,
        *,
        ttl: float = 300.0,
        status_ttl: float = 60.0,
        max_fetches: int = DEFAULT_MAX_FETCHES,
        deadline: float = DEFAULT_DEADLINE,
        concurrency: int = 8,
        trust_fragment_keys: bool = False,
        cache_size: int = 1024,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.ttl = ttl
        self.status_ttl = status_ttl
        self.max_fetches = max_fetches
        self.deadline = deadline
        self.concurrency = concurrency
        self.trust_fragment_keys = trust_fragment_keys
        self._cache = _Cache(maxsize=cache_size, monotonic=monotonic)
        self._fragment = FragmentKeyResolver()

    def clear(self) -> None:
        """Forget every cached document."""
        self._cache.clear()

    async def retrieve(self, *subjects: Any) -> Retrieval:
        """Fetch what ``subjects`` (credentials, VC-JWTs, presentations) need to be verified."""
        wanted = _Wanted()
        for subject in subjects:
            if isinstance(subject, Mapping) and "VerifiablePresentation" in _types(subject):
                wanted.methods += _proof_methods(subject)
                for credential in credentials_in(subject):
                    wanted.add_credential(credential)
            else:
                wanted.add_credential(subject)
        session = _Session(self)
        with anyio.move_on_after(self.deadline) as scope:
            await self._retrieve(session, wanted)
        if scope.cancelled_caught:
            session.expire([*wanted.lists, *wanted.schemas])
        return session.result()

    async def _retrieve(self, session: _Session, wanted: _Wanted) -> None:
        await session.fetch_methods(wanted.methods)
        await session.fetch_all([(url, "list") for url in _unique(wanted.lists)]
                                + [(url, "schema") for url in _unique(wanted.schemas)])
        # The status lists are credentials too: fetch their issuers' key documents.
        list_methods: list[str] = []
        for url in _unique(wanted.lists):
            document = session.documents.get(url)
            if isinstance(document, Mapping):
                list_methods += _proof_methods(document)
            elif isinstance(document, str):
                kid, _ = _jwt_parts(document)
                list_methods += [kid] if kid else []
        await session.fetch_methods(list_methods)

    def document_url(self, method_url: str) -> tuple[str, str] | None:
        """``(document id, URL to fetch)`` for a verification method, None if offline."""
        base = method_url.partition("#")[0]
        if base.startswith("did:web:"):
            return base, self._did_web_url(base)
        if base.startswith(("https://", "http://")):
            if self.trust_fragment_keys and self._fragment.supports(method_url):
                return None
            return base, base
        return None

    def _did_web_url(self, did: str) -> str:
        url = did_web_to_url(did)
        # did:web is https; this service's own http origin (development) is the exception.
        downgraded = "http://" + url.removeprefix("https://")
        try:
            target = self.fetcher.policy.check_url(downgraded)
        except FetchRefused:
            return url
        return downgraded if self.fetcher.policy.is_trusted(target) else url


class _Session:
    """One retrieval: its budget, its documents and failures."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.documents: dict[str, Any] = {}
        self.digests: dict[str, str] = {}
        self.failures: dict[str, str] = {}
        self.key_documents: dict[str, Any] = {}
        self.key_failures: dict[str, str] = {}
        self.fetched: list[str] = []
        self._budget = retriever.max_fetches
        self._started: list[str] = []
        self._key_targets: dict[str, str] = {}
        self._semaphore = asyncio.Semaphore(retriever.concurrency)

    async def fetch_methods(self, method_urls: Iterable[str]) -> None:
        """Fetch the controller documents of verification methods (did:key needs none)."""
        targets: dict[str, str] = {}
        for method_url in _unique(method_urls):
            try:
                found = self.retriever.document_url(method_url)
            except VcError as error:
                self.key_failures[method_url.partition("#")[0]] = error.message
                continue
            if found is not None and found[0] not in self.key_documents \
                    and found[0] not in self.key_failures:
                targets[found[0]] = found[1]
        self._key_targets.update(targets)
        await self.fetch_all([(url, "key") for url in targets.values()])
        for document_id, url in targets.items():
            document = self.documents.get(url)
            if isinstance(document, Mapping):
                self.key_documents[document_id] = document
            else:
                self.key_failures[document_id] = self.failures.get(
                    url, "the document is not a JSON object")

    async def fetch_all(self, wanted: list[tuple[str, str]]) -> None:
        """Fetch every ``(url, kind)`` not known yet; cached documents cost no task."""
        misses = [(url, kind) for url, kind in wanted if not self._known(url)]
        # Past the budget, refused here: no task each for thousands of URLs on the event loop.
        for url, _ in misses[max(self._budget, 0):]:
            self.failures[url] = self._over_budget()
        misses = misses[:max(self._budget, 0)]
        if len(misses) == 1:
            await self._fetch(*misses[0])
        elif misses:
            await asyncio.gather(*(self._fetch(url, kind) for url, kind in misses))

    def _over_budget(self) -> str:
        return (f"not fetched: the credential names more than {self.retriever.max_fetches} "
                "documents")

    def _known(self, url: str) -> bool:
        if url in self.documents or url in self.failures:
            return True
        hit = self.retriever._cache.get(url)
        if hit is None:
            return False
        self.documents[url], self.digests[url] = hit
        return True

    async def _fetch(self, url: str, kind: str) -> None:
        if self._known(url):  # fetched meanwhile by another branch of this session
            return
        if self._budget <= 0:
            self.failures[url] = self._over_budget()
            return
        self._budget -= 1
        self._started.append(url)
        accept = {"key": _DID_JSON, "list": _LIST}.get(kind, _JSON)
        try:
            async with self._semaphore:
                fetched = await self.retriever.fetcher.fetch(url, accept=accept)
            value = _parse(fetched.body, kind=kind, url=url)
        except FetchError as error:
            self.failures[url] = error.message
            return
        self.fetched.append(url)
        self.documents[url], self.digests[url] = value, fetched.digest
        ttl = self.retriever.status_ttl if kind == "list" else self.retriever.ttl
        if fetched.max_age is not None:
            ttl = min(ttl, fetched.max_age)
        self.retriever._cache.put(url, value, fetched.digest, ttl)

    def expire(self, urls: Iterable[str]) -> None:
        """The deadline passed: whatever was not fetched by now, will not be."""
        for url in [*self._started, *urls]:
            if url not in self.documents and url not in self.failures:
                self.failures[url] = (f"not fetched within the {self.retriever.deadline:g} s "
                                      "allowed for one verification")

    def result(self) -> Retrieval:
        for document_id, url in self._key_targets.items():
            if document_id in self.key_documents or document_id in self.key_failures:
                continue
            document = self.documents.get(url)
            if isinstance(document, Mapping):
                self.key_documents[document_id] = document
            else:
                self.key_failures[document_id] = self.failures.get(
                    url, "not fetched: the time allowed for one verification ran out")
        resolvers: list[Any] = [DidKeyResolver(), StaticResolver(self.key_documents),
                                _Unreachable(self.key_failures)]
        if self.retriever.trust_fragment_keys:
            resolvers.append(FragmentKeyResolver())
        return Retrieval(
            resolver=CompositeResolver(resolvers),
            retrieved=Retrieved(documents=dict(self.documents), failures=dict(self.failures),
                                digests=dict(self.digests)),
            fetched=tuple(self.fetched),
        )


def _parse(body: bytes, *, kind: str, url: str) -> Any:
    """A JSON document, or for status lists also the text of a VC-JWT."""
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise FetchError(f"{url}: the response is not UTF-8 text") from None
    if kind == "list" and not text.startswith(("{", "[")) and text.count(".") == 2:
        return text
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise FetchError(f"{url}: the response is not JSON") from None


def _types(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if isinstance(i, str)))
