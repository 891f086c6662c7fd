"""The guarded fetcher: refused addresses are never contacted; time, size and redirects capped."""

from __future__ import annotations

import gzip
import ipaddress
import time

import httpx
import pytest

from tests.net.fakeweb import PUBLIC_ADDRESS, FakeWeb, LoopbackServer
from vcissuer.net import (
    LOOPBACK,
    FetchError,
    FetchPolicy,
    FetchRefused,
    FetchTimeout,
    GuardedFetcher,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    address_refusal,
    guarded_client,
)

LOOPBACK_HTTP = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, timeout=2.0)


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1",
    "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::", "2002:a00:1::",
])
def test_address_guard_refuses_non_public_addresses(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", [PUBLIC_ADDRESS, "8.8.8.8", "2606:4700:4700::1111"])
def test_address_guard_accepts_public_unicast(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("url", [
    "ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/",
    "http://example.com/", "https:///nohost", "gopher://example.com/", "not a url",
])
async def test_urls_outside_the_policy_are_refused(url: str) -> None:
    web = FakeWeb()
    with pytest.raises(FetchRefused):
        await web.fetcher().fetch(url)
    assert web.requests == []


async def test_loopback_is_refused_by_default_and_never_contacted(server: LoopbackServer) -> None:
    async with guarded_client() as client:
        fetcher = GuardedFetcher(client, policy=FetchPolicy(allow_http=True))
        for url in (f"{server.base}/doc", f"http://[::1]:{server.port}/doc",
                    f"http://localhost:{server.port}/doc"):
            with pytest.raises(FetchRefused, match="loopback"):
                await fetcher.fetch(url)
    assert server.hits == []


async def test_loopback_allowed_explicitly(server: LoopbackServer) -> None:
    async with guarded_client() as client:
        fetched = await GuardedFetcher(client, policy=LOOPBACK_HTTP).fetch(f"{server.base}/doc")
    assert fetched.json() == {"ok": True} and server.hits == ["/doc"]


async def test_trusted_origin_is_fetched_and_nothing_else_on_loopback(
        server: LoopbackServer) -> None:
    policy = FetchPolicy.for_service(server.base)
    async with guarded_client() as client:
        fetcher = GuardedFetcher(client, policy=policy)
        assert (await fetcher.fetch(f"{server.base}/doc")).json() == {"ok": True}
        # The same host on another port is not the trusted origin.
        with pytest.raises(FetchRefused):
            await fetcher.fetch(f"http://127.0.0.1:{server.port + 1}/doc")
    assert server.hits == ["/doc"]


@pytest.mark.parametrize("addresses", [["10.0.0.1"], ["169.254.169.254"],
                                       [PUBLIC_ADDRESS, "127.0.0.1"], ["::1"]])
async def test_a_name_resolving_to_a_private_address_is_refused(addresses: list[str]) -> None:
    web = FakeWeb()
    web.add("https://internal.example/doc", {"secret": True})
    web.host("internal.example", *addresses)
    with pytest.raises(FetchRefused, match="refused"):
        await web.fetcher().fetch("https://internal.example/doc")
    assert web.requests == []


async def test_connection_goes_to_the_checked_address_dns_rebinding() -> None:
    # The first answer is public, every later one loopback (a rebinding attacker's DNS).
    web = FakeWeb()
    web.add("https://rebind.example/doc", {"ok": True})
    answers = iter([[PUBLIC_ADDRESS]])
    calls = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers, ["127.0.0.1"])

    async with web.client() as client:
        fetched = await GuardedFetcher(client, resolve=resolve).fetch("https://rebind.example/doc")
    assert fetched.json() == {"ok": True}
    assert calls == ["rebind.example"]
    (request,) = web.requests
    # httpx was handed the checked address; the name travels only in Host and TLS SNI.
    assert request.url.host == PUBLIC_ADDRESS
    assert request.headers["host"] == "rebind.example"
    assert request.extensions["sni_hostname"] == "rebind.example"


async def test_redirect_to_a_private_address_is_refused(server: LoopbackServer) -> None:
    web = FakeWeb()
    web.add("https://redirector.example/go", b"", status=302,
            headers={"location": f"{server.base}/doc"})
    web.add("https://redirector.example/metadata", b"", status=301,
            headers={"location": "https://169.254.169.254/latest/meta-data/"})
    fetcher = web.fetcher(FetchPolicy(allow_http=True))
    with pytest.raises(FetchRefused, match="loopback"):
        await fetcher.fetch("https://redirector.example/go")
    with pytest.raises(FetchRefused, match="link-local"):
        await fetcher.fetch("https://redirector.example/metadata")
    assert server.hits == []


async def test_redirect_cap(server: LoopbackServer) -> None:
    async with guarded_client() as client:
        with pytest.raises(TooManyRedirects):
            await GuardedFetcher(client, policy=LOOPBACK_HTTP).fetch(f"{server.base}/loop")
    assert len(server.hits) == LOOPBACK_HTTP.max_redirects + 1


async def test_followed_redirect_is_checked_again(server: LoopbackServer) -> None:
    async with guarded_client() as client:
        fetcher = GuardedFetcher(client, policy=LOOPBACK_HTTP)
        fetched = await fetcher.fetch(f"{server.base}/redirect?to=/doc")
        assert fetched.json() == {"ok": True} and fetched.final_url == f"{server.base}/doc"
        with pytest.raises(FetchRefused, match="private"):
            await fetcher.fetch(f"{server.base}/redirect?to=http://10.0.0.1/x")


@pytest.mark.parametrize("path", ["/slow", "/drip"])
async def test_slow_responses_time_out_without_hanging(server: LoopbackServer, path: str) -> None:
    policy = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, timeout=0.5)
    started = time.monotonic()
    async with guarded_client() as client:
        with pytest.raises(FetchTimeout):
            await GuardedFetcher(client, policy=policy).fetch(server.base + path)
    assert time.monotonic() - started < 2.0


async def test_huge_response_is_cut_off(server: LoopbackServer) -> None:
    policy = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, max_bytes=64 * 1024)
    async with guarded_client() as client:
        with pytest.raises(ResponseTooLarge):
            await GuardedFetcher(client, policy=policy).fetch(f"{server.base}/huge")


async def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    web = FakeWeb()
    web.route("https://big.example/doc", lambda request: httpx.Response(
        200, headers={"content-length": "999999999"}, stream=httpx.ByteStream(b"{}")))
    with pytest.raises(ResponseTooLarge, match="999999999"):
        await web.fetcher().fetch("https://big.example/doc")


async def test_gzip_bomb_is_inflated_only_up_to_the_cap() -> None:
    web = FakeWeb()
    bomb = gzip.compress(b" " * 50_000_000)
    web.route("https://bomb.example/doc", lambda request: httpx.Response(
        200, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(bomb)))
    web.route("https://small.example/doc", lambda request: httpx.Response(
        200, headers={"content-encoding": "gzip"},
        stream=httpx.ByteStream(gzip.compress(b'{"a": 1}'))))
    fetcher = web.fetcher(FetchPolicy(max_bytes=100_000))
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch("https://bomb.example/doc")
    assert (await fetcher.fetch("https://small.example/doc")).json() == {"a": 1}


async def test_http_errors_and_unknown_hosts() -> None:
    web = FakeWeb()
    web.add("https://example.org/gone", "gone", status=410)
    fetcher = web.fetcher()
    with pytest.raises(HttpStatusError) as info:
        await fetcher.fetch("https://example.org/gone")
    assert info.value.status == 410
    with pytest.raises(FetchError, match="does not resolve") as failed:
        await fetcher.fetch("https://nowhere.invalid/doc")
    assert "gaierror" not in failed.value.message  # no Python names in what people read


async def test_cache_control_is_read() -> None:
    web = FakeWeb()
    web.add("https://example.org/a", {}, headers={"cache-control": "public, max-age=120"})
    web.add("https://example.org/b", {}, headers={"cache-control": "no-store"})
    fetcher = web.fetcher()
    assert (await fetcher.fetch("https://example.org/a")).max_age == 120
    assert (await fetcher.fetch("https://example.org/b")).max_age == 0


async def test_next_checked_address_is_tried_when_one_refuses_connections(
        server: LoopbackServer) -> None:
    # Two loopback addresses (allowed here): nothing listens on the first.
    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.1"] if host == "twice.test" else []

    async with guarded_client() as client:
        fetcher = GuardedFetcher(client, policy=LOOPBACK_HTTP, resolve=resolve)
        # 127.0.0.2 refuses: the server listens on 127.0.0.1 only.
        fetched = await fetcher.fetch(f"http://twice.test:{server.port}/doc")
    assert fetched.json() == {"ok": True}


async def test_international_host_names_are_sent_as_idna() -> None:
    web = FakeWeb()
    web.add("https://xn--bcher-kva.example/doc", {"ok": True})
    fetched = await web.fetcher().fetch("https://bücher.example/doc")
    assert fetched.json() == {"ok": True}
    assert web.requests[0].headers["host"] == "xn--bcher-kva.example"


async def test_a_larger_cap_for_one_fetch() -> None:
    web = FakeWeb()
    web.add("https://example.org/big", b"x" * 2_000_000)
    fetcher = web.fetcher()
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch("https://example.org/big")
    assert len((await fetcher.fetch("https://example.org/big", max_bytes=4_000_000)).body) \
        == 2_000_000
