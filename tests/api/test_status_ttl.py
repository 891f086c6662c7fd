"""VCISSUER_STATUS_LIST_TTL: how long a published status list may be cached (BSL v1.0
section 2.2 ``ttl``, in milliseconds, and HTTP Cache-Control max-age, in seconds). No copy is
kept in the process, so a change is in the very next response: the TTL alone bounds how long
a verifier may see the old bit."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from tests.api.conftest import BASE_URL, api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.settings import Settings
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import bitstring_status_entries


def test_the_ttl_setting_is_the_lists_ttl_and_max_age(services: Services, admin) -> None:
    assert Settings.for_tests(status_list_ttl=45).status_list_ttl == 45
    assert Settings.for_tests().status_list_ttl == 300
    with TestClient(create_app(replace(services, status_list_ttl=45))) as client:
        make_issuer(client, admin)
        headers = bearer(api_key(services, issuer_slug="uni"))
        achievement = make_achievement(client, headers)
        issued = client.post("/issuers/uni/credentials", headers=headers,
                             json=assessment(achievement["id"])).json()
        entry = bitstring_status_entries(issued["credential"])[0]
        path = entry.status_list_credential.removeprefix(BASE_URL)
        before = client.get(path)
        assert before.json()["credentialSubject"]["ttl"] == 45_000
        assert before.headers["cache-control"] == "public, max-age=45"
        client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=headers,
                    json={"reason": "test"}).raise_for_status()
        after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        bits = Bitstring.decode(after.json()["credentialSubject"]["encodedList"])
        assert bits.get_status(entry.status_list_index) == 1
        assert after.headers["cache-control"] == "public, max-age=45"
        revocation_list = client.get("/status/uni/revocation-list")
        assert revocation_list.headers["cache-control"] == "public, max-age=45"
