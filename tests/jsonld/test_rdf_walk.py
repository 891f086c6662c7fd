"""The one-walk RDF conversion (vcissuer.jsonld.rdf) gives plain pyld's canonical output on
generated documents that use every JSON-LD feature near it: nested and repeated nodes, @id
references (absolute, relative, blank), @type, lists, language tags, numbers and booleans,
duplicates, named graphs, index containers and JSON literals (the last two take pyld's path)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcissuer.jsonld import Canonicalizer, plain_canonicalize
from vcissuer.jsonld.rdf import to_dataset

CONTEXT = {
    "@vocab": "https://example.org/vocab#",
    "ex": "https://example.org/vocab#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id", "type": "@type",
    "ref": {"@id": "ex:ref", "@type": "@id"},
    "items": {"@id": "ex:items", "@container": "@list"},
    "label": {"@id": "ex:label", "@language": "en"},
    "when": {"@id": "ex:when", "@type": "xsd:dateTime"},
    "graph": {"@id": "ex:graph", "@container": "@graph"},
    "indexed": {"@id": "ex:indexed", "@container": "@index"},
    "data": {"@id": "ex:data", "@type": "@json"},
}
ids = st.sampled_from(["https://example.org/a", "https://example.org/b", "_:x", "_:y",
                       "relative/c", "urn:uuid:1"])
types = st.sampled_from(["Thing", "ex:Other", "https://example.org/T", "_:t"])
literals = st.one_of(st.text(max_size=5), st.integers(-5, 10**22), st.booleans(),
                     st.floats(allow_nan=False, allow_infinity=False, width=32))
keys = st.sampled_from(["name", "value", "ex:p", "https://example.org/q", "label", "when"])


def nodes(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    inner = nodes(depth - 1) if depth > 0 else st.just({"name": "leaf"})
    values = st.one_of(literals, inner, st.lists(st.one_of(literals, inner), max_size=3))
    return st.fixed_dictionaries(
        {},
        optional={
            "id": ids, "type": st.one_of(types, st.lists(types, max_size=2)),
            "ref": st.one_of(ids, st.lists(ids, max_size=2)),
            "items": st.lists(st.one_of(literals, inner), max_size=3),
            "graph": inner, "indexed": st.dictionaries(st.sampled_from(["i", "j"]), inner,
                                                       max_size=2),
            "data": st.dictionaries(st.sampled_from(["k"]), literals, max_size=1),
        },
    ).flatmap(lambda fixed: st.dictionaries(keys, values, max_size=3).map(
        lambda extra: {**extra, **fixed}))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=nodes(2))
def test_walk_equals_plain_pyld(body: dict[str, Any]) -> None:
    document = {"@context": CONTEXT, **body}
    try:
        expected = plain_canonicalize(document)
    except Exception:  # noqa: BLE001 - pyld cannot process it: nothing to compare
        return
    assert Canonicalizer(safe=False).canonicalize(document) == expected


def test_the_walk_handles_credentials_and_declines_what_it_leaves_to_pyld() -> None:
    canonicalizer = Canonicalizer(safe=False)
    plain = {"@context": CONTEXT, "id": "https://example.org/a", "name": "x",
             "items": [1, "two", {"name": "three"}], "graph": {"name": "g"}}
    assert to_dataset(canonicalizer.expand(plain)) is not None
    for feature in ({"data": {"k": 1}}, {"indexed": {"i": {"name": "n"}}}):
        assert to_dataset(canonicalizer.expand({**plain, **feature})) is None
