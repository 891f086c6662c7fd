"""Verification method resolvers: did:key (offline), documents already at hand, and the
opt-in 1EdTech "key in the URL fragment" quirk; a composite picks one per URL.

Every resolver is synchronous and does no I/O: the network layer fetches documents (did:web,
https) first and hands them to a :class:`StaticResolver`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from vcissuer.dids.base import ASSERTION_METHOD, VerificationMethod, VerificationMethodResolver
from vcissuer.dids.document import select_verification_method, split_method_url
from vcissuer.dids.key import DID_KEY_PREFIX, resolve_did_key
from vcissuer.dids.methods import verifier_from_multikey
from vcissuer.errors import (
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    KeyFormatError,
    ResolutionError,
)
from vcissuer.keys.multikey import decode_public_multikey

__all__ = [
    "CompositeResolver",
    "DidKeyResolver",
    "FragmentKeyResolver",
    "SelectiveResolver",
    "StaticResolver",
]


@runtime_checkable
class SelectiveResolver(Protocol):
    """A resolver that can say, without resolving, whether a URL is its business."""

    def supports(self, url: str) -> bool: ...

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod: ...


class DidKeyResolver:
    """did:key URLs (``did:key:z6Mk…#z6Mk…``), resolved offline.

    A bare ``did:key:z6Mk…`` (no fragment, as in a 1EdTech validator sample) names the DID's
    only key, so it is read as ``did:key:z6Mk…#z6Mk…``.
    """

    def supports(self, url: str) -> bool:
        return isinstance(url, str) and url.startswith(DID_KEY_PREFIX)

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        """https://w3c-ccg.github.io/did-key-spec/#read"""
        if isinstance(url, str) and url.startswith(DID_KEY_PREFIX) and "#" not in url:
            url = f"{url}#{url[len(DID_KEY_PREFIX):]}"
        did, _ = split_method_url(url)
        return select_verification_method(resolve_did_key(did), url, purpose=purpose)

    def __repr__(self) -> str:
        return "DidKeyResolver()"


class StaticResolver:
    """Controller documents at hand, keyed by the URL or DID they were fetched for.

    The key is what the document must claim as its ``id`` (CID 1.0 section 3.3 checks it), so a
    document fetched for one DID cannot speak for another.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self._documents = dict(documents)

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any]]) -> StaticResolver:
        """Key each document by its own ``id``."""
        by_id: dict[str, Mapping[str, Any]] = {}
        for document in documents:
            document_id = document.get("id") if isinstance(document, Mapping) else None
            if not isinstance(document_id, str):
                raise ValueError("every document needs a string id")
            by_id[document_id] = document
        return cls(by_id)

    def supports(self, url: str) -> bool:
        return isinstance(url, str) and url.partition("#")[0] in self._documents

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        base, _ = split_method_url(url)
        document = self._documents.get(base)
        if document is None:
            raise ResolutionError(f"no document for {base!r} was fetched",
                                  code=INVALID_VERIFICATION_METHOD)
        return select_verification_method(document, url, purpose=purpose)

    def __repr__(self) -> str:
        return f"StaticResolver({sorted(self._documents)!r})"


class FragmentKeyResolver:
    """Opt-in 1EdTech quirk: ``https://issuer.example/x#z6Mk…`` with no document to fetch.

    The fragment is taken as the public key and the part before ``#`` as its controller, as
    the 1EdTech validator does. Nothing binds such a key to its controller, so use this only
    where that trust is acceptable, and only for ``purposes`` (assertionMethod by default).
    """

    def __init__(self, *, purposes: Collection[str] = (ASSERTION_METHOD,)) -> None:
        self._purposes = frozenset(purposes)

    # Issuers identified by http(s) URLs, or by urn:uuid as 1EdTech's CLR samples are.
    SCHEMES = ("http", "https", "urn")

    def supports(self, url: str) -> bool:
        if not isinstance(url, str) or urlsplit(url).scheme not in self.SCHEMES:
            return False
        fragment = url.partition("#")[2]
        try:
            decode_public_multikey(fragment)
        except KeyFormatError:
            return False
        return True

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        base, fragment = split_method_url(url)
        if urlsplit(url).scheme not in self.SCHEMES:
            raise ResolutionError(f"{url!r} is not an http(s) or urn URL",
                                  code=INVALID_VERIFICATION_METHOD)
        if purpose not in self._purposes:
            raise ResolutionError(
                f"a key taken from a URL fragment is accepted only for "
                f"{', '.join(sorted(self._purposes))}, not {purpose!r}",
                code=INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD)
        try:
            verifier = verifier_from_multikey(fragment, id=url)
        except KeyFormatError as error:
            raise ResolutionError(f"the fragment of {url!r} is not a public key: "
                                  f"{error.message}", code=INVALID_VERIFICATION_METHOD) from None
        return VerificationMethod(id=url, type="Multikey", controller=base, verifier=verifier)

    def __repr__(self) -> str:
        return f"FragmentKeyResolver(purposes={sorted(self._purposes)!r})"


class CompositeResolver:
    """Hands each URL to the first resolver that supports it (did:key, documents, quirks ...).

    A resolver without a ``supports`` method is taken to support every URL, so put it last.
    """

    def __init__(self, resolvers: Iterable[VerificationMethodResolver]) -> None:
        self._resolvers = tuple(resolvers)

    def supports(self, url: str) -> bool:
        return self._pick(url) is not None

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        resolver = self._pick(url)
        if resolver is None:
            raise ResolutionError(f"cannot resolve {url!r}: {_what(url)} is not supported here",
                                  code=INVALID_VERIFICATION_METHOD)
        return resolver.resolve(url, purpose=purpose)

    def _pick(self, url: str) -> VerificationMethodResolver | None:
        for resolver in self._resolvers:
            supports = getattr(resolver, "supports", None)
            if supports is None or supports(url):
                return resolver
        return None

    def __repr__(self) -> str:
        return f"CompositeResolver({list(self._resolvers)!r})"


def _what(url: str) -> str:
    if isinstance(url, str) and url.startswith("did:"):
        return f"DID method {url.split(':')[1]!r}" if url.count(":") >= 2 else "this DID"
    if isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
        return "an https URL whose document was not fetched"
    return "this URL"
