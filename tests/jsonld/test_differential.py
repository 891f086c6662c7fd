"""The optimized canonicalization path is byte-identical to plain pyld.

Over every JSON-LD document we ship (vectors, validator samples, spec examples), signed documents
both with and without their proofs, and each proof configuration they imply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vcissuer.errors import VcError
from vcissuer.jsonld import Canonicalizer, plain_canonicalize

VECTORS = Path(__file__).parents[1] / "vectors"


def _documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if not isinstance(doc, dict) or "@context" not in doc:
            continue
        name = str(path.relative_to(VECTORS))
        found.append((name, doc))
        proofs = doc.get("proof")
        if proofs:
            found.append((name + "#unsecured", {k: v for k, v in doc.items() if k != "proof"}))
            for i, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
                if isinstance(proof, dict):
                    config = {k: v for k, v in proof.items() if k != "proofValue"}
                    found.append((f"{name}#proof{i}", {**config, "@context": doc["@context"]}))
    return found


DOCUMENTS = _documents()


def test_the_corpus_is_substantial() -> None:
    assert len(DOCUMENTS) > 100


@pytest.mark.parametrize(("name", "document"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_optimized_equals_plain_pyld(name: str, document: dict[str, Any]) -> None:
    try:
        expected = plain_canonicalize(document)
    except Exception as error:  # noqa: BLE001 - plain pyld cannot process it: neither may we
        with pytest.raises(VcError):
            Canonicalizer(safe=False).canonicalize(document)
        pytest.skip(f"plain pyld cannot process it either: {type(error).__name__}")
    fast = Canonicalizer(safe=False)
    assert fast.canonicalize(document) == expected
    # A second pass runs entirely on memoized contexts.
    assert fast.canonicalize(document) == expected


def test_memoized_contexts_do_not_leak_between_documents() -> None:
    # Interleave documents with different context stacks through one canonicalizer.
    fast = Canonicalizer(safe=False)
    expected = {}
    for name, doc in DOCUMENTS[:60]:
        try:
            expected[name] = plain_canonicalize(doc)
        except Exception:  # noqa: BLE001
            continue
    for _ in range(2):
        for name, doc in DOCUMENTS[:60]:
            if name in expected:
                assert fast.canonicalize(doc) == expected[name], name


def test_remembered_subtrees_are_exact_across_the_whole_corpus() -> None:
    """One canonicalizer over every document, three passes in different orders: remembered
    expansions (issuer profiles, achievements shared between documents) never change output,
    and safe mode still rejects on the later passes exactly what it rejected on the first."""
    plain = Canonicalizer(safe=False)
    safe = Canonicalizer()
    expected: dict[str, str] = {}
    for name, doc in DOCUMENTS:
        try:
            expected[name] = plain_canonicalize(doc)
        except Exception:  # noqa: BLE001 - not processable by pyld: not compared
            continue

    def safe_outcome(doc: dict[str, Any]) -> str:
        try:
            return safe.canonicalize(doc)
        except VcError as error:
            return f"rejected: {error.code}"

    first = {name: safe_outcome(doc) for name, doc in DOCUMENTS if name in expected}
    for order in (DOCUMENTS, DOCUMENTS[::-1], DOCUMENTS[1::2] + DOCUMENTS[::2]):
        for name, doc in order:
            if name in expected:
                assert plain.canonicalize(doc) == expected[name], name
                assert safe_outcome(doc) == first[name], name
    assert plain._memo.subtrees and safe._memo.subtrees  # the memo was exercised
    accepted = [name for name, outcome in first.items() if not outcome.startswith("rejected")]
    assert all(first[name] == expected[name] for name in accepted)
