"""Issue 13 (speed): a CLR's canonicalization does not re-process the contexts of the
credentials it embeds, one by one.

Each embedded credential carries its own ``@context`` (CLR 2.0: the credentials are embedded
as issued). JSON-LD 1.1 Expansion step 5 processes that local context against the active
context at that point; the same (active context, local context) pair gives the same result,
so :class:`Canonicalizer` processes it once (its memo, docs/DESIGN.md section 6) and a record
of twenty credentials costs the context processing of a record of one. The output stays
plain pyld's, byte for byte.
"""

from __future__ import annotations

import pytest

from tests.verify.issuing import did_web_issuer
from tests.verify.records import micro_credentials, record
from vcissuer.jsonld import Canonicalizer, plain_canonicalize


def _processings(count: int, *, shapes: bool) -> tuple[int, str, dict]:
    issuer = did_web_issuer(None)
    clr = record(issuer, micro_credentials(issuer, count), sign=False)
    canonicalizer = Canonicalizer(remember_shapes=shapes)
    canonical = canonicalizer.canonicalize(clr)
    return canonicalizer.context_processings, canonical, clr


@pytest.mark.parametrize("shapes", [True, False])
def test_contexts_are_processed_once_per_distinct_context(shapes: bool) -> None:
    one, _, _ = _processings(1, shapes=shapes)
    three, _, _ = _processings(3, shapes=shapes)
    twenty, canonical, clr = _processings(20, shapes=shapes)
    assert one > 0
    assert one == three == twenty
    assert canonical == plain_canonicalize(clr)


def test_a_second_record_processes_no_context_at_all() -> None:
    """Signing one record after another (a cohort's CLRs): everything is in the memo."""
    issuer = did_web_issuer(None)
    canonicalizer = Canonicalizer()
    canonicalizer.canonicalize(record(issuer, micro_credentials(issuer, 2), sign=False))
    before = canonicalizer.context_processings
    other = record(issuer, micro_credentials(issuer, 20), sign=False)
    assert canonicalizer.canonicalize(other) == plain_canonicalize(other)
    assert canonicalizer.context_processings == before


def test_a_different_embedded_context_is_processed_once_more() -> None:
    """The counter counts real work: one credential with another @context adds processing,
    and it is processed once however many credentials share it."""
    issuer = did_web_issuer(None)
    credentials = micro_credentials(issuer, 6, sign=False)
    for credential in credentials[3:]:
        credential["@context"].append({"moduleCode": "https://issuer.example/vocab#moduleCode"})
        credential["moduleCode"] = "DA-101"
    signed = [issuer.sign(c) for c in credentials]
    mixed = record(issuer, signed, sign=False)
    canonicalizer = Canonicalizer(remember_shapes=False)
    assert canonicalizer.canonicalize(mixed) == plain_canonicalize(mixed)
    uniform = _processings(6, shapes=False)[0]
    assert canonicalizer.context_processings > uniform
    again = record(issuer, signed[:4] + [signed[5]] * 8, sign=False)
    fresh = Canonicalizer(remember_shapes=False)
    fresh.canonicalize(again)
    assert fresh.context_processings == canonicalizer.context_processings
