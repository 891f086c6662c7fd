"""Batches: each item its own outcome. Retries: never two credentials for one assessment."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    return headers, make_achievement(client, headers)


def test_retry_returns_the_first_credential(client, setup) -> None:
    headers, achievement = setup
    first = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"]))
    again = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_mixed_batch(client, setup) -> None:
    headers, achievement = setup
    client.post("/issuers/uni/credentials", headers=headers,
                json=assessment(achievement["id"], ref="done-before"))
    items = [
        assessment(achievement["id"], ref="good-1"),
        assessment(achievement["id"], ref="bad-score",
                   results=[{"resultDescription": "lo1", "value": "10"},
                            {"resultDescription": "lo2", "achievedLevel": "pass"}]),
        {"assessmentRef": "malformed", "recipient": "nobody"},
        assessment(achievement["id"], ref="done-before"),
        assessment(achievement["id"], ref="good-2", recipient={"did": "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"}),
        assessment(achievement["id"], ref="good-1"),  # a repeat inside the batch
        assessment("00000000-0000-0000-0000-000000000000", ref="no-achievement"),
        "not even an object",
    ]
    response = client.post("/issuers/uni/credentials/batch", headers=headers,
                           json={"items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    outcomes = [(i["index"], i["outcome"]) for i in body["items"]]
    assert outcomes == [(0, "issued"), (1, "rejected"), (2, "rejected"), (3, "already-issued"),
                        (4, "issued"), (5, "already-issued"), (6, "rejected"), (7, "rejected")]
    assert (body["issued"], body["alreadyIssued"], body["rejected"]) == (2, 2, 4)
    assert body["items"][5]["credentialId"] == body["items"][0]["credentialId"]
    rejected = body["items"][1]["problem"]
    assert rejected["status"] == 422
    assert rejected["errors"][0]["field"] == "results[0].value"
    assert body["items"][2]["problem"]["errors"][0]["field"].startswith("items[2]")
    assert body["items"][6]["problem"]["status"] == 404
    listing = client.get("/issuers/uni/credentials?limit=100", headers=headers).json()
    assert len(listing["items"]) == 3


def test_batch_limits(client, setup) -> None:
    headers, achievement = setup
    too_many = {"items": [assessment(achievement["id"], ref=f"r{i}") for i in range(1001)]}
    response = client.post("/issuers/uni/credentials/batch", headers=headers, json=too_many)
    assert response.status_code in (413, 422)
    assert client.post("/issuers/uni/credentials/batch", headers=headers,
                       json={"items": []}).status_code == 422


def test_concurrent_duplicate_requests_issue_once(services: Services, setup) -> None:
    headers, achievement = setup
    app = create_app(services)

    async def hammer() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            body = assessment(achievement["id"], ref="raced")
            single = [http.post("/issuers/uni/credentials", headers=headers, json=body)
                      for _ in range(8)]
            batch = [http.post("/issuers/uni/credentials/batch", headers=headers,
                               json={"items": [body]}) for _ in range(4)]
            return await asyncio.gather(*single, *batch)

    responses = asyncio.run(hammer())
    ids = set()
    for response in responses[:8]:
        assert response.status_code in (200, 201), response.text
        ids.add(response.json()["id"])
    for response in responses[8:]:
        assert response.status_code == 200, response.text
        ids.add(response.json()["items"][0]["credentialId"])
    assert len(ids) == 1
    assert sum(r.status_code == 201 for r in responses[:8]) <= 1


def test_pagination_and_filters(client, setup) -> None:
    headers, achievement = setup
    for i in range(5):
        recipient = {"email": "same@example.org"} if i % 2 == 0 else {"email": f"o{i}@example.org"}
        client.post("/issuers/uni/credentials", headers=headers,
                    json=assessment(achievement["id"], ref=f"p{i}", recipient=recipient))
    seen, cursor = [], None
    while True:
        url = "/issuers/uni/credentials?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json()
        seen += [c["assessmentRef"] for c in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [f"p{i}" for i in range(5)]
    mine = client.get("/issuers/uni/credentials?recipient=SAME@example.org",
                      headers=headers).json()
    assert [c["assessmentRef"] for c in mine["items"]] == ["p0", "p2", "p4"]
    by_ref = client.get("/issuers/uni/credentials?assessmentRef=p3", headers=headers).json()
    assert [c["assessmentRef"] for c in by_ref["items"]] == ["p3"]
    by_achievement = client.get(f"/issuers/uni/credentials?achievement={achievement['id']}",
                                headers=headers).json()
    assert len(by_achievement["items"]) == 5
