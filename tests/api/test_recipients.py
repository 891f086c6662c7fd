"""Recipients carry every identifier the LMS has (OB 3.0 AchievementSubject.identifier is a
list of IdentityObjects; https://www.imsglobal.org/spec/ob/v3p0/#identityobject). A DID is the
subject id; every other identifier a salted SHA-256 IdentityHash (a fresh salt each)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.credentials.identity import matches_identity
from vcissuer.issuance.context import Services

DID = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    return headers, make_achievement(client, headers)


def _issue(client, headers, achievement, recipient, ref="r1"):
    return client.post("/issuers/uni/credentials", headers=headers,
                       json=assessment(achievement["id"], ref=ref, recipient=recipient))


def _by_type(subject: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for identity in subject.get("identifier", []):
        out.setdefault(identity["identityType"], []).append(identity)
    return out


def test_email_and_student_number_and_more(client, setup) -> None:
    headers, achievement = setup
    response = _issue(client, headers, achievement, {
        "email": "Ada@Example.org", "studentId": "S1234567", "name": "Ada Learner",
        "identifier": [{"identityType": "sourcedId", "value": "c3f1-77"},
                       {"identityType": "ext:OrcidId", "value": "0000-0002-1825-0097"},
                       {"identityType": "userName", "value": "ada", "hashed": False}]})
    assert response.status_code == 201, response.text
    subject = response.json()["credential"]["credentialSubject"]
    assert "id" not in subject
    found = _by_type(subject)
    assert matches_identity(found["emailAddress"][0], "ada@example.org")
    assert matches_identity(found["sisSourcedId"][0], "S1234567")
    assert matches_identity(found["sourcedId"][0], "c3f1-77")
    assert matches_identity(found["ext:OrcidId"][0], "0000-0002-1825-0097")
    assert found["userName"][0] == {"type": "IdentityObject", "identityHash": "ada",
                                    "identityType": "userName", "hashed": False}
    assert found["name"][0]["identityHash"] == "Ada Learner"
    hashed = [i for i in subject["identifier"] if i["hashed"]]
    assert len(hashed) == 4
    assert all(i["identityHash"].startswith("sha256$") for i in hashed)
    assert len({i["salt"] for i in hashed}) == 4  # salted one by one
    assert "S1234567" not in response.text and "ada@example.org" not in response.text.lower()


def test_a_did_is_the_subject_id_and_the_rest_are_identifiers(client, setup) -> None:
    headers, achievement = setup
    response = _issue(client, headers, achievement, {"did": DID, "email": "ada@example.org"})
    assert response.status_code == 201, response.text
    subject = response.json()["credential"]["credentialSubject"]
    assert subject["id"] == DID
    assert [i["identityType"] for i in subject["identifier"]] == ["emailAddress"]


def test_the_listing_finds_the_learner_by_any_identifier(client, setup) -> None:
    headers, achievement = setup
    everything = {"email": "ada@example.org", "studentId": "S1", "did": DID,
                  "identifier": [{"identityType": "sourcedId", "value": "c3f1-77"},
                                 {"identityType": "ext:OrcidId", "value": "0000-0001"}]}
    _issue(client, headers, achievement, everything, ref="one")
    batch = client.post("/issuers/uni/credentials/batch", headers=headers, json={"items": [
        assessment(achievement["id"], ref="two", recipient=everything),
        assessment(achievement["id"], ref="three", recipient={"studentId": "S1"}),
        assessment(achievement["id"], ref="other", recipient={"email": "bo@example.org"}),
    ]})
    assert batch.json()["issued"] == 3, batch.text

    def refs(recipient: str) -> list[str]:
        found = client.get("/issuers/uni/credentials", headers=headers,
                           params={"recipient": recipient}).json()["items"]
        return [c["assessmentRef"] for c in found]

    assert refs("ADA@example.org") == ["one", "two"]
    assert refs("student:S1") == ["one", "two", "three"]
    assert refs(DID) == ["one", "two"]
    assert refs("sourcedId:c3f1-77") == ["one", "two"]
    assert refs("ext:OrcidId:0000-0001") == ["one", "two"]
    assert refs("sourcedId:nobody") == []


@pytest.mark.parametrize(("recipient", "field"), [
    ({"name": "Nobody"}, "recipient"),
    ({}, "recipient"),
    ({"email": "a@example.org", "identifier": [{"identityType": "shoeSize", "value": "9"}]},
     "recipient.identifier[0].identityType"),
    ({"identifier": [{"identityType": "sourcedId", "value": ""}]},
     "recipient.identifier[0].value"),
])
def test_refused_recipients_name_the_field(client, setup, recipient, field) -> None:
    headers, achievement = setup
    response = _issue(client, headers, achievement, recipient)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["field"].removeprefix("body.") == field for e in errors), errors
    if field == "recipient":
        assert "at least one of email, did, studentId, identifier" in errors[0]["message"]


def test_the_rule_is_in_the_request_schema(client) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["RecipientIn"]
    assert "at least one of email, did, studentId" in schema["description"]
    assert "credentialSubject.id" in schema["description"]
