"""Qualification pathways end to end through the real app, on SQLite and PostgreSQL: three
micro-credentials issued from assessments award the PgCert; a revoked constituent shows in
progress and on the award until the issuer decides; recognised prior learning counts up to
the external cap; a tampered credential never counts; awards are idempotent, also racing."""

from __future__ import annotations

import json
import threading
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.issuance import pathway_awards
from vcissuer.issuance.access import Caller
from vcissuer.issuance.context import Services
from vcissuer.issuance.schemas import AwardIn

FHEQ7 = [{"targetName": "FHEQ level 7", "targetFramework": "FHEQ", "targetCode": "7",
          "targetUrl": "https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks"}]
LEARNER = {"email": "ada@example.org", "name": "Ada Learner"}


def _setup(client: TestClient, admin: dict[str, str]) -> tuple[dict[str, str], list[str], str]:
    make_issuer(client, admin)
    headers = bearer(api_key_for(client))
    modules = [make_achievement(client, headers, name=f"Module {n}", creditsAvailable=20,
                                alignment=FHEQ7)["id"] for n in ("A", "B", "C")]
    target = make_achievement(
        client, headers, name="PgCert Data Science", achievementType="Certificate",
        description="Postgraduate Certificate: 60 credits at FHEQ level 7.",
        creditsAvailable=60, alignment=FHEQ7, resultDescription=None)["id"]
    return headers, modules, target


def api_key_for(client: TestClient) -> str:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return api_key(services, issuer_slug="uni")


def _pgcert(client: TestClient, headers: dict[str, str], modules: list[str], target: str,
            **rules: Any) -> dict[str, Any]:
    response = client.post("/issuers/uni/pathways", headers=headers, json={
        "targetAchievementId": target,
        "rules": {"totalCredits": 60,
                  "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": 40}],
                  "required": [{"achievementId": modules[0]}],
                  "electives": [{"name": "methods", "members": [
                      {"achievementId": modules[1]}, {"achievementId": modules[2]}],
                      "minCount": 2}],
                  "recencyYears": 5, **rules}})
    assert response.status_code == 201, response.text
    return response.json()


def _issue(client: TestClient, headers: dict[str, str], module: str, ref: str,
           recipient: dict[str, Any] = LEARNER) -> dict[str, Any]:
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(module, ref, creditsEarned=20, recipient=recipient))
    assert response.status_code == 201, response.text
    return response.json()


def _progress(client: TestClient, headers: dict[str, str], pathway: str,
              learner: str = "ada@example.org") -> dict[str, Any]:
    response = client.get(f"/issuers/uni/pathways/{pathway}/progress",
                          params={"learner": learner}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_three_micro_credentials_award_the_pgcert(client: TestClient, admin) -> None:
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target)
    assert pathway["rules"]["creditScheme"] == "CATS"  # from the target achievement
    issued = [_issue(client, headers, modules[0], "a"), _issue(client, headers, modules[1], "b")]

    before = _progress(client, headers, pathway["id"])
    assert not before["met"] and before["award"] is None
    assert before["credits"]["total"] == 40
    assert {m["rule"] for m in before["missing"]} == {"electives[0]", "totalCredits"}

    issued.append(_issue(client, headers, modules[2], "c"))  # the award follows this issue
    after = _progress(client, headers, pathway["id"])
    assert after["met"] and after["credits"]["total"] == 60
    award = after["award"]
    assert award["state"] == "awarded"
    urls = sorted(f"http://testserver/credentials/{c['id']}" for c in issued)
    assert sorted(c["credential"] for c in award["constituents"]) == urls

    qualification = client.get(f"/credentials/{award['credentialId']}").json()
    assert qualification["credentialSubject"]["achievement"]["id"] == \
        f"http://testserver/achievements/{target}"
    assert sorted(e["id"] for e in qualification["evidence"]) == urls
    verified = client.post("/credentials/verify",
                           json={"verifiableCredential": qualification})
    assert verified.status_code == 200, verified.text

    again = client.post(f"/issuers/uni/pathways/{pathway['id']}/award", headers=headers,
                        json={"recipient": LEARNER})
    assert again.status_code == 200 and again.json()["id"] == award["id"]

    # A later revocation of a constituent is recorded, never silently applied.
    revoked = issued[1]["id"]
    client.post(f"/issuers/uni/credentials/{revoked}/revoke", headers=headers,
                json={"reason": "academic misconduct"}).raise_for_status()
    later = _progress(client, headers, pathway["id"])
    assert not later["met"]
    assert {"credential": f"http://testserver/credentials/{revoked}", "reason": "revoked",
            "message": "the credential is revoked"} in later["setAside"]
    award = later["award"]
    assert award["state"] == "review"
    assert [(e["kind"], e["credential"]) for e in award["events"]] == [
        ("constituent-revoked", revoked)]
    assert {"credential": f"http://testserver/credentials/{revoked}", "state": "revoked"} \
        in award["constituents"]
    assert client.get(f"/credentials/{award['credentialId']}").status_code == 200

    url = f"/issuers/uni/pathways/{pathway['id']}/awards/{award['id']}"
    assert client.get(url, headers=headers).json()["state"] == "review"
    refused = client.post(f"{url}/decision", headers=headers,
                          json={"decision": "re-award", "recipient": LEARNER})
    assert refused.status_code == 409 and not refused.json()["evaluation"]["met"]
    kept = client.post(f"{url}/decision", headers=headers,
                       json={"decision": "keep", "reason": "credit transferred elsewhere"})
    assert kept.status_code == 200 and kept.json()["state"] == "awarded"
    assert kept.json()["events"][-1]["kind"] == "kept"
    gone = client.post(f"{url}/decision", headers=headers, json={"decision": "revoke"})
    assert gone.json()["state"] == "revoked"
    history = client.get(f"/issuers/uni/credentials/{award['credentialId']}",
                         headers=headers).json()
    assert history["state"] == "revoked"
    assert history["history"][-1]["details"]["pathwayAward"] == award["id"]
    status = client.post("/credentials/verify", json={
        "verifiableCredential": client.get(f"/credentials/{award['credentialId']}").json()})
    assert status.status_code == 422


def test_batch_issue_awards_and_unrelated_issuers_pay_nothing(client: TestClient,
                                                              admin) -> None:
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target)
    batch = client.post("/issuers/uni/credentials/batch", headers=headers, json={"items": [
        assessment(m, f"batch-{i}", creditsEarned=20, recipient=LEARNER)
        for i, m in enumerate(modules)]})
    assert batch.json()["issued"] == 3, batch.text
    assert _progress(client, headers, pathway["id"])["award"]["state"] == "awarded"
    # The qualification's credential is not counted towards its own pathway, nor twice.
    assert len(_progress(client, headers, pathway["id"])["counted"]) == 3


def test_rules_refused_at_definition(client: TestClient, admin) -> None:
    headers, modules, target = _setup(client, admin)
    cases = [
        ({"creditScheme": "US semester hours", "accept": [{"achievementId": modules[0]}]},
         "rules.creditScheme"),
        ({"levelCredits": [{"framework": "FHEQ", "level": 9, "credits": 10}],
          "accept": [{"achievementId": modules[0]}]}, "rules.levelCredits[0]"),
        ({"accept": [{"achievementId": target}]}, "targetAchievementId"),
    ]
    assessed = make_achievement(client, headers, name="Assessed")["id"]  # has outcomes
    cases.append(({"accept": [{"achievementId": modules[0]}]}, "targetAchievementId"))
    for n, (rules, field) in enumerate(cases):
        response = client.post("/issuers/uni/pathways", headers=headers, json={
            "targetAchievementId": assessed if n == len(cases) - 1 else target,
            "rules": rules})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field]
    unknown = client.post("/issuers/uni/pathways", headers=headers, json={
        "targetAchievementId": target, "rules": {"levelCredits": [
            {"framework": "AQF", "level": 7, "credits": 1}], "accept": []}})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.rules.levelCredits[0].framework"
    missing = client.post("/issuers/uni/pathways", headers=headers, json={
        "targetAchievementId": target,
        "rules": {"accept": [{"achievementId": "3b1f8a9e-0000-4000-8000-000000000000"}]}})
    assert missing.status_code == 404
    listed = client.get("/issuers/uni/pathways", headers=headers).json()
    assert listed["items"] == []


def _foreign(client: TestClient, admin: dict[str, str], name: str, ref: str) -> dict[str, Any]:
    """A credential of another issuer (did:key) for the same learner."""
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    if client.get("/issuers/other").status_code != 200:
        make_issuer(client, admin, slug="other", didMethod="key")
    other = bearer(api_key(services, issuer_slug="other"))
    module = make_achievement(client, other, slug="other", name=name, creditsAvailable=20,
                              alignment=FHEQ7)["id"]
    response = client.post("/issuers/other/credentials", headers=other, json=assessment(
        module, ref, creditsEarned=20, recipient=LEARNER))
    assert response.status_code == 201, response.text
    return response.json()["credential"]


def test_recognised_prior_learning_counts_up_to_the_cap(client: TestClient, admin) -> None:
    headers, modules, target = _setup(client, admin)
    first = _foreign(client, admin, "Statistics", "s1")
    second = _foreign(client, admin, "Research Methods", "s2")
    other_did = first["issuer"]["id"]
    response = client.post("/issuers/uni/pathways", headers=headers, json={
        "targetAchievementId": target,
        "rules": {"totalCredits": 60, "required": [{"achievementId": modules[0]}],
                  "accept": [{"achievementId": modules[1]}], "maxExternalCredits": 20,
                  "recognise": [{"issuer": other_did}]}})
    pathway = response.json()["id"]
    _issue(client, headers, modules[0], "a")

    tampered = json.loads(json.dumps(second))
    tampered["credentialSubject"]["creditsEarned"] = 60
    url = f"/issuers/uni/pathways/{pathway}/recognitions"
    bad = client.post(url, headers=headers, json={"learner": "ada@example.org",
                                                  "credential": tampered})
    assert bad.status_code == 201, bad.text
    assert not bad.json()["verified"] and not bad.json()["counts"]
    assert "PROOF" in bad.json()["reason"]
    assert not bad.json()["progress"]["met"]

    stranger = client.post(url, headers=headers, json={"learner": "someone@example.org",
                                                       "credential": first})
    assert stranger.status_code == 422, stranger.text
    assert stranger.json()["errors"][0] == {
        "field": "learner", "rule": "subject",
        "message": "the credential's subject (its id or identifiers) does not name this learner"}
    nul = client.post(url, headers=headers, json={"learner": "ada@example.org", "credential": {
        **first, "name": "bad\u0000name"}})
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "credential"
    recognitions = {}
    for credential in (first, second):
        good = client.post(url, headers=headers, json={"learner": "ada@example.org",
                                                       "credential": credential})
        assert good.status_code == 201 and good.json()["verified"], good.text
        recognitions[credential["id"]] = good.json()["credential"]
    progress = _progress(client, headers, pathway)
    assert progress["credits"]["external"] == 20 and progress["credits"]["total"] == 40
    # The tampered copy of `second` is superseded by the genuine one submitted after it.
    reasons = sorted(s["reason"] for s in progress["setAside"])
    assert reasons == ["over-external-cap"]
    assert not progress["met"]

    as_jwt = client.post("/issuers/other/credentials", headers=bearer(api_key(
        client.app.state.services, issuer_slug="other")),  # type: ignore[attr-defined]
        json=assessment(first["credentialSubject"]["achievement"]["id"], "s3", format="jwt",
                        creditsEarned=20, recipient=LEARNER)).json()["jwt"]
    jwt = client.post(url, headers=headers, json={"learner": "ada@example.org",
                                                  "credential": as_jwt})
    assert jwt.status_code == 201 and jwt.json()["verified"], jwt.text
    assert jwt.json()["report"]["format"] == "jwt"

    _issue(client, headers, modules[1], "b")  # the award follows, counting one recognition
    progress = _progress(client, headers, pathway)
    assert progress["met"] and progress["award"]["state"] == "awarded"
    assert sum(c["external"] for c in progress["counted"]) == 1
    # Only for that learner.
    assert _progress(client, headers, pathway, "someone@example.org")["credits"]["total"] == 0
    # Revoked at its issuer and submitted again: the newest report supersedes.
    revoked = first
    other = bearer(api_key(client.app.state.services,  # type: ignore[attr-defined]
                           issuer_slug="other"))
    client.post(f"/issuers/other/credentials/{revoked['id'].rsplit('/', 1)[-1]}/revoke",
                headers=other, json={}).raise_for_status()
    again = client.post(url, headers=headers, json={"learner": "ada@example.org",
                                                    "credential": revoked})
    assert again.status_code == 201 and not again.json()["counts"], again.text
    assert again.json()["report"]["revoked"]
    progress = _progress(client, headers, pathway)
    assert {"credential": again.json()["credential"], "reason": "revoked",
            "message": "the credential is revoked"} in progress["setAside"]
    earlier = recognitions[revoked["id"]]  # superseded: neither counted nor set aside
    assert earlier not in [c["credential"] for c in progress["counted"]]
    assert earlier not in [c["credential"] for c in progress["setAside"]]


def test_racing_awards_award_once(client: TestClient, admin) -> None:
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
    assert len({r.view["id"] for r in results}) == 1
    assert sorted(r.created for r in results) == [False, True]
    listed = client.get("/issuers/uni/credentials", params={"achievement": target},
                        headers=headers).json()
    assert len(listed["items"]) == 1


def test_alignment_members_suspension_and_other_issuers(client: TestClient, admin) -> None:
    """A pathway naming a framework unit counts an achievement defined later with that unit;
    a suspension and a reinstatement are recorded on the award; another issuer's key sees
    nothing."""
    make_issuer(client, admin)
    headers = bearer(api_key_for(client))
    target = make_achievement(client, headers, name="Award in Data", achievementType="Award",
                              description="Two units.", creditsAvailable=40, alignment=FHEQ7,
                              resultDescription=None)["id"]
    unit = {"targetName": "Unit D1", "targetFramework": "Data units", "targetCode": "D1",
            "targetUrl": "https://units.example.ac.uk/d1"}
    response = client.post("/issuers/uni/pathways", headers=headers, json={
        "targetAchievementId": target,
        "rules": {"creditScheme": "ECTS", "totalCredits": 20,
                  "required": [{"targetFramework": "Data units", "targetCode": "D1"}],
                  "accept": [{"targetFramework": "Data units", "targetCode": "D2"}]}})
    assert response.status_code == 201, response.text
    pathway = response.json()["id"]
    first = make_achievement(client, headers, name="D1", creditsAvailable=20, suspendable=True,
                             alignment=[*FHEQ7, unit])["id"]
    second = make_achievement(client, headers, name="D2", creditsAvailable=20,
                              alignment=[*FHEQ7, {**unit, "targetCode": "D2",
                                                  "targetName": "Unit D2"}])["id"]
    learner = {**LEARNER, "studentId": "N-7"}
    d1 = _issue(client, headers, first, "d1", learner)
    _issue(client, headers, second, "d2", learner)
    progress = _progress(client, headers, pathway)
    assert progress["met"] and progress["credits"]["total"] == 20  # 40 CATS = 20 ECTS
    assert progress["award"]["state"] == "awarded"
    client.post(f"/issuers/uni/credentials/{d1['id']}/suspend", headers=headers,
                json={}).raise_for_status()
    client.post(f"/issuers/uni/credentials/{d1['id']}/reinstate", headers=headers,
                json={}).raise_for_status()
    award = _progress(client, headers, pathway)["award"]
    assert [e["kind"] for e in award["events"]] == ["constituent-suspended",
                                                    "constituent-reinstated"]
    assert award["state"] == "review"  # the issuer still decides
    url = f"/issuers/uni/pathways/{pathway}/awards/{award['id']}/decision"
    assert client.post(url, headers=headers, json={"decision": "re-award"}).status_code == 422
    again = client.post(url, headers=headers, json={"decision": "re-award", "recipient": learner,
                                                    "reason": "checked after the review"})
    assert again.status_code == 200, again.text
    renewed = again.json()
    assert renewed["state"] == "awarded" and renewed["credentialId"] != award["credentialId"]
    assert renewed["events"][-1]["kind"] == "re-awarded"
    old = client.get(f"/issuers/uni/credentials/{award['credentialId']}", headers=headers)
    assert old.json()["state"] == "revoked"
    # The learner named by another identifier has the same award.
    by_id = _progress(client, headers, pathway, "student:N-7")
    assert by_id["met"] and by_id["award"]["id"] == award["id"]
    assert _progress(client, headers, pathway, "student:N-8")["award"] is None

    services: Services = client.app.state.services  # type: ignore[attr-defined]
    make_issuer(client, admin, slug="rival")
    rival = bearer(api_key(services, issuer_slug="rival"))
    refused = client.get(f"/issuers/uni/pathways/{pathway}/progress",
                         params={"learner": "ada@example.org"}, headers=rival)
    assert refused.status_code == 403
    assert client.get(f"/issuers/rival/pathways/{pathway}", headers=rival).status_code == 404


def test_a_credential_issued_when_a_wallet_collects_it_awards(client: TestClient,
                                                                admin) -> None:
    """An offer issued on redemption is an issue like any other: the award follows it."""
    from tests.wallet.flow import redeem
    from tests.wallet.holder import Holder

    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target)
    _issue(client, headers, modules[0], "w-a")
    _issue(client, headers, modules[1], "w-b")
    offer = client.post("/issuers/uni/offers", headers=headers, json={
        "assessment": assessment(modules[2], "w-c", creditsEarned=20, recipient=LEARNER),
        "issue": "on-redemption"})
    assert offer.status_code == 201, offer.text
    assert _progress(client, headers, pathway["id"])["award"] is None
    delivered = redeem(client, offer.json(), Holder.ed25519(), aud="http://testserver")
    assert delivered.status_code == 200, delivered.text
    progress = _progress(client, headers, pathway["id"])
    assert progress["met"] and progress["award"]["state"] == "awarded"


def test_new_rules_are_a_new_revision(client: TestClient, admin) -> None:
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target)
    url = f"/issuers/uni/pathways/{pathway['id']}"
    rules = pathway["rules"]
    same = client.patch(url, headers=headers, json={"rules": rules})
    assert same.status_code == 200 and same.json()["revision"] == 1
    bad = client.patch(url, headers=headers, json={"rules": {**rules, "creditScheme": "USCH"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rules.creditScheme"
    revised = client.patch(url, headers=headers, json={"rules": {
        **rules, "totalCredits": 40, "electives": [],
        "accept": [{"achievementId": f"http://testserver/achievements/{modules[1]}"}]}})
    assert revised.status_code == 200, revised.text
    assert revised.json()["revision"] == 2
    assert [r["revision"] for r in revised.json()["revisions"]] == [1, 2]
    _issue(client, headers, modules[0], "a")
    _issue(client, headers, modules[1], "b")  # 40 credits now meet revision 2
    award = _progress(client, headers, pathway["id"])["award"]
    assert award["pathwayRevision"] == 2
    assert client.get(url, headers=headers).json()["rules"]["totalCredits"] == 40


def test_a_failed_award_never_fails_the_issue(client: TestClient, admin) -> None:
    """The qualification is retired: the module is still issued; the award waits."""
    headers, modules, target = _setup(client, admin)
    pathway = _pgcert(client, headers, modules, target)
    client.post(f"/issuers/uni/achievements/{target}/retire",
                headers=headers).raise_for_status()
    for i, module in enumerate(modules):
        _issue(client, headers, module, f"f{i}")  # 201 each, award or not
    progress = _progress(client, headers, pathway["id"])
    assert progress["met"] and progress["award"] is None
    refused = client.post(f"/issuers/uni/pathways/{pathway['id']}/award", headers=headers,
                          json={"recipient": LEARNER})
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
