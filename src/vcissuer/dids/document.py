"""Select a verification method from its controller document, as CID 1.0 section 3.3 says.

https://www.w3.org/TR/cid-1.0/#retrieve-verification-method
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from vcissuer.dids.base import VerificationMethod
from vcissuer.dids.methods import verifier_from_method
from vcissuer.errors import (
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT,
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD_URL,
    ResolutionError,
)

__all__ = ["VERIFICATION_RELATIONSHIPS", "select_verification_method", "split_method_url"]

VERIFICATION_RELATIONSHIPS = ("authentication", "assertionMethod", "keyAgreement",
                              "capabilityInvocation", "capabilityDelegation")

# Members of a controller document that hold something other than a relationship's methods.
_NOT_RELATIONSHIPS = frozenset({"@context", "id", "controller", "verificationMethod", "service",
                                "alsoKnownAs"})


def split_method_url(url: str) -> tuple[str, str]:
    """``(document URL, fragment)`` of an absolute verification method URL."""
    if not isinstance(url, str) or not urlsplit(url).scheme:
        raise ResolutionError(f"{url!r} is not an absolute URL",
                              code=INVALID_VERIFICATION_METHOD_URL)
    base, hash_sign, fragment = url.partition("#")
    if not hash_sign or not fragment:
        raise ResolutionError(f"{url!r} has no fragment naming a verification method",
                              code=INVALID_VERIFICATION_METHOD_URL)
    return base, fragment


def _absolute(reference: Any, *, base: str) -> Any:
    """Resolve a document-relative ``#fragment`` against the document id."""
    if isinstance(reference, str) and reference.startswith("#"):
        return base + reference
    return reference


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _methods(document: Mapping[str, Any], *, base: str) -> Iterator[Mapping[str, Any]]:
    """Every verification method map: under ``verificationMethod`` or embedded in a relationship."""
    for key in ("verificationMethod", *VERIFICATION_RELATIONSHIPS):
        for entry in _as_list(document.get(key)):
            if isinstance(entry, Mapping):
                yield entry
            elif key == "verificationMethod":
                raise ResolutionError(
                    f"document {base!r}: verificationMethod entries must be objects",
                    code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)


def select_verification_method(
    document: Mapping[str, Any], url: str, *, purpose: str
) -> VerificationMethod:
    """CID 1.0 "Retrieve Verification Method" over an already dereferenced ``document``.

    https://www.w3.org/TR/cid-1.0/#retrieve-verification-method
    """
    if not isinstance(purpose, str) or not purpose or purpose in _NOT_RELATIONSHIPS:
        raise ValueError(f"{purpose!r} is not a verification relationship")
    base, _ = split_method_url(url)
    if not isinstance(document, Mapping) or not isinstance(document.get("id"), str):
        raise ResolutionError(f"the document for {base!r} is not an object with a string id",
                              code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)
    if document["id"] != base:
        raise ResolutionError(
            f"the document fetched for {base!r} has id {document['id']!r}",
            code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID)

    found = [m for m in _methods(document, base=base) if _absolute(m.get("id"), base=base) == url]
    if not found:
        raise ResolutionError(f"document {base!r} has no verification method {url!r}",
                              code=INVALID_VERIFICATION_METHOD)
    method = found[0]
    if any(dict(other) != dict(method) for other in found[1:]):
        raise ResolutionError(
            f"document {base!r} defines verification method {url!r} more than once, differently",
            code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT)

    controller = _absolute(method.get("controller"), base=base)
    if controller != base:
        raise ResolutionError(
            f"verification method {url!r} is controlled by {controller!r}, not {base!r}",
            code=INVALID_VERIFICATION_METHOD)

    listed = any(
        _absolute(entry if isinstance(entry, str) else
                  entry.get("id") if isinstance(entry, Mapping) else None, base=base) == url
        for entry in _as_list(document.get(purpose))
    )
    if not listed:
        raise ResolutionError(
            f"verification method {url!r} is not listed under {purpose!r} in {base!r}",
            code=INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD)

    kind = method.get("type")
    return VerificationMethod(
        id=url,
        type=kind if isinstance(kind, str) else "",
        controller=base,
        verifier=verifier_from_method(method, id=url),
        document=document,
    )
