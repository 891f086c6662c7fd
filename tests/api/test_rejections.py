"""Bad input gets a clear problem+json naming the field and the rule; never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.issuance.context import Services


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    return headers, make_achievement(client, headers)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def _fields(body: dict) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"results": [{"resultDescription": "lo1", "value": "39"},
                  {"resultDescription": "lo2", "achievedLevel": "merit"}]},
     "results[0].value", "required-value-not-met"),
    ({"results": [{"resultDescription": "lo1", "value": "72"},
                  {"resultDescription": "lo2", "achievedLevel": "fail"}]},
     "results[1].achievedLevel", "required-level-not-met"),
    ({"results": [{"resultDescription": "lo1", "value": "72"}]},
     "results", "missing-outcome"),
    ({"results": [{"resultDescription": "lo9", "value": "72"}]},
     "results[0].resultDescription", "unknown-outcome"),
    ({"results": [{"resultDescription": "lo1", "value": "172"},
                  {"resultDescription": "lo2", "achievedLevel": "pass"}]},
     "results[0].value", "above-maximum"),
    ({"creditsEarned": 20}, "creditsEarned", "exceeds-available"),
])
def test_assessment_that_does_not_earn_the_award(client, setup, changes, field, rule) -> None:
    headers, achievement = setup
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], **changes))
    body = _problem(response, 422)
    assert {(e["field"], e["rule"]) for e in body["errors"]} >= {(field, rule)}
    # Nothing was issued.
    listing = client.get("/issuers/uni/credentials", headers=headers).json()
    assert listing["items"] == []


@pytest.mark.parametrize(("payload", "field"), [
    ({"recipient": {"email": "not-an-email"}}, "body.recipient.email"),
    ({"recipient": {}}, "body.recipient"),
    ({"recipient": {"name": "Only A Name"}}, "body.recipient"),  # no identifier at all
    ({"creditsEarned": "lots"}, "body.creditsEarned"),
    ({"surprise": 1}, "body.surprise"),
    ({"assessmentRef": ""}, "body.assessmentRef"),
    ({"activityStartDate": "2025-01-13T09:00:00"}, "body.activityStartDate"),
    ({"evidence": [{"id": "not a url"}]}, "body.evidence[0].id"),
])
def test_schema_violations_name_the_field(client, setup, payload, field) -> None:
    headers, achievement = setup
    body = _problem(client.post("/issuers/uni/credentials", headers=headers,
                                json=assessment(achievement["id"], **payload)), 422)
    assert any(f.startswith(field) for f in _fields(body)), body


def test_unknown_achievement_is_404(client, setup) -> None:
    headers, _ = setup
    _problem(client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment("00000000-0000-0000-0000-000000000000")), 404)


def test_malformed_json_is_400(client, setup) -> None:
    headers, _ = setup
    body = _problem(client.post("/issuers/uni/credentials", content=b"{not json",
                                headers={**headers, "content-type": "application/json"}), 400)
    assert body["type"].endswith("malformed-json")


def test_wrong_top_level_type_is_422(client, setup) -> None:
    headers, _ = setup
    _problem(client.post("/issuers/uni/credentials", json=[1, 2], headers=headers), 422)


def test_oversized_body_is_413(client, setup) -> None:
    headers, achievement = setup
    big = assessment(achievement["id"], evidence=[{"narrative": "x" * 9000}] * 300)
    _problem(client.post("/issuers/uni/credentials", json=big, headers=headers), 413)


def test_unknown_route_and_method_are_problems(client) -> None:
    _problem(client.get("/no/such/thing"), 404)
    _problem(client.delete("/health"), 405)


def test_missing_and_bad_api_keys(client, setup) -> None:
    _, achievement = setup
    _problem(client.post("/issuers/uni/credentials", json=assessment(achievement["id"])), 401)
    _problem(client.post("/issuers/uni/credentials", json=assessment(achievement["id"]),
                         headers=bearer("vci_" + "x" * 43)), 401)


def test_invalid_achievement_definitions(client, setup) -> None:
    headers, _ = setup
    for bad in (
        {"achievementType": "Nonsense"},
        {"criteria": {}},
        {"resultDescription": [{"name": "x", "resultType": "Percent", "allowedValue": ["A"],
                                "requiredValue": "B"}]},
        {"resultDescription": [{"name": "x", "resultType": "RubricCriterionLevel",
                                "requiredLevel": "none"}]},
        {"creditsAvailable": -1},
    ):
        from tests.api.conftest import MICRO_CREDENTIAL

        response = client.post("/issuers/uni/achievements", headers=headers,
                               json={**MICRO_CREDENTIAL, **bad})
        _problem(response, 422)


def test_duplicate_issuer_slug_is_409(client, admin) -> None:
    make_issuer(client, admin, slug="dup")
    _problem(client.post("/issuers", headers=admin, json={"slug": "dup", "name": "Again"}), 409)


def test_bad_cursor_is_400(client, setup) -> None:
    headers, _ = setup
    _problem(client.get("/issuers/uni/credentials?cursor=garbage", headers=headers), 400)
