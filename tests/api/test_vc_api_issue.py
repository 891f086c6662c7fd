"""VC-API POST /credentials/issue: a caller's own credential, claims kept exactly as sent."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_issuer
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.verify import verify_credential


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    issuer = make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni")), issuer["did"]


def _credential(did: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": {"name": "Example University"}},
    }


def test_issue_keeps_claims_and_verifies(client, setup) -> None:
    headers, did = setup
    sent = _credential(did)
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": sent, "options": {}})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert {k: v for k, v in vc.items() if k != "proof"} == sent
    document = client.get("/issuers/uni/did.json").json()
    assert verify_credential(vc, resolver=StaticResolver({document["id"]: document})).verified


def test_vc_1_1_credentials(client, setup) -> None:
    headers, did = setup
    sent = {"@context": ["https://www.w3.org/2018/credentials/v1",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"], "issuer": did,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:123"}}
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": sent})
    assert response.status_code == 201, response.text


def test_idempotency_key(client, setup) -> None:
    headers, did = setup
    body = {"credential": _credential(did)}
    first = client.post("/credentials/issue", headers={**headers, "Idempotency-Key": "k1"},
                        json=body)
    again = client.post("/credentials/issue", headers={**headers, "Idempotency-Key": "k1"},
                        json=body)
    assert first.json() == again.json()


def _broken(did: str, mutate) -> dict:
    credential = copy.deepcopy(_credential(did))
    mutate(credential)
    return credential


CASES = {
    "undefined term": (lambda c: c.update({"@context": c["@context"][:1], "foo": 1}),
                       "credential.", "undefined-term"),
    "undefined type": (lambda c: c.update({"@context": c["@context"][:1],
                                           "credentialSubject": {"id": "did:example:1"}}),
                       "credential.", "undefined-term"),
    "no subject": (lambda c: c.pop("credentialSubject"), "credential.credentialSubject",
                   "required"),
    "id not a url": (lambda c: c.update(id="not a url"), "credential.id", "url"),
    "validFrom after validUntil": (lambda c: c.update(validUntil="2024-01-01T00:00:00Z"),
                                   "credential.validFrom", "before-end"),
    "bad validFrom": (lambda c: c.update(validFrom="yesterday"), "credential.validFrom",
                      "datetime"),
    "malformed status": (lambda c: c.update(credentialStatus={"id": "https://x.example/1"}),
                         "credential.credentialStatus[0]", "malformed"),
    "malformed schema": (lambda c: c.update(credentialSchema=[{"type": "JsonSchema"}]),
                         "credential.credentialSchema[0]", "malformed"),
    "another issuer": (lambda c: c.update(issuer="did:web:elsewhere.example"),
                       "credential.issuer", "issuer"),
    "unknown context": (lambda c: c["@context"].append("https://unknown.example/ctx"),
                        "credential.@context", "unknown-context"),
    "wrong base context": (lambda c: c.update({"@context": ["https://example.org/ctx"]}),
                           "credential.@context", "base-context"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_credentials_are_refused_with_the_reason(client, setup, case: str) -> None:
    headers, did = setup
    mutate, field, rule = CASES[case]
    response = client.post("/credentials/issue", headers=headers,
                           json={"credential": _broken(did, mutate)})
    assert response.status_code in (400, 422), response.text
    errors = response.json()["errors"]
    assert any(e["field"].startswith(field) and e["rule"] == rule for e in errors), errors
