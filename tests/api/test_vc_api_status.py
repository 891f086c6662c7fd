"""VC-API status: ``options.credentialStatus`` on ``POST /credentials/issue`` and the
``POST /credentials/status`` update operation (https://w3c-ccg.github.io/vc-api/#update-status).

Entries come from the issuer's own lists, the list is served at its URL and verifies, and
our verifier reads what the update wrote (revoked, suspended, or the message of a value).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import bitstring_status_entries
from vcissuer.store import AuditRepository, IssuerRepository
from vcissuer.verify import verify_credential
from vcissuer.verify.documents import Retrieved

MESSAGES = [{"status": "0x0", "message": "pending_review"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
            {"status": "0x3", "message": "undefined"}]


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    make_issuer(client, admin, slug="other")
    return bearer(api_key(services, issuer_slug="uni"))


def _credential(client: TestClient, n: int = 1) -> dict:
    did = client.get("/issuers/uni/did.json").json()["id"]
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": f"urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c{n}",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": {"name": "Example University"}},
    }


def _issue(client: TestClient, headers, option: dict, n: int = 1) -> dict:
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": _credential(client, n),
                                 "options": {"credentialStatus": option}})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _verify(client: TestClient, vc: dict):
    """Our verifier over the list as served (fetched through the app, proof checked)."""
    document = client.get("/issuers/uni/did.json").json()
    documents = {}
    for entry in bitstring_status_entries(vc):
        listed = client.get(entry.status_list_credential.removeprefix("http://testserver"))
        assert listed.status_code == 200, listed.text
        documents[entry.status_list_credential] = listed.json()
    return verify_credential(vc, resolver=StaticResolver({document["id"]: document}),
                             retrieved=Retrieved.of(documents))


def _update(client: TestClient, headers, credential_id: str, purpose: str, status):
    return client.post("/credentials/status", headers=headers, json={
        "credentialId": credential_id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
        "status": status})


@pytest.mark.parametrize("purpose", ["revocation", "suspension", "message"])
def test_option_adds_an_entry_from_the_issuers_lists(client, setup, purpose) -> None:
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry", "statusPurpose": purpose})
    entry = vc["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == purpose
    assert entry["statusListCredential"].startswith("http://testserver/status/uni/")
    assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
    listed = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
    assert listed.status_code == 200
    assert listed.json()["credentialSubject"]["statusPurpose"] == purpose
    report = _verify(client, vc)
    assert report.verified, report.to_json()
    assert report.check("status").outcome.value == "passed"


def test_revoke_through_vc_api_update(client, setup, services) -> None:
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry",
                                "statusPurpose": "revocation"})
    response = _update(client, setup, vc["id"], "revocation", True)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "revoked"
    report = _verify(client, vc)
    assert report.revoked and not report.verified
    # Revocation is final (BSL §2.1: "This status is not reversible").
    again = _update(client, setup, vc["id"], "revocation", False)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "status"
    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get_by_slug("uni")
        audit = AuditRepository(session).list(issuer_id=issuer.id,
                                              subject=response.json()["id"])
        assert [a.action for a in audit.items] == ["credential.revoke"]
        assert audit.items[0].details["via"] == "vc-api"


def test_suspend_and_reinstate_through_vc_api_update(client, setup) -> None:
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry",
                                "statusPurpose": "suspension"})
    assert _update(client, setup, vc["id"], "suspension", True).status_code == 200
    report = _verify(client, vc)
    assert report.suspended and not report.revoked and not report.verified
    # The VC-API spec's own example names the type "BitstringStatusList".
    response = client.post("/credentials/status", headers=setup, json={
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "suspension"},
        "status": False})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "active"
    assert _verify(client, vc).verified
    unknown = client.post("/credentials/status", headers=setup, json={
        "credentialId": vc["id"],
        "credentialStatus": {"type": "StatusList2021Entry", "statusPurpose": "suspension"},
        "status": True})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"].endswith("credentialStatus.type")


def test_message_entry_reports_the_message_of_its_value(client, setup) -> None:
    """BSL §3.2 step 13: for statusPurpose message the result carries the statusMessage
    message of the value; a message status does not invalidate the credential here."""
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry", "statusPurpose": "message",
                                "statusSize": 2, "statusMessage": MESSAGES,
                                "statusReference": "https://example.org/status-dictionary/"})
    entry = vc["credentialStatus"]
    assert entry["statusSize"] == 2 and entry["statusMessage"] == MESSAGES
    assert entry["statusReference"] == "https://example.org/status-dictionary/"
    listed = client.get(entry["statusListCredential"].removeprefix("http://testserver")).json()
    bits = Bitstring.decode(listed["credentialSubject"]["encodedList"], minimum_bits=0)
    # 131,072 entries of 2 bits each (BSL §3.2 step 9 counts entries, not bits).
    assert bits.size == 131_072 * 2
    assert _verify(client, vc).statuses[0].message == "pending_review"
    response = _update(client, setup, vc["id"], "message", "0x2")
    assert response.status_code == 200, response.text
    report = _verify(client, vc)
    (result,) = report.statuses
    assert (result.status, result.message, result.valid) == (2, "rejected", False)
    assert report.verified  # informational
    too_big = _update(client, setup, vc["id"], "message", "0x4")
    assert too_big.status_code == 409


@pytest.mark.parametrize(("option", "field"), [
    ({"type": "StatusList2021Entry"}, "options.credentialStatus.type"),
    ({"type": "BitstringStatusListEntry", "statusPurpose": "refresh"},
     "options.credentialStatus.statusPurpose"),
    ({"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusSize": 2},
     "options.credentialStatus.statusMessage"),
    ({"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusSize": 2,
      "statusMessage": MESSAGES[:3]}, "options.credentialStatus.statusMessage"),
    ({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusSize": 2},
     "options.credentialStatus.statusSize"),
    ({"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusSize": 9},
     "options.credentialStatus.statusSize"),
])
def test_bad_options_are_422_naming_the_field(client, setup, option, field) -> None:
    response = client.post("/credentials/issue", headers=setup,
                           json={"credential": _credential(client),
                                 "options": {"credentialStatus": option}})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"].removeprefix("body.") for e in response.json()["errors"]]


def test_credential_with_its_own_status_and_the_option_is_422(client, setup) -> None:
    credential = _credential(client)
    credential["credentialStatus"] = {"id": "https://example.com/s#1", "type": "X"}
    response = client.post("/credentials/issue", headers=setup, json={
        "credential": credential,
        "options": {"credentialStatus": {"type": "BitstringStatusListEntry"}}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "options.credentialStatus"


def test_tenants_cannot_touch_each_others_credentials(client, setup, services) -> None:
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry",
                                "statusPurpose": "revocation"})
    other = bearer(api_key(services, issuer_slug="other"))
    assert _update(client, other, vc["id"], "revocation", True).status_code == 404
    no_revoke = bearer(api_key(services, issuer_slug="uni", scopes=["issue"]))
    assert _update(client, no_revoke, vc["id"], "revocation", True).status_code == 403
    assert _verify(client, vc).verified


def test_ob_credentials_by_url_and_unknown_ids(client, setup) -> None:
    assert _update(client, setup, "urn:uuid:nobody", "revocation", True).status_code == 404
    vc = _issue(client, setup, {"type": "BitstringStatusListEntry",
                                "statusPurpose": "revocation"}, n=2)
    # The entry, when named, must be the credential's own.
    response = client.post("/credentials/status", headers=setup, json={
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                             "statusListIndex": "999999999"},
        "status": True})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "credentialStatus.statusListIndex"
