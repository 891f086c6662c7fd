"""A per-client-address rate limit (token buckets, in memory) for the public endpoints.

Verification needs no API key, and each request costs CPU and may make outbound requests, so
each client address gets ``rate`` requests per second with bursts up to ``burst``. The buckets
live in this process: with N workers a client gets up to N times the rate (put a shared limit
in front of the service where that matters). Behind a proxy, run uvicorn with
``--forwarded-allow-ips`` so the client address is the real one.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["PUBLIC_LIMITED_PATHS", "VERIFY_PATHS", "RateLimit", "TokenBuckets"]

VERIFY_PATHS = ("/credentials/verify", "/presentations/verify", "/verify")
# Unauthenticated endpoints a wallet calls: each guesses at (or spends) a single-use secret.
WALLET_PATHS = ("/oid4vci/token", "/oid4vci/nonce", "/oid4vci/credential", "/exchanges")
PUBLIC_LIMITED_PATHS = VERIFY_PATHS + WALLET_PATHS


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """``rate`` tokens per second per key, at most ``burst``; the oldest keys are forgotten."""

    def __init__(self, *, rate: float, burst: int, max_keys: int = 100_000,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._max_keys = max_keys
        self._monotonic = monotonic
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a request may go ahead (a token is spent), else seconds until one may."""
        now = self._monotonic()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate


class RateLimit:
    """ASGI middleware: 429 problem+json with Retry-After once a client's bucket is empty.

    Only requests whose path starts with one of ``paths`` are counted. ``app.state.rate_limit``
    (a :class:`TokenBuckets`), when set, replaces the buckets given here: that is how settings
    (and tests) configure the limit of an app already built.
    """

    def __init__(self, app: ASGIApp, *, rate: float = 5.0, burst: int = 20,
                 paths: Sequence[str] = VERIFY_PATHS,
                 buckets: TokenBuckets | None = None) -> None:
        self.app = app
        self.paths = tuple(paths)
        self.buckets = buckets or TokenBuckets(rate=rate, burst=burst)

    def _limited(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") or path.startswith(p + "?")
                   for p in self.paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._limited(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        app = scope.get("app")
        buckets = getattr(getattr(app, "state", None), "rate_limit", None) or self.buckets
        wait = buckets.take(client[0] if client else "unknown")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        body = json.dumps({
            "type": "urn:vcissuer:problem:rate-limited", "title": "Too Many Requests",
            "status": 429, "detail": f"too many requests from this address; retry in {retry} s",
            "instance": scope.get("path", ""),
        }).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"retry-after", str(retry).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
