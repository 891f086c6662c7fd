"""Property-based: any changed value breaks the proof; key order and whitespace do not."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver, did_key_from_public
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof, verify_proofs

CREDENTIAL = load_json(
    Path(__file__).parents[1] / "vectors/vcissuer/realistic-microcredential.json"
)
KEYS = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = did_key_from_public(KEYS.public_multibase)
SIGNED = add_proof(
    {**CREDENTIAL, "issuer": {**CREDENTIAL["issuer"], "id": DID}},
    signer=KEYS.signer(f"{DID}#{KEYS.public_multibase}"),
    created=datetime(2024, 6, 30, 9, 0, tzinfo=UTC),
)
RESOLVER = DidKeyResolver()


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, (*path, i))]
    return [path]


LEAVES = _leaves(SIGNED)


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _other_value(old: Any) -> st.SearchStrategy[Any]:
    if isinstance(old, bool):
        return st.just(not old)
    if isinstance(old, int | float):
        return st.integers(-(10**6), 10**6).filter(lambda v: v != old)
    return st.text(min_size=1, max_size=30).filter(lambda v: v != old)


def test_the_signed_credential_verifies() -> None:
    assert verify_proofs(SIGNED, resolver=RESOLVER).verified


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changing_any_value_breaks_verification(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(LEAVES), label="path")
    new = data.draw(_other_value(_get(SIGNED, path)), label="value")
    doc = copy.deepcopy(SIGNED)
    _set(doc, path, new)
    assert not verify_proofs(doc, resolver=RESOLVER).verified, path


@settings(max_examples=40, deadline=None)
@given(seed=st.randoms(use_true_random=False), indent=st.sampled_from([None, 0, 1, 4, "\t"]))
def test_reserializing_keeps_it_valid(seed, indent) -> None:
    def shuffled(node: Any) -> Any:
        if isinstance(node, dict):
            items = list(node.items())
            seed.shuffle(items)
            return {k: shuffled(v) for k, v in items}
        if isinstance(node, list):
            return [shuffled(v) for v in node]
        return node

    text = json.dumps(
        shuffled(SIGNED), indent=indent, separators=None if indent is None else (",", ":  ")
    )
    assert verify_proofs(json.loads(text), resolver=RESOLVER).verified


@pytest.mark.parametrize("path", [p for p in LEAVES if p[0] == "proof"])
def test_every_proof_field_is_protected(path: tuple) -> None:
    doc = copy.deepcopy(SIGNED)
    old = _get(doc, path)
    _set(doc, path, old + "x" if isinstance(old, str) else old)
    assert not verify_proofs(doc, resolver=RESOLVER).verified
