"""Achievement definitions: checked when made (OB 3.0 schema), corrected as new revisions,
retired, listed with filters, unique by humanCode + version.

OB 3.0 Alignment.targetType is an AlignmentTargetType (ceasn:Competency, ceterms:Credential,
CFItem, CFRubric, CFRubricCriterion, CFRubricCriterionLevel, CTDL, or ext:...):
https://www.imsglobal.org/spec/ob/v3p0/#alignmenttargettype-enumeration
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (
    MICRO_CREDENTIAL,
    api_key,
    assessment,
    bearer,
    make_achievement,
    make_issuer,
)
from vcissuer.issuance.context import Services

FHEQ = MICRO_CREDENTIAL["alignment"][0]


@pytest.fixture
def headers(client: TestClient, services: Services, admin) -> dict[str, str]:
    make_issuer(client, admin)
    return bearer(api_key(services, issuer_slug="uni"))


def _post(client: TestClient, headers, **changes):
    return client.post("/issuers/uni/achievements", headers=headers,
                       json={**MICRO_CREDENTIAL, **changes})


# --- item: validated when made --------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field"), [
    ({"alignment": [{**FHEQ, "targetType": "Level"}]}, "alignment[0].targetType"),
    ({"creditScheme": {**MICRO_CREDENTIAL["creditScheme"], "targetType": "Level"}},
     "creditScheme.targetType"),
    ({"resultDescription": [{**MICRO_CREDENTIAL["resultDescription"][0],
                             "alignment": [{**FHEQ, "targetType": "Level"}]}]},
     "resultDescription[0].alignment[0].targetType"),
])
def test_a_definition_that_cannot_issue_is_refused_when_made(client, headers, changes,
                                                             field) -> None:
    response = _post(client, headers, **changes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["rule"].startswith("oneOf")
    listing = client.get("/issuers/uni/achievements", headers=headers).json()
    assert listing["items"] == []


@pytest.mark.parametrize("target_type", ["CFItem", "ext:Level", "ceasn:Competency"])
def test_ob_target_types_are_accepted_and_issue(client, headers, target_type) -> None:
    achievement = make_achievement(client, headers,
                                   alignment=[{**FHEQ, "targetType": target_type}])
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"]))
    assert issued.status_code == 201, issued.text


def test_an_update_that_cannot_issue_is_refused(client, headers) -> None:
    achievement = make_achievement(client, headers)
    response = client.patch(f"/issuers/uni/achievements/{achievement['id']}", headers=headers,
                            json={"alignment": [{**FHEQ, "targetType": "Level"}]})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "alignment[0].targetType"
    assert client.get(f"/achievements/{achievement['id']}").json()["alignment"][0].get(
        "targetType") is None


# --- item: corrected, retired ---------------------------------------------------------------

def test_update_is_a_new_revision_and_issued_credentials_keep_theirs(client, headers) -> None:
    achievement = make_achievement(client, headers)
    path = f"/issuers/uni/achievements/{achievement['id']}"
    before = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"], ref="before")).json()
    updated = client.patch(path, headers=headers,
                           json={"name": "Data Analysis with Python (revised)", "tag": ["data"],
                                 "inLanguage": None})
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["revision"] == 2
    assert body["achievement"]["name"] == "Data Analysis with Python (revised)"
    assert "inLanguage" not in body["achievement"]
    # The outcomes survive the round trip through the stored document.
    assert body["achievement"]["resultDescription"] == achievement["achievement"][
        "resultDescription"]
    after = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"], ref="after")).json()
    assert before["credential"]["credentialSubject"]["achievement"]["name"] == \
        "Data Analysis with Python"
    assert after["credential"]["credentialSubject"]["achievement"]["name"].endswith("(revised)")
    assert (before["achievementRevision"], after["achievementRevision"]) == (1, 2)
    public = client.get(f"/achievements/{achievement['id']}").json()
    assert public["name"].endswith("(revised)")
    first = client.get(f"/achievements/{achievement['id']}?revision=1").json()
    assert first["name"] == "Data Analysis with Python"
    assert client.get(f"/achievements/{achievement['id']}?revision=9").status_code == 404
    listing = client.get("/issuers/uni/credentials", headers=headers).json()
    assert [c["achievementRevision"] for c in listing["items"]] == [1, 2]
    # The same values again: no new revision.
    assert client.patch(path, headers=headers, json={"tag": ["data"]}).json()["revision"] == 2


def test_retired_achievements_issue_no_more(client, headers) -> None:
    achievement = make_achievement(client, headers)
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement["id"], ref="kept")).json()
    retired = client.post(f"/issuers/uni/achievements/{achievement['id']}/retire",
                          headers=headers)
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired" and retired.json()["retiredAt"]
    refused = client.post("/issuers/uni/credentials", headers=headers,
                          json=assessment(achievement["id"], ref="late"))
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0] == {"field": "achievementId", "rule": "retired",
                                           "message": "the achievement is retired"}
    batch = client.post("/issuers/uni/credentials/batch", headers=headers,
                        json={"items": [assessment(achievement["id"], ref="late")]}).json()
    assert batch["items"][0]["problem"]["status"] == 409
    # Issued credentials stay as they were; a retry of one is still answered.
    assert client.get(f"/credentials/{issued['id']}").status_code == 200
    again = client.post("/issuers/uni/credentials", headers=headers,
                        json=assessment(achievement["id"], ref="kept"))
    assert again.status_code == 200


def test_list_filters_and_unique_human_code_and_version(client, headers) -> None:
    first = make_achievement(client, headers, humanCode="DATA101", version="2025.1")
    duplicate = _post(client, headers, humanCode="DATA101", version="2025.1")
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.json()["errors"][0]["field"] == "humanCode"
    second = make_achievement(client, headers, humanCode="DATA101", version="2026.1")
    other = make_achievement(client, headers, humanCode="STAT200")
    make_achievement(client, headers, humanCode="DATA1%")  # LIKE characters are literal
    client.post(f"/issuers/uni/achievements/{first['id']}/retire", headers=headers)

    def ids(query: str) -> list[str]:
        out, cursor = [], None
        while True:
            url = f"/issuers/uni/achievements?limit=1&{query}" + (
                f"&cursor={cursor}" if cursor else "")
            page = client.get(url, headers=headers).json()
            out += [item["id"] for item in page["items"]]
            if (cursor := page["nextCursor"]) is None:
                return out

    assert ids("humanCode=DATA101") == [first["id"], second["id"]]
    assert ids("humanCode=DATA101&status=active") == [second["id"]]
    assert ids("status=retired") == [first["id"]]
    assert other["id"] in ids("status=active")
    assert client.get("/issuers/uni/achievements?status=gone",
                      headers=headers).status_code == 422
    clash = client.patch(f"/issuers/uni/achievements/{second['id']}", headers=headers,
                         json={"version": "2025.1"})
    assert clash.status_code == 409


def test_another_issuer_cannot_change_or_retire(client, headers, services, admin) -> None:
    achievement = make_achievement(client, headers)
    make_issuer(client, admin, slug="other")
    other = bearer(api_key(services, issuer_slug="other"))
    path = f"/issuers/other/achievements/{achievement['id']}"
    assert client.patch(path, headers=other, json={"name": "x"}).status_code == 404
    assert client.post(f"{path}/retire", headers=other).status_code == 404
    assert client.post(f"/issuers/uni/achievements/{achievement['id']}/retire",
                       headers=other).status_code == 403
