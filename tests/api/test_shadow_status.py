"""Shadow bits end to end: a revocable and suspendable Open Badges credential (one
``suspension`` entry, ``statusSize`` 2) fails both in a conforming verifier (BSL v1.0 §3.2:
the value of statusSize bits at statusListIndex x statusSize; ``valid`` is ``status == 0``) and
in a reader that ignores statusSize and reads the one bit at position statusListIndex (as
@digitalbazaar/vc-bitstring-status-list 2.0.1 does), on the list as published and decoded,
whichever route changed it: the single routes, the batch route, VC-API Update Status."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.status import bsl_reference as ref
from vcissuer.issuance.context import Services


def _published(client: TestClient, credential: dict[str, Any]) -> tuple[int, str, bool]:
    """(§3.2 value, the one bit at statusListIndex, §3.2 valid) from the served list."""
    entry = credential["credentialStatus"]
    listed = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
    assert listed.status_code == 200, listed.text
    conforming = ref.validate(entry, listed.json())
    bits = ref.expand(listed.json()["credentialSubject"]["encodedList"])
    return conforming["status"], bits[int(entry["statusListIndex"])], conforming["valid"]


def test_every_route_leaves_both_readings_right(client: TestClient, services: Services,
                                                admin: dict[str, str]) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers, suspendable=True)
    issued = []
    for n in range(6):
        response = client.post("/issuers/uni/credentials", headers=headers,
                               json=assessment(achievement["id"], ref=f"s{n}"))
        assert response.status_code == 201, response.text
        issued.append(response.json())
    credentials = [i["credential"] for i in issued]
    entries = [c["credentialStatus"] for c in credentials]
    assert {(e["statusPurpose"], e["statusSize"]) for e in entries} == {("suspension", 2)}
    assert len({e["statusListCredential"] for e in entries}) == 1
    assert all(_published(client, c) == (0, "0", True) for c in credentials)

    def route(n: int, action: str) -> None:
        response = client.post(f"/issuers/uni/credentials/{issued[n]['id']}/{action}",
                               headers=headers, json={"reason": "test"})
        assert response.status_code == 200, response.text

    def vc_api(n: int, purpose: str, status: bool) -> None:
        response = client.post("/credentials/status", headers=headers, json={
            "credentialId": credentials[n]["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": status})
        assert response.status_code == 200, response.text

    route(0, "revoke")
    route(1, "suspend")
    response = client.post("/issuers/uni/credentials/status", headers=headers, json={
        "action": "revoke", "reason": "batch", "ids": [issued[2]["id"], issued[3]["id"]]})
    assert response.status_code == 200, response.text
    vc_api(4, "suspension", True)
    expected = [(2, "1", False), (1, "1", False), (2, "1", False), (2, "1", False),
                (1, "1", False), (0, "0", True)]
    assert [_published(client, c) for c in credentials] == expected
    route(1, "reinstate")
    vc_api(4, "suspension", False)
    expected[1] = expected[4] = (0, "0", True)
    assert [_published(client, c) for c in credentials] == expected
