"""The award of a pathway issues a CLR 2.0 record too (issue 13 item 3), end to end through
the real app on SQLite and PostgreSQL: three micro-credentials issued from assessments award
the PgCert and a ClrCredential embedding them as issued with the qualification; the record
is valid against the CLR 2.0 JSON Schema and verifies, and so does each embedded credential;
a retried or racing award issues one record, a re-award a new one; revoking a constituent
shows in progress, on the award and in the record's verification report, naming it."""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any

import jsonschema_rs
from fastapi.testclient import TestClient

from tests.api.test_pathways import LEARNER, _issue, _pgcert, _progress, _setup
from vcissuer.issuance import pathway_awards
from vcissuer.issuance.access import Caller
from vcissuer.issuance.award_records import award_associations
from vcissuer.issuance.context import Services
from vcissuer.issuance.schemas import AwardIn

BASE = "http://testserver"


def _schema() -> Any:
    text = resources.files("vcissuer.credentials").joinpath(
        "schemas", "clr_v2p0_clrcredential_schema.json").read_text("utf-8")
    return jsonschema_rs.validator_for(json.loads(text))


def _verify(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code in (200, 422), response.text
    return response.json()


def _awarded(client: TestClient, admin: dict[str, str], **rules: Any
             ) -> tuple[dict[str, str], list[str], str, dict[str, Any], list[dict[str, Any]]]:
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target, **rules)
    issued = [_issue(client, headers, module, f"m{i}") for i, module in enumerate(modules)]
    return headers, modules, target, pathway, issued


def test_the_award_issues_a_clr_that_validates_and_verifies(client: TestClient, admin) -> None:
    """CLR 2.0 ClrCredential and Association: each constituent achievement ``isChildOf`` and
    ``isPartOf`` the qualification (source -> target); embedded credentials keep their proofs."""
    headers, modules, target, pathway, issued = _awarded(client, admin)
    award = _progress(client, headers, pathway["id"])["award"]
    assert award["clrCredentialId"] is not None
    assert award["clrCredential"] == f"{BASE}/credentials/{award['clrCredentialId']}"
    record = client.get(f"/credentials/{award['clrCredentialId']}").json()
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert list(_schema().iter_errors(record)) == []
    subject = record["credentialSubject"]
    qualification = client.get(f"/credentials/{award['credentialId']}").json()
    # The constituents as issued (own proofs), then the qualification.
    assert sorted(c["id"] for c in subject["verifiableCredential"][:3]) == sorted(
        c["credential"]["id"] for c in issued)
    for embedded in subject["verifiableCredential"][:3]:
        assert embedded == client.get(embedded["id"].removeprefix(BASE)).json()
    assert subject["verifiableCredential"][3] == qualification
    pgcert = f"{BASE}/achievements/{target}"
    links = {(a["associationType"], a["sourceId"], a["targetId"])
             for a in subject["association"]}
    assert links == {(kind, f"{BASE}/achievements/{m}", pgcert)
                     for m in modules for kind in ("isChildOf", "isPartOf")}

    report = _verify(client, record)
    assert report["verified"] is True, report["errors"]
    assert report["checks"][-1]["detail"] == "4 verified"
    for embedded in subject["verifiableCredential"]:
        assert _verify(client, embedded)["verified"] is True

    # Asked again: the same award, the same record.
    again = client.post(f"/issuers/uni/pathways/{pathway['id']}/award", headers=headers,
                        json={"recipient": LEARNER})
    assert again.status_code == 200
    assert again.json()["clrCredentialId"] == award["clrCredentialId"]

    # A constituent revoked: progress, the award, and the record's report say which one.
    revoked = issued[1]["credential"]["id"]
    client.post(f"/issuers/uni/credentials/{issued[1]['id']}/revoke", headers=headers,
                json={"reason": "academic misconduct"}).raise_for_status()
    later = _progress(client, headers, pathway["id"])
    assert {"credential": revoked, "reason": "revoked",
            "message": "the credential is revoked"} in later["setAside"]
    assert later["award"]["state"] == "review"
    assert {"credential": revoked, "state": "revoked"} in later["award"]["constituents"]
    report = _verify(client, record)
    assert report["verified"] is False
    position = [c["id"] for c in subject["verifiableCredential"]].index(revoked) + 1
    assert f"REVOKED: credential {position} ({revoked}) revoked" in report["errors"]


def test_the_award_made_on_demand_issues_the_record_once(client: TestClient, admin) -> None:
    headers, modules, target = _setup(client, admin)
    for i, module in enumerate(modules):
        _issue(client, headers, module, f"r{i}")
    pathway = _pgcert(client, headers, modules, target)  # defined after: no award yet
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    caller = Caller(client_id="test", issuer_id=None, scopes=frozenset({"admin"}))
    results: list[Any] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        results.append(pathway_awards.award(services, "uni", pathway["id"],
                                      AwardIn.model_validate({"recipient": LEARNER}),
                                      caller=caller))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    records = {r.view["clrCredentialId"] for r in results}
    assert len(records) == 1 and None not in records
    listed = client.get("/issuers/uni/credentials", headers=headers,
                        params={"recipient": "ada@example.org", "limit": 100}).json()["items"]
    clrs = [i for i in listed if i.get("achievementId") is None
            and "ClrCredential" in json.dumps(client.get(f"/credentials/{i['id']}").json()
                                              .get("type"))]
    assert [c["id"] for c in clrs] == list(records)


def test_a_re_award_issues_a_new_record_and_revokes_the_old(client: TestClient,
                                                           admin) -> None:
    headers, modules, _, pathway, issued = _awarded(client, admin)
    award = _progress(client, headers, pathway["id"])["award"]
    first = award["clrCredentialId"]
    # A constituent revoked, the module earned again: the issuer re-awards.
    client.post(f"/issuers/uni/credentials/{issued[2]['id']}/revoke", headers=headers,
                json={"reason": "marking error"}).raise_for_status()
    _issue(client, headers, modules[2], "m2-again")
    response = client.post(
        f"/issuers/uni/pathways/{pathway['id']}/awards/{award['id']}/decision",
        headers=headers, json={"decision": "re-award", "recipient": LEARNER,
                               "reason": "re-marked"})
    assert response.status_code == 200, response.text
    second = response.json()["clrCredentialId"]
    assert second is not None and second != first
    assert _verify(client, client.get(f"/credentials/{first}").json())["revoked"] is True
    assert _verify(client, client.get(f"/credentials/{second}").json())["verified"] is True

    # Revoking the award revokes its record too.
    response = client.post(
        f"/issuers/uni/pathways/{pathway['id']}/awards/{award['id']}/decision",
        headers=headers, json={"decision": "revoke", "reason": "withdrawn"})
    assert response.status_code == 200, response.text
    assert _verify(client, client.get(f"/credentials/{second}").json())["revoked"] is True


def test_ordered_pathways_say_which_achievement_precedes_which(client: TestClient,
                                                              admin) -> None:
    """CLR 2.0 ``precedes``: the source achievement comes before the target."""
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target, ordered=True,
                      required=[{"achievementId": m} for m in modules], electives=[])
    assert pathway["rules"]["ordered"] is True
    for i, module in enumerate(reversed(modules)):
        _issue(client, headers, module, f"o{i}")
    award = _progress(client, headers, pathway["id"])["award"]
    record = client.get(f"/credentials/{award['clrCredentialId']}").json()
    ids = [f"{BASE}/achievements/{m}" for m in modules]
    precedes = [(a["sourceId"], a["targetId"])
                for a in record["credentialSubject"]["association"]
                if a["associationType"] == "precedes"]
    assert precedes == [(ids[0], ids[1]), (ids[1], ids[2])]


def test_associations_leave_out_the_qualification_itself_and_unheld_ordering() -> None:
    links = award_associations(["a", "b", "a", "q"], "q", ordered=["x", "b", "a"])
    assert [(x.association_type, x.source_id, x.target_id) for x in links] == [
        ("isChildOf", "a", "q"), ("isPartOf", "a", "q"), ("isChildOf", "b", "q"),
        ("isPartOf", "b", "q"), ("precedes", "b", "a")]
