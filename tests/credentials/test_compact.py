"""``compact`` (OB 3.0 "Serialization": nulls and empty arrays omitted) is the plain recursive
definition, in one pass: held to that definition on generated JSON-like values."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer.credentials.builder import compact


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        out = {k: _plain(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_plain(v) for v in value if v is not None]
    return value


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3)
    | st.just([]) | st.just({}),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    | st.dictionaries(st.text(max_size=2), inner, max_size=3).map(MappingProxyType),
    max_leaves=20)


@settings(max_examples=1000, deadline=None)
@given(value=_values)
def test_compact_is_the_plain_definition(value: Any) -> None:
    got, want = compact(value), _plain(value)
    assert got == want
    assert repr(got) == repr(want)  # same order of members, same types (True is not 1)


def test_emptied_members_go_list_items_stay() -> None:
    assert compact({"a": None, "b": [None], "c": {"d": []}, "e": [{}, 0, ""], "f": False}) \
        == {"e": [{}, 0, ""], "f": False}
