"""vcissuer.limits: the nesting measure on JSON text agrees with the one on parsed values, is
linear on hostile text, and the limits keep their documented values (README "Limits")."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer import limits
from vcissuer.limits import (
    LimitExceeded,
    Limits,
    check_document,
    json_text_nesting_exceeds,
    nesting_exceeds,
)

# Strings full of what a naive scanner would miscount: brackets, quotes, backslashes.
_TRICKY = st.text(alphabet='[]{}"\\/ab\n\u00e9\u2028', max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY, inner, max_size=4),
    max_leaves=40,
)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@settings(max_examples=150)
@given(_JSON, st.integers(1, 12), st.booleans())
def test_text_and_value_measures_agree(value: object, limit: int, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
    expected = _depth(value) > limit
    assert nesting_exceeds(value, limit) is expected
    assert json_text_nesting_exceeds(text, limit) is expected


def test_the_limit_itself_is_allowed() -> None:
    for limit in (1, 2, 63, 64, 65):
        text = "[" * limit + "]" * limit
        assert not json_text_nesting_exceeds(text.encode(), limit)
        assert json_text_nesting_exceeds(("[" + text + "]").encode(), limit)
        assert not nesting_exceeds(json.loads(text), limit)


@pytest.mark.parametrize("text", [
    '"\\"' * 1_000_000,             # escaped quotes, never closed: no backtracking
    '"' + "\\\\" * 1_000_000,        # an unterminated string of escapes
    "[" + "[]," * 1_000_000 + "[]]",  # three million brackets, shallow
    ("[" * 40 + "]" * 40) * 40_000,   # near the limit everywhere
    "[" + '"a",' * 1_000_000 + '"["]',  # a million short strings
], ids=["escaped-quotes", "unterminated", "wide", "near-limit", "strings"])
def test_hostile_text_is_measured_in_linear_time(text: str) -> None:
    started = time.process_time()
    json_text_nesting_exceeds(text.encode(), 64)
    assert time.process_time() - started < 1.0


def test_check_document_names_the_limit_it_hit() -> None:
    with pytest.raises(LimitExceeded) as raised:
        check_document([[[1]]], Limits(nesting_depth=2))
    assert raised.value.limit == "nesting depth" and raised.value.maximum == 2
    with pytest.raises(LimitExceeded) as raised:
        check_document({"a": list(range(10))}, Limits(document_values=10))
    assert raised.value.limit == "values per document"
    check_document({"a": list(range(9))}, Limits(document_values=10))


def test_the_documented_values() -> None:
    # README "Limits" and docs/DESIGN.md state these; change them together.
    assert (limits.MAX_NESTING_DEPTH, limits.MAX_DOCUMENT_VALUES, limits.MAX_PROOFS,
            limits.MAX_ENDORSEMENTS, limits.MAX_STATUS_ENTRIES,
            limits.MAX_PRESENTATION_CREDENTIALS, limits.MAX_CLR_CREDENTIALS,
            limits.MAX_CPU_SECONDS) == (64, 50_000, 8, 16, 8, 32, 64, 2.0)


def test_the_cpu_budget_counts_each_thread_from_its_own_start() -> None:
    """A budget made on one thread (the event loop, busy for a long time) and checked on
    another (a worker) counts only what each thread spent since: a thread that ran other work
    earlier does not make a fresh verification look expensive."""
    import threading
    import time

    from vcissuer.limits import CpuBudget, LimitExceeded

    def burn(seconds: float) -> None:
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass

    worker_ready = threading.Event()
    go = threading.Event()
    outcome: list[str] = []

    def worker() -> None:
        burn(0.3)  # this thread's clock is well ahead of the budget's creator's
        worker_ready.set()
        go.wait()
        try:
            budget.check("a step")
            outcome.append("ok")
        except LimitExceeded:
            outcome.append("exceeded")

    thread = threading.Thread(target=worker)
    thread.start()
    worker_ready.wait()
    made: list[CpuBudget] = []
    creator = threading.Thread(target=lambda: made.append(CpuBudget(0.2)))  # a fresh clock
    creator.start()
    creator.join()
    budget = made[0]
    go.set()
    thread.join()
    assert outcome == ["ok"]
    budget.check("a step on this thread")  # this thread's clock counts from here
    burn(0.25)
    try:
        budget.check("after 0.25 s on this thread")
    except LimitExceeded as error:
        assert "0.2 s of CPU" in str(error)
    else:
        raise AssertionError("the budget was not enforced")
