"""A resolver that remembers what another resolver found, for a while.

did:key methods never change, so they are kept until evicted; anything fetched (did:web, https)
is kept for ``ttl`` seconds, so a key removed from a DID document stops verifying soon after.
Failures are never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from vcissuer.dids.base import VerificationMethod, VerificationMethodResolver

__all__ = ["CachingResolver"]


class CachingResolver:
    """Wraps a :class:`VerificationMethodResolver` with a bounded, time-limited memory."""

    def __init__(
        self,
        inner: VerificationMethodResolver,
        *,
        ttl: float = 300.0,
        maxsize: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._ttl = ttl
        self._maxsize = maxsize
        self._monotonic = monotonic
        self._entries: OrderedDict[tuple[str, str], tuple[float, VerificationMethod]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod:
        key = (url, purpose)
        now = self._monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (url.startswith("did:key:") or entry[0] > now):
                self._entries.move_to_end(key)
                return entry[1]
        method = self._inner.resolve(url, purpose=purpose)
        with self._lock:
            self._entries[key] = (now + self._ttl, method)
            self._entries.move_to_end(key)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
        return method

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
