"""The pages' fetcher reads this service's own documents from the database, as served."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.web.conftest import BASE_URL, issue, make_achievement, no_network
from vcissuer.net import FetchError, FetchRefused, HttpStatusError
from vcissuer.web import LocalFetcher


@pytest.fixture
def fetcher(services):
    return LocalFetcher(services, resolve=no_network)


async def test_routes(fetcher) -> None:
    assert fetcher.local_route(f"{BASE_URL}/issuers/uni/did.json") == ("did", ("uni",))
    assert fetcher.local_route("https://testserver/issuers/uni/did.json") == ("did", ("uni",))
    assert fetcher.local_route(f"{BASE_URL}/status/uni/abc") == ("status", ("uni", "abc"))
    assert fetcher.local_route(f"{BASE_URL}/status/uni/revocation-list") == \
        ("revocation-list", ("uni",))
    assert fetcher.local_route(f"{BASE_URL}/credentials/abc#x") == ("credential", ("abc",))
    assert fetcher.local_route(f"{BASE_URL}/issuers/uni") == ("profile", ("uni",))
    assert fetcher.local_route(f"{BASE_URL}/credentials/abc.png") == ("download", ("abc", "png"))
    assert fetcher.local_route(f"{BASE_URL}/achievements/a-1") == ("achievement", ("a-1",))
    assert fetcher.local_route("HTTP://TestServer:80/issuers/uni/did.json") == ("did", ("uni",))
    for other in (f"{BASE_URL}/verify?url=x", f"{BASE_URL}/credentials/a?x=1",
                  "https://elsewhere.example/issuers/uni/did.json",
                  f"{BASE_URL}.evil.example/credentials/a", f"{BASE_URL}/credentials/a/b"):
        assert fetcher.local_route(other) is None, other


def test_documents_as_served(client, issuer_headers, services) -> None:
    import anyio

    issued = issue(client, issuer_headers, make_achievement(client, issuer_headers))
    fetcher = LocalFetcher(services, resolve=no_network)
    list_url = issued["credential"]["credentialStatus"]["statusListCredential"]

    async def fetch_all():
        return [await fetcher.fetch(url) for url in (
            f"{BASE_URL}/issuers/uni/did.json", list_url, issued["credential"]["id"])]

    did, status_list, credential = anyio.run(fetch_all)
    assert json.loads(did.body) == client.get("/issuers/uni/did.json").json()
    assert status_list.body == client.get(list_url.removeprefix(BASE_URL)).content
    assert credential.body == client.get(f"/credentials/{issued['id']}").content
    assert credential.max_age == 0


async def test_missing_and_foreign(fetcher) -> None:
    with pytest.raises(HttpStatusError) as caught:
        await fetcher.fetch(f"{BASE_URL}/issuers/nobody/did.json")
    assert caught.value.status == 404
    with pytest.raises(FetchError):
        await fetcher.fetch("https://elsewhere.example/x.json")
    await fetcher.client.aclose()


async def test_own_urls_that_are_not_documents_are_refused_without_a_request(services) -> None:
    """Self-amplification (issue 12.6): a URL of our own origin that is not one of our
    documents (``/verify?url=...`` above all) is refused, for the URL and for a redirect to
    it, and nothing is sent: the transport sees only the outside host's redirect."""
    sent: list[str] = []

    def outside(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"location": f"{BASE_URL}/verify?url=x"})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    fetcher = LocalFetcher(services, resolve=resolve)
    await fetcher.client.aclose()
    fetcher.client = httpx.AsyncClient(transport=httpx.MockTransport(outside))
    try:
        for own in (f"{BASE_URL}/verify?url={BASE_URL}/credentials/a",
                    f"{BASE_URL}/verify/url", f"{BASE_URL}/docs", f"{BASE_URL}/credentials/a?x",
                    "https://testserver/verify?url=x", "HTTP://TESTSERVER:80/%76erify?url=x",
                    # the fully qualified name (a trailing dot) is the same host in DNS
                    "https://testserver./verify?url=x", "https://TestServer.:443/verify/url"):
            with pytest.raises(FetchRefused, match="does not send requests to itself"):
                await fetcher.fetch(own)
        assert sent == []
        with pytest.raises(FetchRefused, match="own URL"):
            await fetcher.fetch("https://elsewhere.example/redirect")
        assert len(sent) == 1 and "elsewhere" not in sent[0]  # pinned to the checked address
    finally:
        await fetcher.client.aclose()


def test_redirect_to_our_own_document_is_read_locally(client, issuer_headers, services) -> None:
    import anyio

    issued = issue(client, issuer_headers, make_achievement(client, issuer_headers))

    def outside(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": issued["credential"]["id"]})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    async def run() -> tuple[bytes, bytes]:
        fetcher = LocalFetcher(services, resolve=resolve)
        await fetcher.client.aclose()
        fetcher.client = httpx.AsyncClient(transport=httpx.MockTransport(outside))
        try:
            fetched = await fetcher.fetch("https://elsewhere.example/badge")
            baked = await fetcher.fetch(f"{BASE_URL}/credentials/{issued['id']}.png",
                                        max_bytes=8 * 1024 * 1024)
            return fetched.body, baked.body
        finally:
            await fetcher.client.aclose()

    body, baked = anyio.run(run)
    assert body == client.get(f"/credentials/{issued['id']}").content
    assert baked == client.get(f"/credentials/{issued['id']}.png").content
