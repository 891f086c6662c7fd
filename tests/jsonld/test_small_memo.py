"""The proof-configuration memos give plain pyld's output byte for byte: by exact content, and
by shape with the ``created`` date-time substituted into a canonical template."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer.jsonld import Canonicalizer, plain_canonicalize

KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
CONFIG: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
    "verificationMethod": f"{KEY}#{KEY.removeprefix('did:key:')}",
    "proofPurpose": "assertionMethod",
}
date_times = st.builds(
    lambda y, mo, d, h, mi, s, frac, zone: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
                                           f"{frac}{zone}",
    st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
    st.integers(0, 59), st.integers(0, 59), st.sampled_from(["", ".5", ".123456"]),
    st.sampled_from(["Z", "+01:00", "-05:30", ""]))

shared = Canonicalizer()


@settings(max_examples=150, deadline=None)
@given(created=date_times, purpose=st.sampled_from(["assertionMethod", "authentication"]),
       extra=st.sampled_from([{}, {"challenge": "abc"}, {"domain": "example.org"},
                              {"expires": "2030-01-01T00:00:00Z"}]))
def test_template_output_is_plain_pyld(created: str, purpose: str,
                                       extra: dict[str, str]) -> None:
    document = {**CONFIG, **extra, "proofPurpose": purpose, "created": created}
    assert shared.canonicalize_small(document) == plain_canonicalize(document)


def test_the_template_is_used_and_exact_content_is_remembered() -> None:
    canonicalizer = Canonicalizer()
    first = {**CONFIG, "created": "2025-01-01T00:00:00Z"}
    second = {**CONFIG, "created": "2026-11-24T20:00:00Z"}
    assert canonicalizer.canonicalize_small(first) == plain_canonicalize(first)
    assert len(canonicalizer._templates) == 1
    assert canonicalizer.canonicalize_small(second) == plain_canonicalize(second)
    assert len(canonicalizer._templates) == 1 and len(canonicalizer._small) == 2


def test_shapes_where_substitution_would_be_unsafe_are_canonicalized_in_full() -> None:
    """Two blank nodes, a repeated predicate, or the placeholder elsewhere: no template."""
    canonicalizer = Canonicalizer()
    two_blank_nodes = {**CONFIG, "created": "2025-01-01T00:00:00Z",
                       "@context": [*CONFIG["@context"], {"ex": "https://example.org/#"}],
                       "ex:nested": {"ex:value": "x"}}
    repeated = {**CONFIG, "created": "2025-01-01T00:00:00Z",
                "@context": [*CONFIG["@context"], {"ex": "https://example.org/#"}],
                "ex:tag": ["b", "a"]}
    for document in (two_blank_nodes, repeated):
        assert canonicalizer.canonicalize_small(document) == plain_canonicalize(document)
    assert list(canonicalizer._templates.values()) == [None, None]
    # A date-time needing care (not matching the pattern) never uses a template.
    odd = {**CONFIG, "created": "2025-01-01 00:00:00"}
    assert canonicalizer.canonicalize_small(odd) == plain_canonicalize(odd)
    assert len(canonicalizer._templates) == 2
