"""The messages of rejected assessments say what is wrong once, in the achievement's own words,
and name the field: a percentage with a % sign, an unknown rubric level, dates out of order or
without a timezone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MICRO_CREDENTIAL, api_key, assessment, bearer, make_issuer
from vcissuer.issuance.context import Services


@pytest.fixture
def setup(client: TestClient, services: Services, admin):
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    response = client.post("/issuers/uni/achievements", headers=headers, json=MICRO_CREDENTIAL)
    assert response.status_code == 201, response.text
    return headers, response.json()


def _errors(client: TestClient, setup, **changes) -> list[dict]:
    headers, achievement = setup
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], **changes))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()["errors"]


def test_a_percent_sign_is_one_error_saying_not_a_number(client, setup) -> None:
    """OB 3.0 ResultDescription: a Percent result's value is a number (valueMin..valueMax)."""
    errors = _errors(client, setup, results=[
        {"resultDescription": "lo1", "value": "68%"},
        {"resultDescription": "lo2", "achievedLevel": "merit"}])
    assert [(e["field"], e["rule"]) for e in errors] == [("results[0].value", "not-a-number")]
    message = errors[0]["message"]
    assert "'68%' is not a number" in message
    assert "from 0 to 100" in message and "'68'" in message and "% sign" in message
    for contradiction in ("outside", "requires"):
        assert contradiction not in message


def test_a_word_for_a_number_is_not_a_number(client, setup) -> None:
    errors = _errors(client, setup, results=[
        {"resultDescription": "lo1", "value": "seventy"},
        {"resultDescription": "lo2", "achievedLevel": "merit"}])
    assert [(e["field"], e["rule"]) for e in errors] == [("results[0].value", "not-a-number")]
    assert "% sign" not in errors[0]["message"]


def test_an_unknown_rubric_level_lists_the_valid_keys_and_names(client, setup) -> None:
    errors = _errors(client, setup, results=[
        {"resultDescription": "lo1", "value": "72"},
        {"resultDescription": "lo2", "achievedLevel": "excellent"}])
    assert [(e["field"], e["rule"]) for e in errors] == [
        ("results[1].achievedLevel", "unknown-level")]
    message = errors[0]["message"]
    assert "'excellent'" in message and "'Communicate findings'" in message
    assert "fail (Not yet), pass (Pass), merit (Merit)" in message
    assert "http" not in message


def test_a_level_below_the_required_one_is_said_by_name(client, setup) -> None:
    errors = _errors(client, setup, results=[
        {"resultDescription": "lo1", "value": "72"},
        {"resultDescription": "lo2", "achievedLevel": "fail"}])
    (error,) = errors
    assert error["rule"] == "required-level-not-met"
    assert error["message"] == ("outcome 'Communicate findings' requires level 'Pass' or "
                                "higher; got 'Not yet'")


@pytest.mark.parametrize(("changes", "field", "rule", "words"), [
    ({"activityStartDate": "2025-04-01T09:00:00Z"}, "body.activityEndDate", "date-order",
     "activityEndDate (2025-03-28T17:00:00+00:00) is before activityStartDate"),
    ({"activityStartDate": "2025-01-13T09:00:00"}, "body.activityStartDate",
     "timezone-required", "activityStartDate needs a timezone, e.g. 2025-01-13T09:00:00Z"),
    ({"activityEndDate": "2025-03-28T17:00:00"}, "body.activityEndDate",
     "timezone-required", "activityEndDate needs a timezone"),
    ({"validUntil": "2030-01-01T00:00:00"}, "body.validUntil", "timezone-required",
     "validUntil needs a timezone"),
])
def test_date_errors_name_the_field(client, setup, changes, field, rule, words) -> None:
    errors = _errors(client, setup, **changes)
    assert [(e["field"], e["rule"]) for e in errors] == [(field, rule)]
    assert words in errors[0]["message"]
    assert "Value error" not in errors[0]["message"]


def test_a_batch_item_with_dates_out_of_order_names_the_field(client, setup) -> None:
    headers, achievement = setup
    response = client.post("/issuers/uni/credentials/batch", headers=headers, json={"items": [
        assessment(achievement["id"], ref="b1", activityStartDate="2025-04-01T09:00:00Z")]})
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["outcome"] == "rejected"
    fields = [e["field"] for e in item["problem"]["errors"]]
    assert any(f.endswith("activityEndDate") for f in fields), item
