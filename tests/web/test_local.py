"""The pages' fetcher reads this service's own documents from the database, as served."""

from __future__ import annotations

import json

import pytest

from tests.web.conftest import BASE_URL, issue, make_achievement, no_network
from vcissuer.net import FetchError, HttpStatusError
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
    for other in (f"{BASE_URL}/issuers/uni", f"{BASE_URL}/credentials/a?x=1",
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
