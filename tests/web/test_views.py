"""What a page reads out of a credential: defensive against any shape, never a recipient
identifier, links only to http(s), images only as data: URIs."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import VECTORS, load_json
from vcissuer.web.views import achievement_view, credential_view, safe_image, safe_link

TYPICAL = load_json(VECTORS / "vcissuer/typical-microcredential.json")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x",
                                 "/relative", "//host/path", "ftp://host/x", "vbscript:x",
                                 'https://a.example/"onmouseover="x', "https:///nohost", 42,
                                 None, {"id": "https://a.example"}, " "])
def test_unsafe_links_are_dropped(url) -> None:
    assert safe_link(url) is None


def test_safe_links_are_kept() -> None:
    assert safe_link("https://a.example/x?y=1#z") == "https://a.example/x?y=1#z"
    assert safe_link("http://a.example") == "http://a.example"


@pytest.mark.parametrize("image", ["https://a.example/badge.png", "data:text/html;base64,PHA+",
                                   'data:image/png;base64,AAAA"onerror="x', "javascript:x",
                                   {"id": "https://a.example/i.png"}, None, 3])
def test_only_data_images(image) -> None:
    assert safe_image(image) is None


def test_data_images() -> None:
    assert safe_image("data:image/png;base64,AAAA") == "data:image/png;base64,AAAA"
    assert safe_image({"id": "data:image/svg+xml,%3Csvg/%3E", "type": "Image"}) == \
        "data:image/svg+xml,%3Csvg/%3E"


def test_typical_credential() -> None:
    view = credential_view(TYPICAL)
    assert view.achievement.name == "Data Analysis with Python"
    assert view.issuer.name == "Example University"
    assert view.issued is not None and view.issued.text == "30 June 2024"
    assert view.expires is None
    assert view.credits_earned == "15" and view.achievement.credits == "15"
    assert [(o.name, o.result) for o in view.outcomes] == [("Result", "72")]
    assert view.learner is None


def test_learner_name_only_when_stated_in_plain_text() -> None:
    credential = copy.deepcopy(TYPICAL)
    subject = credential["credentialSubject"]
    subject["identifier"] = [
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": False,
         "identityHash": "learner@example.org"},
        {"type": "IdentityObject", "identityType": "name", "hashed": True,
         "identityHash": "sha256$abc"},
    ]
    assert credential_view(credential).learner is None
    subject["identifier"].append({"type": "IdentityObject", "identityType": "name",
                                  "hashed": False, "identityHash": "Ada Learner"})
    assert credential_view(credential).learner == "Ada Learner"


ODD = [None, 1, "text", [], {}, {"credentialSubject": "x"}, {"credentialSubject": [1, None]},
       {"issuer": ["a"], "validFrom": 5, "credentialSubject": {"achievement": []}},
       {"credentialSubject": {"achievement": {"name": 3, "alignment": "x",
                                              "resultDescription": [None, {"id": 1}],
                                              "criteria": "x", "image": {"id": 5},
                                              "creditsAvailable": True, "tag": [1, "ok"]},
                              "result": [{"resultDescription": {"x": 1}, "value": []},
                                         {"achievedLevel": 1}, "x"]},
        "evidence": [{"id": "javascript:x"}, 3], "validUntil": "not a date"}]


@pytest.mark.parametrize("document", ODD)
def test_any_shape_gives_a_view(document) -> None:
    view = credential_view(document)
    assert isinstance(view.achievement.name, str) and isinstance(view.issuer.name, str)
    assert all(e.url is None for e in view.evidence)
    achievement_view(document)


def test_outcomes_with_levels_and_values() -> None:
    base = "https://a.example/achievements/1"
    achievement = {
        "id": base, "name": "A",
        "resultDescription": [
            {"id": f"{base}#lo1", "name": "One", "resultType": "Percent", "requiredValue": "40"},
            {"id": f"{base}#lo2", "name": "Two", "resultType": "RubricCriterionLevel",
             "requiredLevel": f"{base}#pass",
             "rubricCriterionLevel": [{"id": f"{base}#fail", "name": "Fail"},
                                      {"id": f"{base}#pass", "name": "Pass"},
                                      {"id": f"{base}#merit", "name": "Merit"}]},
            {"id": f"{base}#lo3", "name": "Three (not assessed)", "resultType": "Status"},
        ]}
    credential = {"credentialSubject": {"achievement": achievement, "result": [
        {"resultDescription": f"{base}#lo1", "value": "35"},
        {"resultDescription": f"{base}#lo2", "achievedLevel": f"{base}#merit"},
        {"resultDescription": "https://elsewhere.example#x", "status": "Completed"},
    ]}}
    outcomes = [(o.name, o.required, o.result, o.achieved)
                for o in credential_view(credential).outcomes]
    assert outcomes == [("One", "40%", "35%", False), ("Two", "Pass", "Merit", True),
                        ("Result", None, "Completed", None),
                        ("Three (not assessed)", None, None, None)]


def test_a_letter_grade_at_or_above_the_required_one_is_met() -> None:
    """OB 3.0 ResultDescription.allowedValue is ordered low to high; requiredValue is the
    threshold: Merit meets Pass, Fail does not."""
    base = "https://a.example/achievements/1"
    achievement = {"id": base, "name": "A", "resultDescription": [
        {"id": f"{base}#grade", "name": "Grade", "resultType": "LetterGrade",
         "allowedValue": ["Fail", "Pass", "Merit", "Distinction"], "requiredValue": "Pass"}]}

    def achieved(value: str) -> bool | None:
        credential = {"credentialSubject": {"achievement": achievement, "result": [
            {"resultDescription": f"{base}#grade", "value": value}]}}
        (outcome,) = credential_view(credential).outcomes
        return outcome.achieved

    assert achieved("Merit") is True
    assert achieved("Pass") is True
    assert achieved("Fail") is False
    assert achieved("Excellent") is None  # not on the scale: not judged
