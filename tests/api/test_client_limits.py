"""Issues 12.7 and 15.9: who a request is counted against, and rate limits as settings.

X-Forwarded-For is believed only from a configured trusted proxy (none by default), and then
only up to the first address that is not a trusted proxy (from the right). Each route family
has its own per-address limit, set by ``VCISSUER_RATE_LIMIT_<FAMILY>`` (0: off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from vcissuer.api.app import create_app
from vcissuer.api.asgi import app_options
from vcissuer.api.ratelimit import client_address, proxy_networks
from vcissuer.issuance.context import Services
from vcissuer.settings import Settings

PEER = "127.0.0.1"


def _scope(peer: str, *forwarded: str) -> dict:
    return {"type": "http", "client": (peer, 50000),
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


def test_forwarded_for_is_ignored_without_a_trusted_proxy() -> None:
    assert client_address(_scope(PEER, "203.0.113.9")) == PEER
    assert client_address(_scope("198.51.100.7", "203.0.113.9"),
                          proxy_networks(["10.0.0.0/8"])) == "198.51.100.7"


def test_the_client_is_the_rightmost_untrusted_forwarded_address() -> None:
    proxies = proxy_networks(["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"])
    # What the client wrote itself (left) is not believed: the proxy appended its peer.
    assert client_address(_scope(PEER, "1.1.1.1, 203.0.113.9"), proxies) == "203.0.113.9"
    # Through two trusted proxies; two headers count as one list.
    assert client_address(_scope(PEER, "6.6.6.6, 203.0.113.9", "10.1.2.3"),
                          proxies) == "203.0.113.9"
    assert client_address(_scope(PEER, "[2001:db9::5]:443, 10.0.0.4"), proxies) == "2001:db9::5"
    assert client_address(_scope(PEER, "203.0.113.9:51000"), proxies) == "203.0.113.9"
    # Every hop a trusted proxy: the leftmost; no header at all: the peer.
    assert client_address(_scope(PEER, "10.0.0.7, 10.0.0.8"), proxies) == "10.0.0.7"
    assert client_address(_scope(PEER), proxies) == PEER
    # Junk right of every real address is still a key of its own, not the proxy's.
    assert client_address(_scope(PEER, "203.0.113.9, junk"), proxies) == "junk"
    # IPv4 peers that arrive as IPv4-mapped IPv6 addresses match IPv4 ranges.
    assert client_address(_scope("::ffff:10.0.0.1", "203.0.113.9"), proxies) == "203.0.113.9"


@contextmanager
def _client(services: Services, **settings: object) -> Iterator[TestClient]:
    app = create_app(services, **app_options(Settings.for_tests(**settings)))
    with TestClient(app, client=(PEER, 50000)) as client:
        yield client


def _verify_codes(client: TestClient, forwarded: list[str]) -> list[int]:
    return [client.post("/credentials/verify", json={},
                        headers={"X-Forwarded-For": value}).status_code for value in forwarded]


def test_a_rotating_forwarded_for_changes_nothing_without_a_configured_proxy(
        services: Services) -> None:
    """The bypass of issue 12.7: 1,500 of 1,500 requests got through from 127.0.0.1."""
    with _client(services, rate_limit_verify=1, rate_limit_verify_burst=3) as client:
        codes = _verify_codes(client, [f"203.0.113.{i}" for i in range(6)])
    assert codes == [422, 422, 422, 429, 429, 429]


def test_with_a_configured_proxy_the_limit_keys_on_the_forwarded_client(
        services: Services) -> None:
    with _client(services, rate_limit_verify=1, rate_limit_verify_burst=2,
                 trusted_proxies="127.0.0.1, 10.0.0.0/8") as client:
        assert _verify_codes(client, [f"203.0.113.{i}" for i in range(6)]) == [422] * 6
        # One client, whatever it writes to the left of what the proxy appended.
        spoofed = [f"198.51.100.{i}, 203.0.113.50" for i in range(3)]
        assert _verify_codes(client, spoofed) == [422, 422, 429]


def test_rate_limits_are_settings_per_family(services: Services) -> None:
    with _client(services, rate_limit_verify=0, rate_limit_wallet=1,
                 rate_limit_wallet_burst=2) as client:
        assert _verify_codes(client, ["x"] * 30) == [422] * 30  # 0: off
        wallet = [client.post("/oid4vci/token", data={}).status_code for _ in range(3)]
        assert wallet[:2] != [429, 429] and wallet[2] == 429
    with _client(services, rate_limit_verify=1, rate_limit_verify_burst=1) as client:
        assert _verify_codes(client, ["x"] * 2) == [422, 429]
        # Families have their own buckets.
        assert client.post("/oid4vci/token", data={}).status_code != 429


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCISSUER_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16 ::1")
    monkeypatch.setenv("VCISSUER_RATE_LIMIT_VERIFY", "0")
    monkeypatch.setenv("VCISSUER_RATE_LIMIT_WALLET_BURST", "7")
    settings = Settings()
    assert settings.trusted_proxies == ("10.0.0.5", "10.1.0.0/16", "::1")
    assert settings.rate_limits() == {"verify": (0.0, 20), "wallet": (5.0, 7)}
    assert Settings.for_tests().trusted_proxies == ()


@pytest.mark.parametrize("values", [
    {"trusted_proxies": "10.0.0.0/8, proxy.example"},
    {"rate_limit_verify": -1},
    {"rate_limit_wallet_burst": 0},
])
def test_bad_settings_are_refused(values: dict) -> None:
    with pytest.raises(ValidationError):
        Settings.for_tests(**values)
