"""CLR 2.0 records through the real app (issue 13.3's record, 13.6): ``POST /issuers/{slug}/clr``
embeds a learner's stored credentials as issued and signs the record; ``/credentials/verify``
verifies the record and each credential in it. SQLite and PostgreSQL.

https://www.imsglobal.org/spec/clr/v2p0/ (ClrCredential, ClrSubject, Association).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BASE_URL, api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.credentials.schema import validate_clr_credential
from vcissuer.issuance.clr import issue_clr
from vcissuer.issuance.context import Services

LEARNER = {"email": "Learner@Example.org", "name": "Ada Learner"}
PGCERT = {"name": "PgCert Data Science", "achievementType": "Certificate",
          "description": "Postgraduate Certificate in Data Science.",
          "criteria": {"narrative": "60 credits at FHEQ level 7."}}


@pytest.fixture
def world(client: TestClient, services: Services, admin) -> dict[str, Any]:
    make_issuer(client, admin)
    make_issuer(client, admin, slug="other")
    headers = bearer(api_key(services, issuer_slug="uni"))
    modules = [make_achievement(client, headers, name=f"Module {n}") for n in range(3)]
    pgcert = client.post("/issuers/uni/achievements", headers=headers, json=PGCERT).json()
    issued = []
    for n, module in enumerate(modules):
        response = client.post("/issuers/uni/credentials", headers=headers,
                               json=assessment(module["id"], ref=f"m{n}"))
        assert response.status_code == 201, response.text
        issued.append(response.json())
    return {"headers": headers, "modules": modules, "pgcert": pgcert, "issued": issued}


def _clr(client: TestClient, world: dict[str, Any], **changes: Any):
    body = {"learner": LEARNER, "credentialIds": [c["id"] for c in world["issued"]],
            "name": "Ada Learner: PgCert record", "ordered": True,
            "achievementIds": [world["pgcert"]["id"]],
            "associations": [{"associationType": "isChildOf", "sourceId": m["id"],
                              "targetId": world["pgcert"]["id"]} for m in world["modules"]],
            **changes}
    return client.post("/issuers/uni/clr", headers=world["headers"], json=body)


def _verify(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code in (200, 422), response.text
    return response.json()


def test_a_record_of_three_is_issued_served_valid_and_verifies(client, world) -> None:
    response = _clr(client, world)
    assert response.status_code == 201, response.text
    body = response.json()
    record = body["credential"]
    assert response.headers["location"].endswith(f"/credentials/{body['id']}")
    assert client.get(f"/credentials/{body['id']}").json() == record
    assert validate_clr_credential(record) == []
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert record["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = record["credentialSubject"]
    # Embedded exactly as issued and served, each with its own proof.
    assert subject["verifiableCredential"] == [c["credential"] for c in world["issued"]]
    for credential in world["issued"]:
        assert client.get(f"/credentials/{credential['id']}").json() == credential["credential"]
    ids = [a["id"] for a in subject["achievement"]]
    modules = [c["credential"]["credentialSubject"]["achievement"]["id"]
               for c in world["issued"]]
    pgcert = f"{BASE_URL}/achievements/{world['pgcert']['id']}"
    assert ids == [*modules, pgcert]
    kinds = [(a["associationType"], a["sourceId"], a["targetId"])
             for a in subject["association"]]
    assert kinds == [("isChildOf", m, pgcert) for m in modules] + [
        ("precedes", modules[0], modules[1]), ("precedes", modules[1], modules[2])]
    email = next(i for i in subject["identifier"] if i["identityType"] == "emailAddress")
    assert email["hashed"] is True and "learner@example.org" not in response.text
    assert record["credentialStatus"]["statusPurpose"] == "revocation"

    report = _verify(client, record)
    assert report["verified"] is True, report["errors"]
    records = report["checks"][-1]
    assert records["check"] == "credentials" and records["detail"] == "3 verified"
    for credential in world["issued"]:  # and each verifies on its own
        assert _verify(client, credential["credential"])["verified"] is True
    # The learner's credentials listing finds the record too.
    listed = client.get("/issuers/uni/credentials", headers=world["headers"],
                        params={"recipient": "learner@example.org"}).json()["items"]
    assert body["id"] in {item["id"] for item in listed}


def test_revoking_a_constituent_shows_in_the_records_report(client, world) -> None:
    record = _clr(client, world).json()["credential"]
    second = world["issued"][1]
    client.post(f"/issuers/uni/credentials/{second['id']}/revoke", headers=world["headers"],
                json={"reason": "academic misconduct"}).raise_for_status()
    report = _verify(client, record)
    assert report["verified"] is False and report["revoked"] is False
    url = second["credential"]["id"]
    assert f"REVOKED: credential 2 ({url}) revoked" in report["errors"]
    assert [r["revoked"] for r in report["checks"][-1]["reports"]] == [False, True, False]
    proof = next(c for c in report["checks"] if c["check"] == "proof")
    assert proof["outcome"] == "passed"


def test_a_tampered_constituent_fails_itself_and_the_record(client, world) -> None:
    record = _clr(client, world).json()["credential"]
    tampered = copy.deepcopy(record)
    tampered["credentialSubject"]["verifiableCredential"][0]["credentialSubject"][
        "creditsEarned"] = 60
    report = _verify(client, tampered)
    outcomes = {c["check"]: c["outcome"] for c in report["checks"]}
    assert outcomes["proof"] == "failed" and outcomes["credentials"] == "failed"
    assert [r["verified"] for r in report["checks"][-1]["reports"]] == [False, True, True]


@pytest.mark.parametrize(("change", "field", "rule"), [
    ("foreign", "credentialIds[1]", "not-found"),
    ("other-learner", "credentialIds[2]", "other-learner"),
    ("duplicate", "credentialIds[3]", "duplicate"),
    ("unknown-achievement", "associations[0].targetId", "unknown-achievement"),
    ("revoked", "credentialIds[0]", "revoked"),
    ("their-achievement", "achievementIds[0]", "not-found"),
])
def test_what_may_not_go_into_a_record_is_a_field_error(client, services, world, change,
                                                        field, rule) -> None:
    ids = [c["id"] for c in world["issued"]]
    changes: dict[str, Any] = {}
    if change == "foreign":
        other = bearer(api_key(services, issuer_slug="other"))
        achievement = make_achievement(client, other, slug="other")
        theirs = client.post("/issuers/other/credentials", headers=other,
                             json=assessment(achievement["id"], ref="o1")).json()
        changes["credentialIds"] = [ids[0], theirs["id"]]
    elif change == "other-learner":
        someone = client.post("/issuers/uni/credentials", headers=world["headers"],
                              json=assessment(world["modules"][0]["id"], ref="x1",
                                              recipient={"email": "bob@example.org"})).json()
        changes["credentialIds"] = [ids[0], ids[1], someone["id"]]
    elif change == "duplicate":
        changes["credentialIds"] = [*ids, ids[0]]
    elif change == "unknown-achievement":
        changes["achievementIds"] = []
    elif change == "their-achievement":
        other = bearer(api_key(services, issuer_slug="other"))
        changes["achievementIds"] = [make_achievement(client, other, slug="other")["id"]]
        changes["associations"] = []
    else:
        client.post(f"/issuers/uni/credentials/{ids[0]}/revoke",
                    headers=world["headers"]).raise_for_status()
    response = _clr(client, world, **changes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}


def test_a_reference_issues_once(client, world) -> None:
    first = _clr(client, world, reference="pathway-7:learner-42")
    assert first.status_code == 201, first.text
    again = _clr(client, world, reference="pathway-7:learner-42")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = _clr(client, world, reference="pathway-7:learner-42",
                 credentialIds=[world["issued"][0]["id"]], associations=[])
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "reference"


def test_only_an_issuing_key_of_the_issuer_may_issue_a_record(client, services, world) -> None:
    other = bearer(api_key(services, issuer_slug="other"))
    response = client.post("/issuers/uni/clr", headers=other,
                           json={"learner": LEARNER, "credentialIds": ["x"]})
    assert response.status_code == 403
    assert client.post("/issuers/uni/clr", json={"learner": LEARNER,
                                                 "credentialIds": ["x"]}).status_code == 401


def test_the_flow_takes_slug_learner_ids_and_associations(client, services, world) -> None:
    """What the pathways award calls: no API key, the same checks and result."""
    from vcissuer.credentials.clr import Association

    ids = [c["id"] for c in world["issued"]]
    outcome = issue_clr(services, "uni", {"did": "did:example:ada"} | LEARNER, ids,
                        [Association("isPartOf", world["modules"][0]["id"],
                                     world["pgcert"]["id"])],
                        achievement_ids=[world["pgcert"]["id"]])
    assert outcome.created
    served = client.get(f"/credentials/{outcome.record.id}").json()
    assert served["credentialSubject"]["id"] == "did:example:ada"
    assert served["credentialSubject"]["association"][0]["associationType"] == "isPartOf"


def test_the_records_page_opens_in_a_browser(client, world) -> None:
    body = _clr(client, world).json()
    page = client.get(f"/credentials/{body['id']}", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "Ada Learner: PgCert record" in page.text
    assert "Comprehensive Learner Record" in page.text
    assert page.text.count('class="record state-ok"') == 3
    for credential in world["issued"]:
        assert f'href="/credentials/{credential["id"]}"' in page.text


def test_the_records_page_names_the_revoked_constituent(client, world) -> None:
    """Issue 13 (pages): the record's page lists its credentials with their own results."""
    body = _clr(client, world).json()
    second = world["issued"][1]
    client.post(f"/issuers/uni/credentials/{second['id']}/revoke",
                headers=world["headers"]).raise_for_status()
    page = client.get(f"/credentials/{body['id']}", headers={"Accept": "text/html"}).text
    assert page.count('data-state="revoked"') == 1
    assert page.count('class="record state-ok"') == 2
    assert f"credential 2 ({second['credential']['id']}) revoked" in page


@pytest.mark.parametrize(("body", "field"), [
    ({"learner": LEARNER, "credentialIds": []}, "credentialIds"),
    ({"credentialIds": ["x"]}, "learner"),
    ({"learner": {}, "credentialIds": ["x"]}, "learner"),
    ({"learner": LEARNER, "credentialIds": ["x" * 400, "no\u0000nul"]}, "credentialIds.1"),
    ({"learner": LEARNER, "credentialIds": ["x"],
      "associations": [{"associationType": "isFriendOf", "sourceId": "a", "targetId": "b"}]},
     "associations.0.associationType"),
])
def test_malformed_requests_are_problems_naming_the_field(client, world, body, field) -> None:
    response = client.post("/issuers/uni/clr", headers=world["headers"], json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.replace("[", ".").replace("]", "").endswith(field) for f in fields), fields


def test_an_id_that_is_no_uuid_is_not_found(client, world) -> None:
    response = _clr(client, world, credentialIds=["not-a-uuid-" + "x" * 300])
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "not-found"


@pytest.mark.parametrize("suffix", [".json", ".png", ".svg", "/preview.png"])
def test_the_records_downloads_are_served(client, world, suffix) -> None:
    body = _clr(client, world).json()
    response = client.get(f"/credentials/{body['id']}{suffix}")
    assert response.status_code == 200, response.text
    if suffix == ".json":
        assert response.json() == body["credential"]


def test_a_record_of_too_many_credentials_is_refused_naming_the_limit(client, world) -> None:
    """README "Limits": credentials per record, counted before anything is fetched."""
    from vcissuer.limits import MAX_CLR_CREDENTIALS

    record = _clr(client, world).json()["credential"]
    crowded = copy.deepcopy(record)
    crowded["credentialSubject"]["verifiableCredential"] = (
        [world["issued"][0]["credential"]] * (MAX_CLR_CREDENTIALS + 1))
    report = _verify(client, crowded)
    assert [c["check"] for c in report["checks"]] == ["limits"]
    assert report["checks"][0]["detail"] == f"credentials per record: at most {MAX_CLR_CREDENTIALS}"


def test_the_verify_page_lists_a_records_credentials(client, world) -> None:
    import json

    record = _clr(client, world).json()["credential"]
    page = client.post("/verify", files={"credential": (None, json.dumps(record))})
    assert page.status_code == 200, page.text
    assert "Credentials in this record" in page.text
    assert page.text.count('class="record state-ok"') == 3
