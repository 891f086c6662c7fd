"""The CCG vc-api issuer test suite's assertions, against POST /credentials/issue.

https://w3c-ccg.github.io/vc-api/#issue-credential — its "Issue Credential - Data Integrity"
tests send a VCDM 1.1 credential with only the base context, an ``issuanceDate`` at whole
seconds, a ``urn:uuid`` id and the issuer's own id; bad input must be answered 400 or 422 (we
answer 422 problem+json naming the member), never 401 or 5xx.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

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


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _body(did: str) -> dict[str, Any]:
    return {"credential": {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"},
        "issuanceDate": _stamp(datetime.now(UTC)),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "issuer": did,
    }}


def _refused(response) -> None:
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_must_successfully_issue_a_credential(client, setup) -> None:
    headers, did = setup
    response = client.post("/credentials/issue", headers=headers, json=_body(did))
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert "@context" in vc and "VerifiableCredential" in vc["type"]
    assert isinstance(vc["id"], str) and vc["issuer"] == did
    assert isinstance(vc["credentialSubject"], dict) and vc["credentialSubject"]
    assert isinstance(vc["proof"], dict)  # issuedVc.proof.should.be.an('object')
    document = client.get("/issuers/uni/did.json").json()
    assert verify_credential(vc, resolver=StaticResolver({document["id"]: document})).verified


def test_may_have_expiration_date(client, setup) -> None:
    headers, did = setup
    body = _body(did)
    body["credential"]["expirationDate"] = _stamp(datetime.now(UTC) + timedelta(days=365))
    response = client.post("/credentials/issue", headers=headers, json=body)
    assert response.status_code == 201, response.text


def _without(key: str):
    def mutate(body: dict) -> None:
        body["credential"].pop(key)
    return mutate


def _with(key: str, value: Any):
    def mutate(body: dict) -> None:
        body["credential"][key] = copy.deepcopy(value)
    return mutate


def _renamed(body: dict) -> None:
    body["verifiableCredential"] = body.pop("credential")


INVALID = {
    "no credential member": [_renamed],
    "no @context": [_without("@context")],
    "@context not an array": [_with("@context", 4)],
    "@context items not strings": [_with("@context", v) for v in ({"foo": True}, 4, False,
                                                                  None, [])],
    "no type": [_without("type")],
    "type not an array": [_with("type", 4)],
    "type items not strings": [_with("type", v) for v in (None, True, 4, [])],
    "no issuer": [_without("issuer")],
    "issuer not a string or object": [_with("issuer", v) for v in (None, True, 4, [])],
    "no credentialSubject": [_without("credentialSubject")],
    "credentialSubject not an object": [_with("credentialSubject", v) for v in
                                        (None, True, 4, [], "did:example:1234")],
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_input_is_refused(client, setup, case: str) -> None:
    headers, did = setup
    for mutate in INVALID[case]:
        body = _body(did)
        mutate(body)
        _refused(client.post("/credentials/issue", headers=headers, json=body))
