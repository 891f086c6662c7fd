"""A per-client-address rate limit (token buckets, in memory) for the public endpoints.

Verification needs no API key, and each request costs CPU and may make outbound requests, so
each client address gets ``rate`` requests per second with bursts up to ``burst``, per route
family (:data:`FAMILIES`: ``verify``, ``wallet``; settings ``VCISSUER_RATE_LIMIT_<FAMILY>`` and
``..._BURST``; a rate of 0 turns a family's limit off). The buckets live in this process: with
N workers a client gets up to N times the rate (put a shared limit in front of the service
where that matters).

The client is the connection's peer address. ``X-Forwarded-For`` counts only when the peer is
one of the configured trusted proxies (``VCISSUER_TRUSTED_PROXIES``, none by default): then
the client is the rightmost address in it that is not itself a trusted proxy, the one the
nearest untrusted party connected from (entries left of it are whatever that party wrote).
"""

from __future__ import annotations

import ipaddress
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "FAMILIES",
    "PUBLIC_LIMITED_PATHS",
    "VERIFY_PATHS",
    "WALLET_PATHS",
    "Limit",
    "RateLimit",
    "TokenBuckets",
    "client_address",
    "matches",
    "proxy_networks",
]

VERIFY_PATHS = ("/credentials/verify", "/presentations/verify", "/verify")
# Unauthenticated endpoints a wallet calls: each guesses at (or spends) a single-use secret.
WALLET_PATHS = ("/oid4vci/token", "/oid4vci/nonce", "/oid4vci/credential", "/exchanges")
PUBLIC_LIMITED_PATHS = VERIFY_PATHS + WALLET_PATHS
FAMILIES: Mapping[str, tuple[str, ...]] = {"verify": VERIFY_PATHS, "wallet": WALLET_PATHS}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Limit:
    """``rate`` requests per second per client, bursts up to ``burst``; rate 0: no limit."""

    rate: float = 5.0
    burst: int = 20

    def buckets(self) -> TokenBuckets | None:
        return TokenBuckets(rate=self.rate, burst=self.burst) if self.rate > 0 else None


def matches(path: str, paths: Iterable[str]) -> bool:
    """``path`` is one of ``paths`` or below one of them."""
    return any(path == p or path.startswith(p + "/") or path.startswith(p + "?")
               for p in paths)


def proxy_networks(entries: Iterable[str | IPNetwork]) -> tuple[IPNetwork, ...]:
    """Addresses and CIDR ranges (``10.0.0.5``, ``10.1.0.0/16``, ``::1``) as networks."""
    return tuple(e if not isinstance(e, str) else ipaddress.ip_network(e.strip(), strict=False)
                 for e in entries)


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    # "[2001:db8::1]:443" or "192.0.2.1:443": some proxies append the port.
    host = text[1:].partition("]")[0] if text.startswith("[") else text.rpartition(":")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return any(address in network for network in proxies if network.version == address.version)


def client_address(scope: Scope, proxies: Sequence[IPNetwork] = ()) -> str:
    """The client a request is counted against: the peer, or, when the peer is a trusted
    proxy, the rightmost ``X-Forwarded-For`` entry that is not a trusted proxy."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    peer_address = _address(peer)
    if not proxies or peer_address is None or not _trusted(peer_address, proxies):
        return peer
    hops = [hop.strip() for name, value in scope.get("headers", ())
            if name == b"x-forwarded-for" for hop in value.decode("latin-1").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return hop[:100]  # what the nearest untrusted party wrote: still its own key
        if not _trusted(address, proxies):
            return str(address)
    # Every hop is a trusted proxy: the leftmost is where the request came from.
    first = _address(hops[0]) if hops else None
    return str(first) if first is not None else peer


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

    Requests whose path is in a family of ``limits`` (``{"verify": Limit(...)}``; families
    not given keep the default :class:`Limit`) are counted against that family's buckets, by
    :func:`client_address`. ``app.state.rate_limit`` (a :class:`TokenBuckets`), when set,
    replaces the buckets of every family: that is how tests configure the limit of an app
    already built.
    """

    def __init__(self, app: ASGIApp, *, limits: Mapping[str, Limit] | None = None,
                 trusted_proxies: Iterable[str | IPNetwork] = ()) -> None:
        self.app = app
        limits = limits or {}
        self.families = tuple((paths, limits.get(name, Limit()).buckets())
                              for name, paths in FAMILIES.items())
        self.proxies = proxy_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        family = next(((paths, buckets) for paths, buckets in self.families
                       if path and matches(path, paths)), None)
        if family is None:
            await self.app(scope, receive, send)
            return
        override = getattr(getattr(scope.get("app"), "state", None), "rate_limit", None)
        buckets = override or family[1]
        if buckets is None:  # this family's limit is off
            await self.app(scope, receive, send)
            return
        wait = buckets.take(client_address(scope, self.proxies))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        body = json.dumps({
            "type": "urn:vcissuer:problem:rate-limited", "title": "Too Many Requests",
            "status": 429, "detail": f"too many requests from this address; retry in {retry} s",
            "instance": path,
        }).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"retry-after", str(retry).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
