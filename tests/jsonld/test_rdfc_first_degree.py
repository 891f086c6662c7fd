"""The first-degree RDFC-1.0 path gives pyld's canonical N-Quads, byte for byte.

RDFC-1.0 section 4.4: when every blank node has its own Hash First Degree Quads (4.6), step 5
issues all canonical identifiers and step 6 does not run. ``first_degree_nquads`` takes that
path only; it must answer None (so pyld's whole algorithm runs) whenever two blank nodes share
a first-degree hash. Random datasets (blank nodes as subjects, objects and graph names, a
blank node twice in one quad, literals needing escapes, language tags, datatypes) are compared
with pyld's URDNA2015 on a copy of the same dataset.
"""

from __future__ import annotations

import copy

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015

from vcissuer.jsonld import Canonicalizer, plain_canonicalize
from vcissuer.jsonld.canon import _canonical_nquads
from vcissuer.jsonld.rdfc import first_degree_nquads

_XSD = "http://www.w3.org/2001/XMLSchema#"
_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_iri = st.sampled_from([f"https://example.org/{name}" for name in "abcdef"]).map(
    lambda value: {"type": "IRI", "value": value})
_blank = st.sampled_from([f"_:b{n}" for n in range(6)]).map(
    lambda value: {"type": "blank node", "value": value})
_text = st.text(alphabet=st.sampled_from('ab "\\\t\n\r\u00e9\U0001f600'), max_size=8)
_literal = st.one_of(
    _text.map(lambda v: {"type": "literal", "value": v, "datatype": _XSD + "string"}),
    _text.map(lambda v: {"type": "literal", "value": v, "datatype": _XSD + "dateTime"}),
    st.tuples(_text, st.sampled_from(["en", "en-GB", "fr"])).map(
        lambda p: {"type": "literal", "value": p[0], "datatype": _LANG, "language": p[1]}),
)
_triple = st.builds(lambda s, p, o: {"subject": s, "predicate": p, "object": o},
                    st.one_of(_iri, _blank), _iri, st.one_of(_iri, _blank, _literal))
_dataset = st.dictionaries(
    st.sampled_from(["@default", "https://example.org/g", "_:b1", "_:b5"]),
    st.lists(_triple, min_size=1, max_size=8), min_size=1, max_size=3)


def _pyld(dataset: dict) -> str:
    return URDNA2015().main(copy.deepcopy(dataset), {"format": "application/n-quads"})


@settings(max_examples=1500, deadline=None)
@given(dataset=_dataset)
def test_first_degree_path_is_pyld_or_declines(dataset: dict) -> None:
    before = copy.deepcopy(dataset)
    fast = first_degree_nquads(dataset)
    assert dataset == before  # the input is left as it was
    if fast is not None:
        assert fast == _pyld(dataset)
    assert _canonical_nquads(copy.deepcopy(dataset)) == _pyld(dataset)


def _credential_like(values: list[str]) -> dict:
    """A subject with results and an achievement: blank nodes told apart by their values."""
    subject = {"type": "blank node", "value": "_:b0"}
    triples = [{"subject": subject, "predicate": {"type": "IRI", "value": "https://e.org/name"},
                "object": {"type": "literal", "value": "Ada", "datatype": _XSD + "string"}}]
    for n, value in enumerate(values, start=1):
        node = {"type": "blank node", "value": f"_:b{n}"}
        triples += [
            {"subject": subject, "predicate": {"type": "IRI", "value": "https://e.org/result"},
             "object": node},
            {"subject": node, "predicate": {"type": "IRI", "value": "https://e.org/value"},
             "object": {"type": "literal", "value": value, "datatype": _XSD + "string"}},
        ]
    return {"@default": triples}


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_text, min_size=1, max_size=6))
def test_credential_like_datasets(values: list[str]) -> None:
    dataset = _credential_like(values)
    fast = first_degree_nquads(dataset)
    if len(set(values)) == len(values):
        assert fast == _pyld(dataset)  # distinct results: the fast path is taken
    else:
        assert fast is None  # two results alike: Hash N-Degree Quads decides their order
    assert _canonical_nquads(dataset) == _pyld(dataset)


def test_a_label_already_in_the_canonical_namespace_is_left_to_pyld() -> None:
    """pyld keeps a ``_:c14n`` label as it is in step 7; the fast path does not guess."""
    dataset = {"@default": [{"subject": {"type": "blank node", "value": "_:c14n7"},
                             "predicate": {"type": "IRI", "value": "https://e.org/p"},
                             "object": {"type": "IRI", "value": "https://e.org/o"}}]}
    assert first_degree_nquads(dataset) is None
    assert _canonical_nquads(dataset) == _pyld(dataset)


def _two_results(first: str, second: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000001-1111-2222-3333-444444444444",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:uni.example", "type": ["Profile"], "name": "Uni"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://uni.example/achievements/1", "type": ["Achievement"],
                            "name": "Data Analysis", "criteria": {"narrative": "Pass."}},
            "result": [{"type": ["Result"], "value": first},
                       {"type": ["Result"], "value": second}],
        },
    }


@settings(max_examples=60, deadline=None)
@given(first=_text, second=_text)
@example(first="same", second="same")
@example(first='a "quoted"\nline', second="\u00e9")
def test_a_shape_template_canonicalizes_as_plain_pyld(first: str, second: str) -> None:
    """The shape path hands RDFC-1.0 its template's quads with the fixed terms written once;
    two results alike (one first-degree hash) take pyld's whole algorithm instead."""
    canonicalizer = Canonicalizer()
    canonicalizer.canonicalize(_two_results("a", "b"))  # the shape is now known
    document = _two_results(first, second)
    assert canonicalizer.canonicalize(document) == plain_canonicalize(document)
    assert [t for t in canonicalizer._memo.datasets.values() if t is not None]
