"""Expansion by shape (vcissuer.jsonld.shapes) is exact: a document expanded from the template
of a shape seen before canonicalizes exactly as plain pyld does, for any values, and safe
mode accepts and rejects exactly what it would without templates."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from tests.jsonld.test_differential import DOCUMENTS
from tests.jsonld.test_rdf_walk import CONTEXT, nodes
from vcissuer.errors import VcError
from vcissuer.jsonld import Canonicalizer, canon, plain_canonicalize
from vcissuer.jsonld.shapes import MARK, MAX_SHAPE, split

# Values that take every path IRI expansion has: absolute, compact (defined prefix or not),
# relative, blank, empty, keyword-like, a term's own name, and plain text.
TRICKY = ["https://example.org/z", "ex:zz", "ex:", "xsd:string", "urn:x:1", "_:q", "_:", "",
          "@foo", "@id", "relative/d", "../up", "#frag", "name", "Thing", "id", "a b",
          "2025-01-01T00:00:00Z", "ünïcode", "did:key:z6Mk"]
values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=4))


def revalue(node: Any, change: Any, key: str = "") -> Any:
    """``node`` with each string replaced by ``change(string, key)`` (``key``: the property
    it is the value of), never inside its @context."""
    if isinstance(node, dict):
        return {name: value if name == "@context" else revalue(value, change, name)
                for name, value in node.items()}
    if isinstance(node, list):
        return [revalue(item, change, key) for item in node]
    return change(node, key) if isinstance(node, str) else node


def vary(node: Any, draw: Any) -> Any:
    """``node`` with string values replaced (types too, now and then)."""
    return revalue(node, lambda value, key: draw(values) if draw(st.integers(0, 9)) < (
        2 if key == "type" else 8) else value)


def _keep_types(change: Any) -> Any:
    return lambda value, key: value if key in ("type", "@type") else change(value)


def outcome(canonicalizer: Canonicalizer, document: Any) -> str:
    try:
        return canonicalizer.canonicalize(document)
    except VcError as error:
        return f"rejected: {error.code}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=nodes(2), data=st.data())
def test_a_shape_seen_before_expands_as_without_shapes(body: dict[str, Any], data: Any) -> None:
    # The path without shapes is compared with plain pyld in test_differential.py and
    # test_rdf_walk.py (where pyld itself fails, on a keyword-like @id say, it is the reference).
    first = {"@context": CONTEXT, **body}
    second = vary(first, data.draw)
    fast = Canonicalizer(safe=False)
    outcome(fast, first)  # remembers the shape
    assert outcome(fast, second) == outcome(Canonicalizer(safe=False, remember_shapes=False),
                                            second)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=nodes(2), data=st.data())
def test_safe_mode_decides_alike_with_and_without_shapes(body: dict[str, Any],
                                                         data: Any) -> None:
    first = {"@context": CONTEXT, **body}
    second = vary(first, data.draw)
    warm = Canonicalizer()
    outcome(warm, first)
    assert outcome(warm, second) == outcome(Canonicalizer(remember_shapes=False), second)


def _suffixed(node: Any) -> Any:
    return revalue(node, _keep_types(lambda value: value + "x"))


def test_every_shipped_document_with_other_values_expands_like_plain_pyld() -> None:
    fast = Canonicalizer(safe=False)
    safe = Canonicalizer()
    compared = 0
    for name, document in DOCUMENTS:
        outcome(fast, document)
        outcome(safe, document)
        variant = _suffixed(document)
        try:
            expected = plain_canonicalize(variant)
        except Exception:  # noqa: BLE001 - not processable by pyld: not compared
            continue
        assert fast.canonicalize(variant) == expected, name
        assert outcome(safe, variant) == outcome(Canonicalizer(remember_shapes=False),
                                                 variant), name
        compared += 1
    assert compared > 100
    templates = [t for t in fast._memo.shapes.values() if t is not None]
    assert len(templates) > 50  # most shipped documents have a usable shape


def credential(learner: int) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"urn:uuid:0000000{learner}-1111-2222-3333-444444444444",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Badge for learner {learner}",
        "issuer": {"id": "did:web:uni.example", "type": ["Profile"], "name": "Uni"},
        "validFrom": f"2025-0{learner}-01T00:00:00Z",
        "credentialSubject": {
            "id": f"did:example:learner{learner}",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://uni.example/achievements/1", "type": ["Achievement"],
                            "name": "Data Analysis", "criteria": {"narrative": "Pass."}},
            "result": [{"type": ["Result"], "resultDescription": "urn:uuid:r1",
                        "value": str(60 + learner)}],
        },
    }


def test_the_second_credential_of_a_shape_is_not_expanded_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast = Canonicalizer()
    fast.canonicalize(credential(1))
    expected = {learner: plain_canonicalize(credential(learner)) for learner in (2, 3)}
    calls = []
    original = jsonld.JsonLdProcessor._expand_object

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jsonld.JsonLdProcessor, "_expand_object", counting)
    walked = canon.to_dataset
    monkeypatch.setattr(canon, "to_dataset",  # nor walked into RDF again
                        lambda *args: calls.append(2) or walked(*args))
    for learner in (2, 3):
        assert fast.canonicalize(credential(learner)) == expected[learner]
    assert calls == []
    assert [t for t in fast._memo.shapes.values() if t is not None]
    assert [t for t in fast._memo.datasets.values() if t is not None]


def test_values_that_become_equal_give_one_triple() -> None:
    safe = Canonicalizer()
    first = {"@context": CONTEXT, "id": "https://example.org/a", "name": ["x", "y"],
             "ref": ["https://example.org/b", "https://example.org/c"]}
    safe.canonicalize(first)
    variant = {**first, "name": ["z", "z"], "ref": ["https://example.org/d"] * 2}
    assert safe.canonicalize(variant) == plain_canonicalize(variant)
    assert plain_canonicalize(variant).count("\n") == 2


def test_an_id_the_fast_path_cannot_take_goes_the_full_way() -> None:
    """A blank node or a relative id where the shape had an absolute one: the dataset path
    declines, and the full path gives plain pyld's answer (or safe mode's refusal)."""
    safe, plain = Canonicalizer(), Canonicalizer(safe=False)
    first = {"@context": CONTEXT, "id": "https://example.org/a", "name": "n",
             "ref": "https://example.org/b"}
    safe.canonicalize(first)
    plain.canonicalize(first)
    blank = {**first, "id": "_:x", "ref": "_:x"}
    assert safe.canonicalize(blank) == plain_canonicalize(blank)
    relative = {**first, "ref": "relative/b"}
    with pytest.raises(VcError, match="relative"):
        safe.canonicalize(relative)
    assert plain.canonicalize(relative) == plain_canonicalize(relative)


def test_values_that_steer_expansion_are_kept_in_the_shape() -> None:
    shape = split({"@context": {"@vocab": "https://e.org/"}, "type": "T", "id": "urn:a",
                   "name": "n", "tag": {"@value": "v", "@language": "en"}})
    assert shape is not None
    _, skeleton, found = shape
    assert skeleton["type"] == "T" and skeleton["tag"]["@language"] == "en"
    assert found == ["urn:a", "n", "v"]
    assert split({"name": MARK}) is None  # never takes a document that holds a token


@pytest.mark.parametrize("document", [
    # A JSON literal keeps its strings raw: no slot fits, so the shape is not used.
    {"@context": CONTEXT, "data": {"k": "one"}, "name": "n"},
    # A type given through an alias of @type: its value steers expansion.
    {"@context": {**CONTEXT, "kind": "@type"}, "kind": "Thing", "name": "n"},
    # An index is not a value: the shape is not used.
    {"@context": {**CONTEXT, "idx": {"@id": "ex:idx", "@container": "@index"}},
     "idx": {"a": {"@value": "v", "@index": "a"}}},
])
def test_shapes_whose_values_steer_are_refused_and_still_exact(document: Any) -> None:
    fast = Canonicalizer(safe=False)
    first = fast.canonicalize(document)
    assert first == plain_canonicalize(document)
    variant = _suffixed(document)
    assert fast.canonicalize(variant) == plain_canonicalize(variant)


def test_a_value_that_expands_to_no_iri_falls_back_to_plain_expansion() -> None:
    fast = Canonicalizer(safe=False)
    base = {"@context": CONTEXT, "id": "https://example.org/a", "ref": "https://example.org/b",
            "name": "n"}
    fast.canonicalize(base)
    for odd in ("@foo", "", "_:b", "relative"):
        variant = {**base, "id": odd, "ref": odd}
        # (pyld drops a node whose @id is keyword-like; the spec, and our RDF walk, keep it
        # as a blank node: the reference here is expansion without shapes.)
        assert fast.canonicalize(variant) == Canonicalizer(
            safe=False, remember_shapes=False).canonicalize(variant), odd
    assert fast.expand({**base, "id": "@foo"}) == [
        {"@id": None, "https://example.org/vocab#name": [{"@value": "n"}],
         "https://example.org/vocab#ref": [{"@id": "https://example.org/b"}]}]


def test_a_keyword_like_id_is_refused_by_name_in_safe_mode() -> None:
    for shapes in (True, False):
        with pytest.raises(VcError, match="expands to nothing"):
            Canonicalizer(remember_shapes=shapes).canonicalize(
                {"@context": CONTEXT, "id": "@foo", "name": "x"})


def test_very_large_documents_get_no_template() -> None:
    fast = Canonicalizer(safe=False)
    # Types stay in the shape: one long one makes a large shape of a small document.
    big = {"@context": CONTEXT, "id": "https://example.org/a", "name": "n",
           "type": "https://example.org/" + "t" * MAX_SHAPE}
    assert split(big) is None
    assert fast.canonicalize(big) == plain_canonicalize(big)
    assert not fast._memo.shapes


@pytest.mark.parametrize("seed", range(2))
def test_shipped_documents_with_tricky_values_decide_as_without_shapes(seed: int) -> None:
    """The real contexts (VC 1.1 and 2.0, OB 3.0, Data Integrity: type-scoped and protected
    terms) with values from every IRI-expansion path, in both modes."""
    import random

    chance = random.Random(seed)

    def pick(value: str) -> str:
        return chance.choice(TRICKY) if chance.random() < 0.3 else value

    warm = {True: Canonicalizer(), False: Canonicalizer(safe=False)}
    for _, document in DOCUMENTS:
        for canonicalizer in warm.values():
            outcome(canonicalizer, document)
    for name, document in DOCUMENTS:
        variant = revalue(document, _keep_types(pick))
        for safe, canonicalizer in warm.items():
            reference = Canonicalizer(safe=safe, remember_shapes=False)
            assert outcome(canonicalizer, variant) == outcome(reference, variant), (name, safe)
    assert sum(t is not None for t in warm[True]._memo.datasets.values()) > 30  # exercised
