"""CachingResolver: remembers successes, for a while; never failures."""

from __future__ import annotations

import pytest

from vcissuer.dids import DidKeyResolver, did_key_from_public
from vcissuer.dids.cache import CachingResolver
from vcissuer.errors import ResolutionError
from vcissuer.keys import Ed25519KeyPair


class Counting:
    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def resolve(self, url: str, *, purpose: str):
        self.calls += 1
        return self.inner.resolve(url, purpose=purpose)


def _url() -> str:
    keys = Ed25519KeyPair.generate()
    did = did_key_from_public(keys.public_multibase)
    return f"{did}#{keys.public_multibase}"


def test_did_key_methods_are_resolved_once() -> None:
    inner = Counting(DidKeyResolver())
    cache = CachingResolver(inner, ttl=0)
    url = _url()
    first = cache.resolve(url, purpose="assertionMethod")
    assert cache.resolve(url, purpose="assertionMethod") is first
    assert inner.calls == 1


def test_other_methods_expire_after_ttl() -> None:
    now = [0.0]
    inner = Counting(DidKeyResolver())
    cache = CachingResolver(inner, ttl=10, monotonic=lambda: now[0])
    url = _url().replace("did:key:", "did:key:")  # a did:key, but check the TTL path below
    cache._entries.clear()
    # Simulate a fetched method by keying it under a non-did:key URL.
    method = inner.resolve(url, purpose="assertionMethod")
    cache._entries[("https://issuer.example/keys#1", "assertionMethod")] = (10.0, method)
    assert cache.resolve("https://issuer.example/keys#1", purpose="assertionMethod") is method
    now[0] = 11.0
    with pytest.raises(ResolutionError):
        cache.resolve("https://issuer.example/keys#1", purpose="assertionMethod")


def test_failures_are_not_cached() -> None:
    inner = Counting(DidKeyResolver())
    cache = CachingResolver(inner)
    for _ in range(2):
        with pytest.raises(ResolutionError):
            cache.resolve("did:key:zBad#zBad", purpose="assertionMethod")
    assert inner.calls == 2


def test_purpose_is_part_of_the_key() -> None:
    inner = Counting(DidKeyResolver())
    cache = CachingResolver(inner)
    url = _url()
    cache.resolve(url, purpose="assertionMethod")
    cache.resolve(url, purpose="authentication")
    assert inner.calls == 2


def test_bounded() -> None:
    cache = CachingResolver(DidKeyResolver(), maxsize=3)
    for _ in range(5):
        cache.resolve(_url(), purpose="assertionMethod")
    assert len(cache._entries) == 3
