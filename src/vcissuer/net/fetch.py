"""The guarded fetcher: GET a URL through an injected ``httpx.AsyncClient``, safely.

Each hop (the URL, then every redirect) is checked by the :class:`FetchPolicy`: scheme and
origin, then every address its host name resolves to. The request then goes to one of the
*checked* addresses: the URL handed to httpx carries the IP literal, the ``Host`` header and the
TLS server name (``sni_hostname``, so the certificate is still verified against the host name)
carry the name. The name is therefore resolved once, by us; a DNS answer that changes between
the check and the connection (DNS rebinding) cannot redirect the connection, because httpx never
resolves the name itself.

Also: one deadline for the whole fetch (a server that drips a byte a second cannot hold it
open), a cap on the body enforced while streaming (compressed bodies are inflated in bounded
steps), redirects followed by hand up to a cap.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import re
import socket
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import anyio
import httpx

from vcissuer import __version__
from vcissuer.net.errors import (
    FetchError,
    FetchRefused,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)
from vcissuer.net.policy import FetchPolicy, IPAddress, Target

__all__ = ["Fetched", "GuardedFetcher", "Resolve", "guarded_client", "system_resolve"]

log = logging.getLogger("vcissuer.net")

Resolve = Callable[[str, int], Awaitable[Sequence[str]]]
USER_AGENT = f"vcissuer/{__version__} (Open Badges verifier)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, through the event loop's resolver."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def guarded_client(*, timeout: float = 5.0, max_connections: int = 50) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` fit for :class:`GuardedFetcher`.

    No proxies from the environment (a proxy would make its own connections), no redirects
    followed by httpx, and no kept-alive connections: the pool is keyed by address, and a TLS
    connection verified for one host name must not be reused for another on the same address.
    """
    return httpx.AsyncClient(
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=0),
        headers={"User-Agent": USER_AGENT},
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document: the body, its media type and how long it may be cached."""

    url: str
    final_url: str
    content_type: str
    body: bytes = field(repr=False)
    max_age: float | None = None

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError(f"{_short(self.url)}: the response is not UTF-8 text") from None

    def json(self) -> Any:
        try:
            return json.loads(self.text())
        except json.JSONDecodeError as error:
            raise FetchError(f"{_short(self.url)}: the response is not JSON ({error.msg} at "
                             f"line {error.lineno})") from None
        except RecursionError:
            raise FetchError(f"{_short(self.url)}: the response is nested too deeply") from None


class GuardedFetcher:
    """GETs URLs through ``client`` within ``policy``; raises :class:`FetchError` on failure.

    ``resolve`` maps a host name to its addresses (the system resolver by default; tests
    inject a fixed table).
    """

    def __init__(self, client: httpx.AsyncClient, *, policy: FetchPolicy | None = None,
                 resolve: Resolve = system_resolve) -> None:
        self.client = client
        self.policy = policy or FetchPolicy()
        self._resolve = resolve

    async def fetch(self, url: str, *, accept: str = "application/json",
                    max_bytes: int | None = None) -> Fetched:
        """The document at ``url`` (after at most ``max_redirects`` checked redirects).

        ``max_bytes`` overrides the policy's cap for this fetch (a baked image is larger than
        a DID document).
        """
        target = self.policy.check_url(url)
        try:
            with anyio.fail_after(self.policy.timeout):
                return await self._fetch(target, accept=accept,
                                         cap=max_bytes or self.policy.max_bytes)
        except TimeoutError:
            raise FetchTimeout(f"{_short(url)}: no complete response within "
                               f"{self.policy.timeout:g} s") from None

    async def _fetch(self, target: Target, *, accept: str, cap: int) -> Fetched:
        original = target.url
        for hop in range(self.policy.max_redirects + 1):
            if hop:
                target = self.policy.check_url(target.url)
            local = await self.answer_locally(target)
            if local is not None:
                if len(local.body) > cap:
                    raise ResponseTooLarge(f"{_short(target.url)}: the response exceeds "
                                           f"{cap} bytes")
                return Fetched(url=original, final_url=target.url,
                               content_type=local.content_type, body=local.body,
                               max_age=local.max_age)
            response = await self._send(target, accept=accept)
            try:
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{_short(target.url)}: a redirect without a Location")
                    target = target._replace(url=urljoin(target.url, location))
                    continue
                if response.status_code != 200:
                    raise HttpStatusError(f"{_short(target.url)} answered HTTP "
                                          f"{response.status_code}",
                                          status=response.status_code)
                body = await self._read(response, url=target.url, cap=cap)
            except httpx.TimeoutException:
                raise FetchTimeout(f"{_short(target.url)}: timed out reading the body") from None
            except httpx.HTTPError as error:
                log.debug("fetch of %s broke off: %r", target.url, error)
                raise FetchError(f"{_short(target.url)}: the response broke off") from None
            finally:
                await response.aclose()
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(url=original, final_url=target.url, content_type=media, body=body,
                           max_age=_max_age(response.headers.get("cache-control")))
        raise TooManyRedirects(f"{_short(original)}: more than {self.policy.max_redirects} "
                               "redirects")

    async def answer_locally(self, target: Target) -> Fetched | None:
        """A document for ``target`` without a request, or None to fetch it.

        Asked for the URL and again for every redirect. This fetcher answers nothing locally;
        a subclass may answer (or refuse, with :class:`FetchRefused`) URLs it owns.
        """
        return None

    async def _send(self, target: Target, *, accept: str) -> httpx.Response:
        """Send to the first checked address that accepts a connection (at most three)."""
        addresses = await self._checked_addresses(target)
        for index, address in enumerate(addresses[:3]):
            request = self._request(target, address, accept=accept)
            try:
                return await self.client.send(request, stream=True, follow_redirects=False)
            except httpx.ConnectError:
                if index == min(len(addresses), 3) - 1:
                    raise FetchError(f"{_short(target.url)}: could not connect") from None
            except httpx.TimeoutException:
                raise FetchTimeout(f"{_short(target.url)}: timed out") from None
            except httpx.HTTPError as error:
                log.debug("fetch of %s could not connect: %r", target.url, error)
                raise FetchError(f"{_short(target.url)}: could not connect") from None
        raise FetchError(f"{_short(target.url)}: could not connect")

    async def _checked_addresses(self, target: Target) -> list[IPAddress]:
        """Every address the host resolves to, each checked; the ones to connect to, in order."""
        literal = _ip_literal(target.host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                found = await self._resolve(target.host, target.port)
            except (OSError, UnicodeError) as error:
                log.debug("%s does not resolve: %r", target.host, error)
                raise FetchError(f"{target.host}: the host name does not resolve") from None
            addresses = [a for a in (_ip_literal(str(f)) for f in found) if a is not None]
            if not addresses:
                raise FetchError(f"{target.host}: the host name has no usable address")
        if not self.policy.is_trusted(target):
            for address in addresses:
                try:
                    self.policy.check_address(address)
                except FetchRefused as error:
                    raise FetchRefused(f"{_short(target.url)}: {error.message}") from None
        return addresses

    def _request(self, target: Target, address: IPAddress, *, accept: str) -> httpx.Request:
        host = str(address) if address.version == 4 else address.compressed
        pinned = httpx.URL(target.url).copy_with(host=host)
        extensions: dict[str, Any] = {}
        if target.scheme == "https":
            extensions["sni_hostname"] = target.host
        return self.client.build_request(
            "GET", pinned, extensions=extensions,
            headers={"Host": target.authority, "Accept": accept,
                     "Accept-Encoding": "gzip, deflate;q=0.5, identity;q=0.1"},
        )

    async def _read(self, response: httpx.Response, *, url: str, cap: int) -> bytes:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        declared = response.headers.get("content-length", "")
        if encoding in ("", "identity") and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(f"{_short(url)}: the response is {declared} bytes; at most "
                                   f"{cap} are accepted")
        if response.is_stream_consumed:
            # Already in memory (a test transport built it from bytes): nothing to stream.
            if len(response.content) > cap:
                raise ResponseTooLarge(f"{_short(url)}: the response exceeds {cap} bytes")
            return response.content
        decoder = _decoder(encoding, url=url)
        body = bytearray()
        async for chunk in response.aiter_raw():
            if decoder is None:
                body += chunk
            else:
                _inflate(decoder, chunk, body, cap)
            if len(body) > cap:
                raise ResponseTooLarge(f"{_short(url)}: the response exceeds {cap} bytes")
        if decoder is not None:
            body += decoder.flush()
            if len(body) > cap:
                raise ResponseTooLarge(f"{_short(url)}: the response exceeds {cap} bytes")
        return bytes(body)


def _decoder(encoding: str, *, url: str) -> Any:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"{_short(url)}: unsupported Content-Encoding {encoding[:40]!r}")


def _inflate(decoder: Any, chunk: bytes, body: bytearray, cap: int) -> None:
    """Inflate ``chunk`` into ``body`` a bounded step at a time (no decompression bombs)."""
    data = chunk
    try:
        while data:
            body += decoder.decompress(data, cap - len(body) + 1)
            if len(body) > cap:
                return
            data = decoder.unconsumed_tail
    except zlib.error:
        raise FetchError("the compressed response is corrupt") from None


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _max_age(cache_control: str | None) -> float | None:
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return 0.0
    match = _MAX_AGE.search(lowered)
    return float(match.group(1)) if match else None


def _short(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "..."
