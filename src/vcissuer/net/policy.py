"""What the fetcher may talk to: schemes, origins and addresses (the SSRF guard).

A credential names URLs (its keys, its status list, its schema), so a verifier that follows them
can be pointed at its own network. Every address a name resolves to is checked before anything
connects, and the connection goes to an address that was checked (see :mod:`vcissuer.net.fetch`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from vcissuer.net.errors import FetchRefused

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_TIMEOUT",
    "LOOPBACK",
    "FetchPolicy",
    "IPAddress",
    "IPNetwork",
    "Target",
    "address_refusal",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TIMEOUT = 5.0
# A DID document or a 131,072-bit status list credential is a few KB; 1 MiB is generous.
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_REDIRECTS = 3
LOOPBACK: tuple[IPNetwork, ...] = (ipaddress.ip_network("127.0.0.0/8"),
                                   ipaddress.ip_network("::1/128"))

# IPv6 prefixes that carry an IPv4 address in their low 32 bits (RFC 6052 NAT64).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Target(NamedTuple):
    """A URL the policy accepted: scheme, host (lower case, no brackets), port, origin."""

    url: str
    scheme: str
    host: str
    port: int
    origin: str

    @property
    def authority(self) -> str:
        """``host[:port]`` as the Host header carries it (the port only when not the default)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address leads to (mapped, 6to4, Teredo, NAT64)."""
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address."""
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(address))
    for candidate in candidates:
        for test, what in (
            (candidate.is_unspecified, "an unspecified address"),
            (candidate.is_loopback, "a loopback address"),
            (candidate.is_link_local, "a link-local address"),
            (candidate.is_multicast, "a multicast address"),
            (candidate.is_private, "a private address"),
            (candidate.is_reserved, "a reserved address"),
            # Shared address space (100.64/10) and the like: not private, not global either.
            (not candidate.is_global, "not a globally routable address"),
        ):
            if test:
                return f"{candidate} is {what}"
    return None


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits on outbound requests.

    - ``allow_http``: plain ``http://`` URLs (default: https only).
    - ``allowed_networks``: address ranges exempt from the guard (tests: :data:`LOOPBACK`).
    - ``trusted_origins``: origins (``http://localhost:8000``) fetched whatever their address
      and scheme: this service's own public origin, so it can verify what it issued in
      development. A did:web whose host is a trusted ``http://`` origin resolves over http.
    - ``timeout``: seconds for the whole fetch (name resolution, redirects, the body).
    - ``max_bytes``: the largest body accepted (after content decoding).
    - ``max_redirects``: redirects followed, each hop checked again.
    """

    allow_http: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    trusted_origins: frozenset[str] = field(default_factory=frozenset)
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS

    def __post_init__(self) -> None:
        networks = tuple(ipaddress.ip_network(n) if isinstance(n, str) else n
                         for n in self.allowed_networks)
        object.__setattr__(self, "allowed_networks", networks)
        origins = frozenset(_origin_of(o) for o in self.trusted_origins)
        object.__setattr__(self, "trusted_origins", origins)
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError("timeout and max_bytes must be positive, max_redirects >= 0")

    @classmethod
    def for_service(cls, base_url: str, **options: Any) -> FetchPolicy:
        """The policy of a service published at ``base_url``: its own origin is trusted."""
        extra = frozenset(options.pop("trusted_origins", ()))
        return cls(trusted_origins=extra | {base_url}, **options)

    def check_url(self, url: str) -> Target:
        """The parts of ``url`` if the policy allows fetching it; :class:`FetchRefused` if not."""
        if not isinstance(url, str) or len(url) > 2048:
            raise FetchRefused(f"{str(url)[:80]!r} is not a URL this service fetches")
        url = url.strip()
        if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
            raise FetchRefused(f"{url[:80]!r} is not a valid URL: it contains spaces or "
                               "control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
            host = parts.hostname
        except ValueError as error:
            raise FetchRefused(f"{url!r} is not a valid URL: {error}") from None
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise FetchRefused(f"{url!r}: only https (and, where allowed, http) URLs are fetched")
        if parts.username is not None or parts.password is not None:
            raise FetchRefused(f"{url!r}: URLs with user information are not fetched")
        if not host:
            raise FetchRefused(f"{url!r} has no host")
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise FetchRefused(f"{url!r}: the host name is not valid") from None
        port = port or _DEFAULT_PORTS[scheme]
        origin = _origin(scheme, host, port)
        if scheme == "http" and not self.allow_http and origin not in self.trusted_origins:
            raise FetchRefused(f"{url!r}: plain http is not allowed; use https")
        return Target(url=url, scheme=scheme, host=host.lower(), port=port, origin=origin)

    def is_trusted(self, target: Target) -> bool:
        return target.origin in self.trusted_origins

    def check_address(self, address: IPAddress) -> None:
        """:class:`FetchRefused` unless ``address`` is public or explicitly allowed."""
        if any(address in network for network in self.allowed_networks
               if network.version == address.version):
            return
        why = address_refusal(address)
        if why is not None:
            raise FetchRefused(f"refused to connect: {why}")


def _origin(scheme: str, host: str, port: int) -> str:
    host = host.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) origin")
    return _origin(scheme, parts.hostname, parts.port or _DEFAULT_PORTS[scheme])
