"""Expanded JSON-LD to an RDF dataset in one walk, for RDFC-1.0.

pyld turns an expanded document into RDF in two passes: a node map (flattening every node,
merging nodes by ``@id``, deduplicating values) and then triples from it. Canonicalization
does not care about blank node labels or triple order, only about the set of quads, so a single
walk that emits each triple where it is found, and deduplicates the set, gives the same
dataset at a third of the cost. The walk covers what credentials use (node objects, ``@type``,
``@id`` references, nested and named graphs, ``@list``, string, boolean and number literals,
typed and language-tagged); anything else (``@reverse``, ``@included``, ``@json``,
``@direction``, relative IRIs inside lists, ...) returns None and the caller takes pyld's path.
tests/jsonld/test_differential.py checks the output against plain pyld over every vector.

https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm
"""

from __future__ import annotations

import functools
from typing import Any

from pyld import jsonld
from pyld.identifier_issuer import IdentifierIssuer

__all__ = ["is_absolute_iri", "to_dataset"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# No @index: pyld keeps values that differ only in their index as separate (equal) triples.
_NODE_KEYWORDS = frozenset({"@id", "@type", "@graph"})
_VALUE_KEYS = frozenset({"@value", "@type", "@language"})
# pyld's test (a regular expression per call), remembered: a credential asks it for the same
# few dozen IRIs every time.
_is_absolute_iri = functools.lru_cache(maxsize=16_384)(jsonld._is_absolute_iri)


def is_absolute_iri(value: str) -> bool:
    """pyld's test for an absolute IRI (what RDF conversion keeps)."""
    return bool(_is_absolute_iri(value))


class _Unsupported(Exception):  # noqa: N818 - internal signal: take pyld's path
    pass


def to_dataset(expanded: list[Any]) -> dict[str, list[dict[str, Any]]] | None:
    """The RDF dataset of an expanded document, as pyld's ``_graph_to_rdf`` gives it per graph
    (``{"@default": [triple, ...], graph name: [...]}``), or None when the document uses a
    feature this walk leaves to pyld."""
    walk = _Walk()
    try:
        for item in expanded:
            walk.node(item, "@default")
    except _Unsupported:
        return None
    return {name: list(triples.values()) for name, triples in walk.graphs.items()
            if name == "@default" or _is_absolute_iri(name)}


def _resource(value: str) -> dict[str, str]:
    return {"type": "blank node" if value.startswith("_:") else "IRI", "value": value}


class _Walk:
    def __init__(self) -> None:
        self.issuer = IdentifierIssuer("_:b")
        self.graphs: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {"@default": {}}

    def add(self, graph: str, subject: dict[str, str], predicate: str,
            obj: dict[str, Any]) -> None:
        key = (subject["value"], predicate, obj["type"], obj["value"], obj.get("datatype"),
               obj.get("language"))
        triples = self.graphs.setdefault(graph, {})
        if key not in triples:
            triples[key] = {"subject": subject, "predicate": {"type": "IRI", "value": predicate},
                            "object": obj}

    def node(self, item: Any, graph: str) -> dict[str, str]:
        """Emit a node object's triples into ``graph``; its subject (IRI or blank node)."""
        if not isinstance(item, dict) or "@value" in item or "@list" in item:
            raise _Unsupported
        id_ = item.get("@id")
        if id_ is None:
            id_ = self.issuer.get_id()
        elif not isinstance(id_, str):
            raise _Unsupported
        elif id_.startswith("_:"):
            id_ = self.issuer.get_id(id_)
        subject = _resource(id_)
        subject_ok = _is_absolute_iri(id_)
        self.graphs.setdefault(graph, {})
        for key, values in item.items():
            if key.startswith("@"):
                if key not in _NODE_KEYWORDS:
                    raise _Unsupported
                if key == "@type":
                    self._types(graph, subject, subject_ok, values)
                continue
            emit = subject_ok and _is_absolute_iri(key) and not key.startswith("_:")
            if not isinstance(values, list):
                raise _Unsupported
            for value in values:
                obj = self.object(value, graph, emit=emit)
                if emit and obj is not None:
                    self.add(graph, subject, key, obj)
        if "@graph" in item:
            self.graphs.setdefault(id_, {})
            members = item["@graph"]
            for member in members if isinstance(members, list) else [members]:
                self.node(member, id_)
        return subject

    def _types(self, graph: str, subject: dict[str, str], subject_ok: bool, types: Any) -> None:
        for type_ in types if isinstance(types, list) else [types]:
            if not isinstance(type_, str):
                raise _Unsupported
            if type_.startswith("_:"):
                type_ = self.issuer.get_id(type_)
            if subject_ok and _is_absolute_iri(type_):
                self.add(graph, subject, RDF_TYPE, _resource(type_))

    def object(self, value: Any, graph: str, *, emit: bool) -> dict[str, Any] | None:
        """The RDF object for a property value (None: a relative IRI, skipped)."""
        if not isinstance(value, dict):
            raise _Unsupported
        if "@value" in value:
            return _literal(value)
        if "@list" in value:
            if not emit:
                raise _Unsupported  # pyld flattens such lists' nodes without the list triples
            return self._list(value["@list"], graph)
        subject = self.node(value, graph)
        if subject["type"] == "IRI" and not _is_absolute_iri(subject["value"]):
            return None
        return dict(subject)

    def _list(self, items: Any, graph: str) -> dict[str, Any]:
        if not isinstance(items, list):
            raise _Unsupported
        if not items:
            return {"type": "IRI", "value": RDF_NIL}
        head = {"type": "blank node", "value": self.issuer.get_id()}
        subject = head
        for index, item in enumerate(items):
            obj = self.object(item, graph, emit=True)
            if obj is None:
                raise _Unsupported
            self.add(graph, subject, RDF_FIRST, obj)
            if index == len(items) - 1:
                rest = {"type": "IRI", "value": RDF_NIL}
            else:
                rest = {"type": "blank node", "value": self.issuer.get_id()}
            self.add(graph, subject, RDF_REST, rest)
            subject = rest
        return dict(head)


def _literal(item: dict[str, Any]) -> dict[str, Any]:
    """pyld's ``_object_to_rdf`` for value objects, for the cases this walk handles."""
    if not _VALUE_KEYS.issuperset(item):
        raise _Unsupported  # @direction and anything unexpected
    value = item["@value"]
    datatype = item.get("@type")
    if datatype == "@json" or (isinstance(datatype, str) and datatype.startswith("_:")):
        raise _Unsupported
    if jsonld._is_bool(value):
        return {"type": "literal", "value": "true" if value else "false",
                "datatype": datatype or XSD_BOOLEAN}
    if jsonld._is_double(value):
        return {"type": "literal", "value": jsonld._canonicalize_double(value),
                "datatype": datatype or XSD_DOUBLE}
    if datatype == XSD_DOUBLE:
        raise _Unsupported  # a non-float value typed as double: pyld's own rules apply
    if jsonld._is_integer(value):
        if abs(value) >= 1e21:
            raise _Unsupported
        return {"type": "literal", "value": str(int(value)), "datatype": datatype or XSD_INTEGER}
    if not isinstance(value, str):
        raise _Unsupported
    if "@language" in item:
        return {"type": "literal", "value": value, "datatype": datatype or RDF_LANGSTRING,
                "language": item["@language"]}
    return {"type": "literal", "value": value, "datatype": datatype or XSD_STRING}
