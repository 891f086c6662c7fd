"""Expansion by shape: documents that differ only in their string values expand alike.

An issuer's credentials share everything but the learner's data: the same keys, types,
contexts and nesting, with other ids, names, dates and results. Expanding such a document is
then expanding its *shape* (the document with its string values taken out) and putting the
values back in. This module does that, and proves each time that it is exact:

1. :func:`split` takes out every string value except those that steer expansion: the
   ``@context``, ``type``/``@type`` values, and other keyword values (``@language``,
   ``@index``, ...). The rest become numbered tokens, in sorted-key order.
2. The shape is expanded once by pyld, with tokens in place of values, while
   :class:`Recorder` notes every IRI expansion of a token (its active context, base and vocab
   flag). In JSON-LD 1.1 a string value reaches the expanded output in one of two ways only:
   unchanged as an ``@value`` (the literal path of value expansion does not look at the
   string), or through IRI expansion as an ``@id``.
3. :func:`compile_template` accepts the result only if every token occurs exactly once, either
   unchanged under ``@value`` and never IRI-expanded, or as the recorded IRI expansion under
   ``@id``. A token anywhere else (in ``@type``, ``@language``, a key, inside a JSON literal)
   means the value steered expansion: the shape is marked unusable and documents of that shape
   are expanded normally.
4. :meth:`Template.fill` rebuilds the output with the real values: literals as they are, IRIs
   by replaying the recorded IRI expansion on the real value. A replay that gives no IRI
   (a keyword-like value, say) abandons the fill and the document is expanded normally.

One step further, :class:`DatasetTemplate` keeps the shape's RDF triples with their value
slots, so a fill yields the dataset for canonicalization directly (no expanded document, no
RDF walk, no safe-mode walk over the parts that never change). That is only taken when every
IRI a fill puts in is absolute and names no blank node: then the triples, their subjects and
their blank nodes are those of the template whatever the values; anything else is left to the
expanded path.

``tests/jsonld/test_shapes.py`` compares the result with plain expansion over generated
documents and the vector corpus.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vcissuer.jsonld.rdfc import Quad, literal_text, term_text

__all__ = [
    "MARK",
    "MAX_SHAPE",
    "DatasetTemplate",
    "Recorder",
    "Template",
    "compile_template",
    "dataset_template",
    "split",
    "tokenize",
]

# Private-use characters: a token is MARK + its number + END; no document we take has either.
MARK = "\ue000"
END = "\ue001"
_PLACEHOLDER = MARK
# The largest shape (as JSON text) given a template. An issued micro-credential's is ~3 KB;
# with at most _SHAPES templates kept, this bounds their memory (documents to verify come
# from anyone).
MAX_SHAPE = 16 * 1024
_STEERING = frozenset({"type", "@type"})
_OPEN_KEYWORDS = frozenset({"@id", "@value"})  # keyword values that may vary by document

IriExpander = Callable[[Any, str, Any, bool], Any]


class _UnshapeableError(Exception):
    """A document or template this module does not take."""


def split(document: Any) -> tuple[str, Any, list[str]] | None:
    """(shape key, shape, values) of ``document``, or None if it cannot be split.

    The shape is the document with each variable string replaced by :data:`MARK`, keys in
    sorted order; ``values`` are those strings in the same order; the key is the shape as JSON.
    """
    values: list[str] = []

    def walk(node: Any, key: str) -> Any:
        if isinstance(node, str):
            if MARK in node or END in node:
                raise _UnshapeableError
            if key in _STEERING or (key[:1] == "@" and key not in _OPEN_KEYWORDS):
                return node
            values.append(node)
            return _PLACEHOLDER
        if isinstance(node, dict):
            out = {}
            for name in sorted(node):
                if MARK in name or END in name:
                    raise _UnshapeableError
                out[name] = _verbatim(node[name]) if name == "@context" else walk(node[name],
                                                                                    name)
            return out
        if isinstance(node, list):
            return [walk(item, key) for item in node]
        return node

    try:
        shape = walk(document, "")
    except _UnshapeableError:
        return None
    text = json.dumps(shape, ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_SHAPE:
        return None  # templates are remembered: their size is bounded
    return text, shape, values


def _verbatim(context: Any) -> Any:
    text = json.dumps(context, ensure_ascii=False)
    if MARK in text or END in text:
        raise _UnshapeableError
    return context


def tokenize(shape: Any) -> tuple[Any, int]:
    """The shape with its placeholders numbered in order: the document to expand once."""
    count = 0

    def walk(node: Any) -> Any:
        nonlocal count
        if node == _PLACEHOLDER:
            token = f"{MARK}{count}{END}"
            count += 1
            return token
        if isinstance(node, dict):
            return {name: value if name == "@context" else walk(value)
                    for name, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(shape), count


def _token_number(value: str) -> int | None:
    if len(value) > 2 and value[0] == MARK and value[-1] == END and value[1:-1].isdigit():
        return int(value[1:-1])
    return None


@dataclass
class Recorder:
    """The IRI expansions of tokens seen while expanding a tokenized shape."""

    calls: dict[int, tuple[Any, Any, bool, Any]] = field(default_factory=dict)
    conflict: bool = False

    def record(self, active_ctx: Any, value: str, base: Any, vocab: bool, result: Any) -> None:
        number = _token_number(value)
        if number is None:  # part of a token, or a token inside other text: not ours
            self.conflict = True
            return
        call = (active_ctx, base, vocab, result)
        seen = self.calls.get(number)
        if seen is not None and (seen[0] is not active_ctx or seen[1:] != call[1:]):
            self.conflict = True
        self.calls[number] = call


@dataclass(frozen=True)
class Template:
    """An expanded shape and where each value goes back in."""

    expanded: Any
    # Output string -> (value number, recorded IRI call or None for a literal).
    slots: Mapping[str, tuple[int, tuple[Any, Any, bool] | None]]

    def fill(self, values: list[str], expand_iri: IriExpander) -> Any:
        """The expansion of the document whose values are ``values`` (all new objects);
        None to give up."""
        slots = self.slots

        def walk(node: Any) -> Any:
            if isinstance(node, dict):
                return {name: walk(value) for name, value in node.items()}
            if isinstance(node, list):
                return [walk(item) for item in node]
            if isinstance(node, str) and MARK in node:
                number, call = slots[node]
                value = values[number]
                if call is None:
                    return value
                iri = expand_iri(call[0], value, call[1], call[2])
                if not isinstance(iri, str):
                    raise _UnshapeableError
                return iri
            return node

        try:
            return walk(self.expanded)
        except _UnshapeableError:
            return None


def compile_template(expanded: Any, count: int, recorder: Recorder) -> Template | None:
    """The template of a tokenized shape's expansion, or None unless every value provably
    goes back in as an unchanged ``@value`` or a replayed ``@id`` (see the module notes)."""
    if recorder.conflict:
        return None
    expected: dict[str, tuple[int, tuple[Any, Any, bool] | None]] = {}
    for number in range(count):
        call = recorder.calls.get(number)
        if call is None:
            expected[f"{MARK}{number}{END}"] = (number, None)
            continue
        result = call[3]
        if not isinstance(result, str) or MARK not in result or result in expected:
            return None
        expected[result] = (number, call[:3])
    seen: set[int] = set()

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if MARK in name:
                    raise _UnshapeableError
                walk(value, name)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and MARK in node:
            slot = expected.get(node)
            if slot is None or slot[0] in seen:
                raise _UnshapeableError
            if key != ("@value" if slot[1] is None else "@id"):
                raise _UnshapeableError
            seen.add(slot[0])

    try:
        walk(expanded, "")
    except _UnshapeableError:
        return None
    if len(seen) != count:
        return None
    return Template(expanded=expanded, slots=expected)


Slot = tuple[int, tuple[Any, Any, bool] | None]
# (kind, value, slot or None) for one term of a triple; kind is "IRI" or "blank node".
_Term = tuple[str, str, Slot | None]


@dataclass(frozen=True)
class DatasetTemplate:
    """A shape's RDF dataset with value slots: one row per triple, (graph, graph slot,
    subject, predicate, object term, object slot, datatype, language)."""

    rows: tuple[tuple[Any, ...], ...]
    iri_slots: tuple[tuple[int, tuple[Any, Any, bool]], ...]
    _texts: tuple[tuple[Any, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Per row, the N-Quads text of its fixed terms (None where a slot goes), for quads().
        texts = []
        for graph, graph_slot, subject, predicate, obj, datatype, language in self.rows:
            graph_text = None if graph == "@default" else term_text(
                "blank node" if graph.startswith("_:") else "IRI", graph)
            object_text = None if obj[2] is not None else (
                term_text(obj[0], obj[1]) if obj[0] in ("IRI", "blank node")
                else literal_text(obj[1], datatype, language))
            blanks = tuple(position for position, blank in (
                (0, subject[0] == "blank node"), (2, obj[0] == "blank node"),
                (3, graph_slot is None and graph.startswith("_:"))) if blank)
            texts.append((graph_text,
                          None if subject[2] is not None else term_text(subject[0], subject[1]),
                          term_text("IRI", predicate), object_text, blanks))
        object.__setattr__(self, "_texts", tuple(texts))

    def _resolved(self, values: list[str], expand_iri: IriExpander,
                  accept: Callable[[str], bool]) -> dict[int, str] | None:
        """The IRI of each IRI slot; None unless ``accept`` takes every one (and none is a
        blank node)."""
        resolved: dict[int, str] = {}
        for number, (ctx, base, vocab) in self.iri_slots:
            iri = expand_iri(ctx, values[number], base, vocab)
            if not isinstance(iri, str) or iri.startswith("_:") or not accept(iri):
                return None
            resolved[number] = iri
        return resolved

    def fill(self, values: list[str], expand_iri: IriExpander,
             accept: Callable[[str], bool]) -> dict[str, list[dict[str, Any]]] | None:
        """The dataset of the document with ``values``; None unless every IRI put in is one
        ``accept`` takes (absolute, and for safe mode not relative) and no blank node."""
        resolved = self._resolved(values, expand_iri, accept)
        if resolved is None:
            return None

        def put(slot: Slot | None, fixed: str) -> str:
            if slot is None:
                return fixed
            return resolved[slot[0]] if slot[1] is not None else values[slot[0]]

        graphs: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        for graph, graph_slot, subject, predicate, obj, datatype, language in self.rows:
            name = put(graph_slot, graph)
            subject_value = put(subject[2], subject[1])
            object_value = put(obj[2], obj[1])
            key = (subject_value, predicate, obj[0], object_value, datatype, language)
            triples = graphs.setdefault(name, {})
            if key in triples:
                continue  # two slots given equal values: RDF keeps one triple
            term: dict[str, Any] = {"type": obj[0], "value": object_value}
            if datatype is not None:
                term["datatype"] = datatype
            if language is not None:
                term["language"] = language
            triples[key] = {"subject": {"type": subject[0], "value": subject_value},
                            "predicate": {"type": "IRI", "value": predicate}, "object": term}
        graphs.setdefault("@default", {})
        return {name: list(triples.values()) for name, triples in graphs.items()}

    def quads(self, values: list[str], expand_iri: IriExpander,
              accept: Callable[[str], bool]) -> list[Quad] | None:
        """:meth:`fill`'s dataset as RDFC-1.0 input (:data:`vcissuer.jsonld.rdfc.Quad`): the
        same triples, with the fixed terms' text written once per template, not per document."""
        resolved = self._resolved(values, expand_iri, accept)
        if resolved is None:
            return None
        seen: set[tuple[Any, ...]] = set()
        out: list[Quad] = []
        for row, texts in zip(self.rows, self._texts, strict=True):
            graph, graph_slot, subject, predicate, obj, datatype, language = row
            graph_text, subject_text, predicate_text, object_text, blanks = texts
            if graph_slot is not None:
                graph = resolved[graph_slot[0]]
                graph_text = f"<{graph}>"
            subject_value = subject[1]
            if subject[2] is not None:
                number, call = subject[2]
                subject_value = resolved[number] if call is not None else values[number]
                subject_text = term_text(subject[0], subject_value)
            object_value = obj[1]
            if obj[2] is not None:
                number, call = obj[2]
                object_value = resolved[number] if call is not None else values[number]
                object_text = term_text(obj[0], object_value) if call is not None \
                    else literal_text(object_value, datatype, language)
            key = (graph, subject_value, predicate, obj[0], object_value, datatype, language)
            if key in seen:
                continue  # two slots given equal values: RDF keeps one triple
            seen.add(key)
            out.append(([subject_text, predicate_text, object_text, graph_text], blanks))
        return out


def dataset_template(template: Template, dataset: Mapping[str, list[dict[str, Any]]]
                     ) -> DatasetTemplate | None:
    """``dataset`` (the RDF of ``template.expanded``) with its value slots marked; None when a
    slot sits where a value cannot be put back (a predicate, a datatype, a language)."""
    slots = template.slots

    def slot_of(value: str) -> Slot | None:
        if MARK not in value:
            return None
        slot = slots.get(value)
        if slot is None:
            raise _UnshapeableError
        return slot

    rows = []
    try:
        for graph, triples in dataset.items():
            graph_slot = slot_of(graph)
            if graph_slot is not None and graph_slot[1] is None:
                return None
            for triple in triples:
                subject, predicate, obj = triple["subject"], triple["predicate"], triple["object"]
                datatype, language = obj.get("datatype"), obj.get("language")
                if any(MARK in part for part in (predicate["value"], datatype or "",
                                                 language or "")):
                    return None
                subject_slot = slot_of(subject["value"])
                object_slot = slot_of(obj["value"])
                for term, slot in ((subject, subject_slot), (obj, object_slot)):
                    # An IRI slot must be an IRI term, a literal slot a literal.
                    if slot is not None and (term["type"] == "literal") != (slot[1] is None):
                        return None
                rows.append((graph, graph_slot,
                             (subject["type"], subject["value"], subject_slot),
                             predicate["value"], (obj["type"], obj["value"], object_slot),
                             datatype, language))
    except _UnshapeableError:
        return None
    iri_slots = tuple((number, call) for number, call in sorted(slots.values())
                      if call is not None)
    return DatasetTemplate(rows=tuple(rows), iri_slots=iri_slots)
