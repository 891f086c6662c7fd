"""RDFC-1.0 for the common dataset: every blank node told apart by its first-degree hash.

https://www.w3.org/TR/rdf-canon/ section 4.4. When each blank node's Hash First Degree Quads
(4.6) is unique, step 5 issues every canonical identifier (in the order of the hashes) and
step 6 (Hash N-Degree Quads) never runs; that is the case for credentials, whose blank nodes
(subjects, results, criteria, alignments) differ in their values. pyld's ``URDNA2015.main``
serializes each quad once per blank node in it while hashing and once more at the end, each
time escaping its literal again. Here each quad's IRIs and literal are serialized once, with
the blank node positions left open; the first-degree hashes fill them with ``_:a``/``_:z``
(4.6 step 3.1), the output with the canonical identifiers (step 7).

:func:`first_degree_nquads` returns None when two blank nodes share a first-degree hash; the
caller then runs the whole algorithm (pyld's). The text of every quad is pyld's
``serialize_nquad``, byte for byte (``tests/jsonld``: differential tests against plain pyld).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from pyld.nquads import escape

__all__ = ["Quad", "canonical_nquads", "first_degree_nquads", "literal_text", "term_text"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_BLANK = "blank node"


def term_text(kind: str, value: str) -> str:
    """An IRI or blank node term as N-Quads (pyld: ``<iri>``, or the label)."""
    return f"<{value}>" if kind == "IRI" else value


def literal_text(value: str, datatype: str | None, language: str | None) -> str:
    """A literal as N-Quads, as pyld's ``serialize_nquad`` writes it."""
    text = f'"{escape(value)}"'
    if datatype == _RDF_LANGSTRING:
        return f"{text}@{language}" if language else text
    return text if datatype == _XSD_STRING else f"{text}^^<{datatype}>"


def _term(component: Mapping[str, Any]) -> str:
    return term_text(component["type"], component["value"])


def _object(component: Mapping[str, Any]) -> str:
    if component["type"] in ("IRI", _BLANK):
        return term_text(component["type"], component["value"])
    return literal_text(component["value"], component["datatype"], component.get("language"))


# One quad: [subject, predicate, object, graph or None] as N-Quads text, a blank node term as
# its label; and the positions (0, 2, 3) that hold blank nodes.
Quad = tuple[list[str | None], tuple[int, ...]]


def first_degree_nquads(dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> str | None:
    """The canonical N-Quads of ``dataset`` (pyld's dataset form: graph name -> triples), or
    None when it needs Hash N-Degree Quads. ``dataset`` is not changed."""
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            graph: str | None = None
            graph_blank = False
        else:
            graph_blank = graph_name.startswith("_:")
            graph = graph_name if graph_blank else f"<{graph_name}>"
        for triple in triples:
            subject, obj = triple["subject"], triple["object"]
            parts: list[str | None] = [_term(subject), _term(triple["predicate"]),
                                       _object(obj), graph]
            blanks = tuple(position for position, blank in (
                (0, subject["type"] == _BLANK), (2, obj["type"] == _BLANK), (3, graph_blank))
                if blank)
            quads.append((parts, blanks))
    return canonical_nquads(quads)


def canonical_nquads(quads: Sequence[Quad]) -> str | None:
    """The canonical N-Quads of ``quads`` (see :data:`Quad`), or None when two blank nodes
    share a first-degree hash or a label is already ``_:c14n...``."""
    mentions: dict[str, list[int]] = {}
    for index, (parts, blanks) in enumerate(quads):
        for position in blanks:
            label = parts[position]
            assert label is not None
            if label.startswith("_:c14n"):
                return None  # pyld keeps such a label as it is (step 7): leave it to pyld
            # Once per occurrence, as pyld does: a quad naming a blank node twice is hashed
            # twice for it.
            mentions.setdefault(label, []).append(index)
    by_hash: dict[str, str] = {}
    for label, indices in mentions.items():
        lines = []
        for index in indices:
            parts, blanks = quads[index]
            line = list(parts)
            for position in blanks:
                line[position] = "_:a" if parts[position] == label else "_:z"
            lines.append(_line(line))
        lines.sort()
        digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
        if digest in by_hash:
            return None  # two blank nodes alike at first degree: section 4.4 step 6
        by_hash[digest] = label
    canonical = {label: f"_:c14n{n}" for n, (_, label) in enumerate(sorted(by_hash.items()))}
    out = []
    for parts, blanks in quads:
        if blanks:
            line = list(parts)
            for position in blanks:
                line[position] = canonical[parts[position]]  # type: ignore[index]
            out.append(_line(line))
        else:
            out.append(_line(parts))
    out.sort()
    return "".join(out)


def _line(parts: Sequence[str | None]) -> str:
    subject, predicate, obj, graph = parts
    if graph is None:
        return f"{subject} {predicate} {obj} .\n"
    return f"{subject} {predicate} {obj} {graph} .\n"
