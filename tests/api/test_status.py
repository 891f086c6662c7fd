"""Revoke, suspend, reinstate end to end: the served status list has the right bits and a
valid signature; revoked is final; another issuer's key cannot touch it; every change audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.credentials.schema import validate_achievement_credential
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.proofs import verify_proofs
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import bitstring_status_entries


@pytest.fixture
def world(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    make_issuer(client, admin, slug="other")
    headers = bearer(api_key(services, issuer_slug="uni"))
    revocable = make_achievement(client, headers)
    suspendable = make_achievement(client, headers, suspendable=True)
    return headers, revocable, suspendable


def _issue(client, headers, achievement, ref):
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], ref=ref))
    assert response.status_code == 201, response.text
    return response.json()


def _status(client, credential) -> int:
    """The credential's status value in its published, verified list (statusSize bits)."""
    entry = bitstring_status_entries(credential)[0]
    path = entry.status_list_credential.removeprefix("http://testserver")
    response = client.get(path)
    assert response.status_code == 200
    listed = response.json()
    document = client.get("/issuers/uni/did.json").json()
    assert verify_proofs(listed, resolver=StaticResolver({document["id"]: document})).verified
    bits = Bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert listed["credentialSubject"]["statusPurpose"] == entry.status_purpose
    return bits.get_status(entry.status_list_index, status_size=entry.status_size)


def test_credentials_carry_one_status_entry(client, world) -> None:
    headers, revocable, suspendable = world
    a = _issue(client, headers, revocable, "a")["credential"]
    b = _issue(client, headers, suspendable, "b")["credential"]
    for credential, purpose in ((a, "revocation"), (b, "suspension")):
        status = credential["credentialStatus"]
        assert isinstance(status, dict) and status["type"] == "BitstringStatusListEntry"
        assert status["statusPurpose"] == purpose
        assert isinstance(status["statusListIndex"], str)
        assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
        assert validate_achievement_credential(credential) == []


def test_revoke_is_final_and_published(client, world) -> None:
    headers, revocable, _ = world
    issued = _issue(client, headers, revocable, "r")
    assert _status(client, issued["credential"]) == 0
    response = client.post(f"/issuers/uni/credentials/{issued['id']}/revoke", headers=headers,
                           json={"reason": "awarded in error"})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "revoked"
    assert _status(client, issued["credential"]) == 1
    again = client.post(f"/issuers/uni/credentials/{issued['id']}/reinstate", headers=headers,
                        json={"reason": "oops"})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    history = client.get(f"/issuers/uni/credentials/{issued['id']}", headers=headers).json()
    assert history["state"] == "revoked"
    assert [(h["action"], h["reason"]) for h in history["history"]] == [
        ("credential.revoke", "awarded in error")]


def test_suspend_and_reinstate(client, world) -> None:
    headers, _, suspendable = world
    issued = _issue(client, headers, suspendable, "s")
    url = f"/issuers/uni/credentials/{issued['id']}"
    assert client.post(f"{url}/suspend", headers=headers,
                       json={"reason": "under investigation"}).status_code == 200
    assert _status(client, issued["credential"]) == 1
    assert client.post(f"{url}/reinstate", headers=headers,
                       json={"reason": "cleared"}).status_code == 200
    assert _status(client, issued["credential"]) == 0
    assert client.get(url, headers=headers).json()["state"] == "active"


def test_revoked_suspendable_credential_reads_revoked_and_fails_everywhere(
        client, world) -> None:
    """A credential that is both revocable and suspendable has one suspension entry of
    statusSize 2 (OB 3.0: one credentialStatus). BSL §2.1: statusMessage has 2**statusSize
    elements; §3.2 step 12: any non-zero value is ``valid: false``, so every conforming
    verifier fails a revoked credential; ours reads the value's message and says revoked."""
    from tests.status import bsl_reference as ref
    from vcissuer.verify import verify_credential
    from vcissuer.verify.documents import Retrieved

    headers, _, suspendable = world
    issued = _issue(client, headers, suspendable, "sr")
    credential = issued["credential"]
    entry = credential["credentialStatus"]
    assert (entry["statusPurpose"], entry["statusSize"]) == ("suspension", 2)
    assert [m["message"] for m in entry["statusMessage"]] == [
        "active", "suspended", "revoked", "undefined"]
    assert validate_achievement_credential(credential) == []
    url = f"/issuers/uni/credentials/{issued['id']}"
    document = client.get("/issuers/uni/did.json").json()

    def check() -> tuple[dict, object]:
        listed = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
        report = verify_credential(
            credential, resolver=StaticResolver({document["id"]: document}),
            retrieved=Retrieved.of({entry["statusListCredential"]: listed.json()}))
        return ref.validate(entry, listed.json()), report

    conforming, report = check()
    assert conforming["valid"] and report.verified
    client.post(f"{url}/suspend", headers=headers).raise_for_status()
    conforming, report = check()
    assert (conforming["valid"], conforming["status"]) == (False, 1)
    assert report.suspended and not report.revoked
    client.post(f"{url}/revoke", headers=headers).raise_for_status()
    conforming, report = check()
    assert (conforming["valid"], conforming["status"]) == (False, 2)
    assert report.revoked and not report.suspended and not report.verified
    assert report.to_json()["status"][0]["message"] == "revoked"
    assert "REVOKED" in {p.code.rsplit("#", 1)[-1] for p in report.problems()}


def test_suspending_a_revocation_only_credential_is_409(client, world) -> None:
    headers, revocable, _ = world
    issued = _issue(client, headers, revocable, "x")
    response = client.post(f"/issuers/uni/credentials/{issued['id']}/suspend", headers=headers)
    assert response.status_code == 409


def test_another_issuers_key_cannot_touch_it(client, services, world) -> None:
    headers, revocable, _ = world
    issued = _issue(client, headers, revocable, "t")
    other = bearer(api_key(services, issuer_slug="other"))
    assert client.post(f"/issuers/uni/credentials/{issued['id']}/revoke",
                       headers=other).status_code == 403
    # Through its own issuer's path the id is simply not found.
    assert client.post(f"/issuers/other/credentials/{issued['id']}/revoke",
                       headers=other).status_code == 404
    assert _status(client, issued["credential"]) == 0


def test_batch_status_change(client, world) -> None:
    headers, revocable, _ = world
    ids = [_issue(client, headers, revocable, f"b{i}")["id"] for i in range(3)]
    response = client.post("/issuers/uni/credentials/status", headers=headers,
                           json={"action": "revoke", "reason": "cohort withdrawn",
                                 "ids": [*ids, "00000000-0000-0000-0000-000000000000"]})
    assert response.status_code == 200, response.text
    outcomes = [i["outcome"] for i in response.json()["items"]]
    assert outcomes == ["changed", "changed", "changed", "not_found"]


def test_status_list_caching_headers(client, world) -> None:
    headers, revocable, _ = world
    credential = _issue(client, headers, revocable, "c")["credential"]
    path = credential["credentialStatus"]["statusListCredential"].removeprefix("http://testserver")
    first = client.get(path)
    assert "max-age" in first.headers["cache-control"] and first.headers["etag"]
    assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    # Unchanged bits: the same signed list is served again (not re-signed).
    assert client.get(path).text == first.text


def test_1edtech_revocation_list(client, services, admin) -> None:
    make_issuer(client, admin, slug="rl", revocationList=True)
    headers = bearer(api_key(services, issuer_slug="rl"))
    achievement = make_achievement(client, headers, slug="rl")
    issued = client.post("/issuers/rl/credentials", headers=headers,
                         json=assessment(achievement["id"])).json()
    status = issued["credential"]["credentialStatus"]
    assert status["type"] == "1EdTechRevocationList"
    path = status["id"].removeprefix("http://testserver")
    assert client.get(path).json()["revokedCredentials"] == []
    client.post(f"/issuers/rl/credentials/{issued['id']}/revoke", headers=headers)
    listed = client.get(path).json()["revokedCredentials"]
    assert listed == [{"id": issued["credential"]["id"], "revoked": True}]


def test_vc_api_status_update_reaches_ob_credentials(client, world, services) -> None:
    """VC-API ``POST /credentials/status`` names an OB credential by its URL (or our id):
    the same state change, bits and audit row as the issuer routes."""
    headers, _, suspendable = world
    issued = _issue(client, headers, suspendable, "vc-api-ob")
    credential = issued["credential"]

    def update(purpose: str, status: bool, key=headers):
        return client.post("/credentials/status", headers=key, json={
            "credentialId": credential["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": status})

    other = bearer(api_key(services, issuer_slug="other"))
    assert update("revocation", True, key=other).status_code == 404
    assert update("suspension", True).json()["state"] == "suspended"
    assert _status(client, credential) == 1
    assert update("revocation", True).json()["state"] == "revoked"
    assert _status(client, credential) == 2
    assert update("suspension", False).status_code == 409  # revoked is final
    history = client.get(f"/issuers/uni/credentials/{issued['id']}", headers=headers).json()
    assert [h["action"] for h in history["history"]] == ["credential.suspend",
                                                         "credential.revoke"]
