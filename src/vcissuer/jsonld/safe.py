"""JSON-LD "safe mode": refuse what expansion would silently drop or leave relative.

A term the context does not define is dropped by JSON-LD expansion and so never signed; an
undefined type or a relative IRI becomes a relative reference that RDF conversion drops. Signing
such a document would protect less than it shows, so it is an error that names the property.
The checks follow jsonld.js's safe mode events (invalid property, relative @id/@type reference).
A value object's ``@direction`` is signed: canonicalization converts it with rdfDirection
``i18n-datatype`` (see ``canon.RDF_DIRECTION``), so it is not refused here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from vcissuer.errors import SafeModeError

__all__ = ["RELATIVE_BASE", "check_dropped", "check_expanded", "find_paths", "is_absolute"]

# The base IRI safe mode expands against. pyld resolves relative references against a default
# base ("http://example.org/base/") when none is given, which would sign a made-up URL; under the
# reserved ".invalid" TLD (RFC 2606) any IRI on this base can only have been relative.
RELATIVE_BASE = "https://relative.invalid/"

# RFC 3987 scheme ":" — what pyld itself treats as an absolute IRI.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")


def is_absolute(iri: object) -> bool:
    """Absolute, and not made absolute by the safe-mode base (so not relative in the input)."""
    return _is_absolute(iri)


def _is_absolute(iri: object) -> bool:
    return (
        isinstance(iri, str)
        and _ABSOLUTE_IRI.match(iri) is not None
        and not iri.startswith(RELATIVE_BASE)
    )


def _original(iri: object) -> object:
    # Not a string: an id or type that expanded to nothing (a keyword-like "@foo").
    return iri.removeprefix(RELATIVE_BASE) if isinstance(iri, str) else iri


def find_paths(document: Any, *, key: str | None = None, value: str | None = None,
               _path: str = "") -> Iterator[str]:
    """JSON paths (dotted) in ``document`` where ``key`` occurs, or where a string ``value`` is."""
    if isinstance(document, dict):
        for k, v in document.items():
            here = f"{_path}.{k}" if _path else k
            if key is not None and k == key:
                yield here
            if value is not None and v == value:
                yield here
            yield from find_paths(v, key=key, value=value, _path=here)
    elif isinstance(document, list):
        for i, v in enumerate(document):
            here = f"{_path}[{i}]"
            if value is not None and v == value:
                yield here
            yield from find_paths(v, key=key, value=value, _path=here)


def _first(paths: Iterator[str], default: str) -> str:
    return next(paths, default)


def check_dropped(dropped: list[str | None], document: Any) -> None:
    """Raise for the first property expansion dropped (pyld's on_property_dropped reports)."""
    if not dropped:
        return
    term = dropped[0]
    if term is None:
        raise SafeModeError(
            "a property mapped to null by the @context would be dropped and left unsigned",
            path="",
        )
    path = _first(find_paths(document, key=term), term)
    raise SafeModeError(
        f"property {term!r} (at {path}) is not defined by the document's @context: "
        "it would be dropped and left unsigned",
        path=path,
    )


def check_expanded(expanded: Any, document: Any, *,
                   skip: Callable[[Any], bool] | None = None) -> None:
    """Raise for a relative @id or a relative (undefined) @type.
    ``skip``: ids and types not to check here (a shape template's value slots)."""
    for kind, item in _walk(expanded):
        if skip is not None and skip(item):
            continue
        if kind == "@id" and item is None:
            path = _first(find_paths(document, key="id"), "@id")
            raise SafeModeError(
                f"an identifier (at {path}) expands to nothing: ids must be absolute URLs, "
                "URNs or DIDs, not keyword-like values such as '@x'",
                path=path,
            )
        if kind == "@id" and not _is_absolute(item):
            item = _original(item)
            path = _first(find_paths(document, value=item), "@id")
            raise SafeModeError(
                f"identifier {item!r} (at {path}) is a relative IRI reference; "
                "ids must be absolute URLs, URNs or DIDs",
                path=path,
            )
        if kind == "@type" and not _is_absolute(item):
            item = _original(item)
            path = _first(find_paths(document, value=item), "type")
            raise SafeModeError(
                f"type {item!r} (at {path}) is not defined by the document's @context",
                path=path,
            )


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        if datatype is not None and datatype != "@json":
            yield "@type", datatype
        return
    for key, value in node.items():
        if key == "@id":
            yield "@id", value
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                yield "@type", t
        elif key not in ("@context",):
            yield from _walk(value)
