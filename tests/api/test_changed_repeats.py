"""Idempotency never hides changed data: the same assessmentRef with other content is a 409
naming the fields that differ (RFC 9457 problem+json); the same content is still a 200."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.issuance.context import Services


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    return headers, make_achievement(client, headers)


def test_same_reference_same_content_is_the_first_credential(client, setup) -> None:
    headers, achievement = setup
    first = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"]))
    # The same record, spelt differently: email case, full achievement id, result order,
    # another timezone for the same instant.
    same = assessment(f"http://testserver/achievements/{achievement['id']}",
                      recipient={"email": "learner@example.ORG", "name": "Ada Learner"},
                      results=[{"resultDescription": "lo2", "achievedLevel": "merit"},
                               {"resultDescription": "lo1", "value": "72"}],
                      activityStartDate="2025-01-13T10:00:00+01:00")
    again = client.post("/issuers/uni/credentials", headers=headers, json=same)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["id"] == first.json()["id"]


def test_another_recipient_or_mark_is_a_conflict(client, setup) -> None:
    headers, achievement = setup
    first = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"])).json()
    changed = assessment(achievement["id"],
                         recipient={"email": "someone.else@example.org", "name": "Ada Learner"},
                         results=[{"resultDescription": "lo1", "value": "85"},
                                  {"resultDescription": "lo2", "achievedLevel": "merit"}])
    response = client.post("/issuers/uni/credentials", headers=headers, json=changed)
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["credentialId"] == first["id"]
    assert {e["field"] for e in problem["errors"]} == {"recipient.email", "results"}
    assert {e["rule"] for e in problem["errors"]} == {"differs-from-issued"}
    # Nothing was issued for the changed record.
    listing = client.get("/issuers/uni/credentials", headers=headers).json()
    assert len(listing["items"]) == 1


def test_batch_items_with_changed_data_are_409_alone(client, setup) -> None:
    headers, achievement = setup
    client.post("/issuers/uni/credentials", headers=headers,
                json=assessment(achievement["id"], ref="before"))
    items = [
        assessment(achievement["id"], ref="before"),  # true retry
        assessment(achievement["id"], ref="before", creditsEarned=10),  # changed
        assessment(achievement["id"], ref="new"),
        assessment(achievement["id"], ref="new",
                   recipient={"email": "other@example.org"}),  # changed repeat in the batch
        assessment(achievement["id"], ref="new"),  # true repeat in the batch
    ]
    body = client.post("/issuers/uni/credentials/batch", headers=headers,
                       json={"items": items}).json()
    outcomes = [(i["index"], i["outcome"]) for i in body["items"]]
    assert outcomes == [(0, "already-issued"), (1, "rejected"), (2, "issued"),
                        (3, "rejected"), (4, "already-issued")]
    assert body["items"][1]["problem"]["status"] == 409
    assert [e["field"] for e in body["items"][1]["problem"]["errors"]] == ["creditsEarned"]
    assert [e["field"] for e in body["items"][3]["problem"]["errors"]] == [
        "recipient.email", "recipient.name"]
    assert body["items"][3]["credentialId"] == body["items"][2]["credentialId"]


def test_the_fingerprint_keeps_no_plaintext(client, setup, services: Services) -> None:
    from vcissuer.store import CredentialRepository

    headers, achievement = setup
    created = client.post("/issuers/uni/credentials", headers=headers,
                          json=assessment(achievement["id"])).json()
    with services.db.session_scope(read_only=True) as session:
        record = CredentialRepository(session).get_public(created["id"])
        assert record is not None and record.request_fingerprint
        fingerprint = dict(record.request_fingerprint)
    assert {"recipient.email", "results", "achievementId"} <= set(fingerprint)
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in fingerprint.values())
