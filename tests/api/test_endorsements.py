"""Endorsements end to end over the real app, on SQLite and PostgreSQL.

OB 3.0 §B.1.5 EndorsementCredential (https://www.imsglobal.org/spec/ob/v3p0/#endorsementcredential):
``type`` holds VerifiableCredential and EndorsementCredential, ``credentialSubject`` is an
EndorsementSubject whose ``id`` is the endorsed entity; Achievement and Profile carry them in
``endorsement`` (§B.1.1 Achievement, §B.2.8 Profile); each embedded endorsement is verified
as the credential is (§9.2 "Endorsement Verification").
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.credentials.schema import validate_achievement_credential, validate_against
from vcissuer.issuance.context import Services
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof
from vcissuer.proofs.jose import encode_vc_jwt

BASE = "http://testserver"


@pytest.fixture
def world(client: TestClient, services: Services, admin) -> dict[str, Any]:
    """Two universities with an achievement each, and a quality body (an endorser tenant)."""
    make_issuer(client, admin, "uni")
    make_issuer(client, admin, "other")
    make_issuer(client, admin, "qaa", name="Quality Assurance Agency",
                url="https://qaa.example.org")
    uni = bearer(api_key(services, issuer_slug="uni"))
    other = bearer(api_key(services, issuer_slug="other"))
    qaa = bearer(api_key(services, issuer_slug="qaa"))
    return {"uni": uni, "other": other, "qaa": qaa,
            "achievement": make_achievement(client, uni, "uni"),
            "other_achievement": make_achievement(client, other, "other")}


def endorse(client: TestClient, headers, subject: str, *, slug: str = "qaa",
            comment: str = "Meets the QAA micro-credential characteristics.") -> Any:
    return client.post(f"/issuers/{slug}/endorsements", headers=headers, json={
        "name": "QAA endorsement",
        "endorsementSubject": {"id": subject, "endorsementComment": comment}})


def achievement_url(achievement: dict[str, Any]) -> str:
    return f"{BASE}/achievements/{achievement['id']}"


def issue(client: TestClient, headers, achievement: dict[str, Any], ref: str) -> dict:
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], ref))
    assert response.status_code == 201, response.text
    return response.json()


def verify(client: TestClient, credential: Any) -> dict[str, Any]:
    return client.post("/credentials/verify",
                       json={"verifiableCredential": credential}).json()


def endorsements_check(report: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["check"] == "endorsements")


def did_key_endorsement(subject: str, *, keys: Ed25519KeyPair | None = None) -> dict:
    """An EndorsementCredential by a did:key employer, signed in-process."""
    keys = keys or Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6b0a3c52-27a4-4a43-9d7a-2f1a3f3b9e01",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Employer endorsement",
        "issuer": {"id": did, "type": ["Profile"], "name": "Acme Analytics Ltd"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, "type": ["EndorsementSubject"],
                              "endorsementComment": "We hire on the strength of it."},
    }
    return add_proof(document, signer=keys.signer(f"{did}#{keys.public_multibase}"))


# --- issue ------------------------------------------------------------------------------------

def test_issued_endorsement_is_schema_valid_served_and_verifies(client, world) -> None:
    subject = achievement_url(world["achievement"])
    response = endorse(client, world["qaa"], subject)
    assert response.status_code == 201, response.text
    body = response.json()
    endorsement = body["endorsement"]
    assert endorsement["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert endorsement["credentialSubject"] == {
        "id": subject, "type": ["EndorsementSubject"],
        "endorsementComment": "Meets the QAA micro-credential characteristics."}
    assert endorsement["issuer"]["id"] == "did:web:testserver:issuers:qaa"
    assert endorsement["issuer"]["name"] == "Quality Assurance Agency"
    assert endorsement["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert endorsement["credentialStatus"]["statusPurpose"] == "revocation"
    assert validate_against("endorsementcredential", endorsement) == []
    assert body["attached"] is True and body["subject"]["kind"] == "achievement"
    served = client.get(body["url"].removeprefix(BASE), headers={"Accept": "application/json"})
    assert served.status_code == 200 and served.json() == endorsement
    report = verify(client, endorsement)
    assert report["verified"] is True, report


def test_an_endorsed_achievement_embeds_it_in_new_credentials(client, world) -> None:
    before = issue(client, world["uni"], world["achievement"], "before")
    assert "endorsement" not in before["credential"]["credentialSubject"]["achievement"]
    endorsement = endorse(client, world["qaa"], achievement_url(world["achievement"])).json()
    published = client.get(f"/achievements/{world['achievement']['id']}").json()
    assert published["endorsement"] == [endorsement["endorsement"]]
    after = issue(client, world["uni"], world["achievement"], "after")
    assert after["achievementRevision"] == before["achievementRevision"] + 1
    credential = after["credential"]
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [
        endorsement["endorsement"]]
    assert validate_achievement_credential(credential) == []
    report = verify(client, credential)
    assert report["verified"] is True, report
    check = endorsements_check(report)
    assert check["outcome"] == "passed"
    nested = check["reports"][0]
    assert nested["verified"] is True
    assert nested["location"] == "credentialSubject.achievement.endorsement[0]"
    # A correction of the achievement keeps its endorsements.
    patched = client.patch(f"/issuers/uni/achievements/{world['achievement']['id']}",
                           headers=world["uni"], json={"description": "Revised wording."})
    assert patched.status_code == 200, patched.text
    assert patched.json()["achievement"]["endorsement"] == [endorsement["endorsement"]]


def test_an_endorsed_issuer_profile_carries_it(client, world) -> None:
    response = endorse(client, world["qaa"], "did:web:testserver:issuers:uni",
                       comment="A provider in good standing.")
    assert response.status_code == 201, response.text
    assert response.json()["subject"]["kind"] == "issuer"
    profile = client.get("/issuers/uni", headers={"Accept": "application/json"}).json()
    assert profile["endorsement"] == [response.json()["endorsement"]]
    credential = issue(client, world["uni"], world["achievement"], "p1")["credential"]
    assert credential["issuer"]["endorsement"] == [response.json()["endorsement"]]
    assert validate_achievement_credential(credential) == []
    report = verify(client, credential)
    assert report["verified"] is True, report
    assert endorsements_check(report)["reports"][0]["location"] == "issuer.endorsement[0]"


def test_an_imported_endorsement_of_the_issuer_joins_its_profile(client, world) -> None:
    endorsement = did_key_endorsement("did:web:testserver:issuers:uni")
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": endorsement})
    assert response.status_code == 201, response.text
    assert response.json()["subject"]["kind"] == "issuer"
    profile = client.get("/issuers/uni", headers={"Accept": "application/json"}).json()
    assert profile["endorsement"] == [endorsement]
    credential = issue(client, world["uni"], world["achievement"], "ip1")["credential"]
    assert credential["issuer"]["endorsement"] == [endorsement]
    assert verify(client, credential)["verified"] is True
    detached = client.post(f"/issuers/uni/endorsements/{response.json()['id']}/detach",
                           headers=world["uni"])
    assert detached.status_code == 200, detached.text
    profile = client.get("/issuers/uni", headers={"Accept": "application/json"}).json()
    assert "endorsement" not in profile
    credential = issue(client, world["uni"], world["achievement"], "ip2")["credential"]
    assert "endorsement" not in credential["issuer"]


@pytest.mark.parametrize("subject", [
    "https://elsewhere.example/achievements/7",
    # A Profile's id is the issuer's DID, not its page's URL.
    f"{BASE}/issuers/uni",
])
def test_an_endorsement_of_something_elsewhere_is_issued_not_attached(client, world,
                                                                     subject) -> None:
    response = endorse(client, world["qaa"], subject)
    assert response.status_code == 201, response.text
    assert response.json()["attached"] is False
    assert response.json()["subject"]["kind"] == "external"


def test_self_endorsement_and_bad_bodies_are_refused(client, world) -> None:
    response = endorse(client, world["uni"], achievement_url(world["achievement"]), slug="uni")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "endorsementSubject.id", "rule": "self-endorsement",
        "message": "the endorsed entity belongs to the endorser"}
    relative = endorse(client, world["qaa"], "achievements/1")
    assert relative.status_code == 422
    assert relative.headers["content-type"] == "application/problem+json"
    assert relative.json()["errors"][0]["field"].endswith("endorsementSubject.id")
    assert relative.json()["errors"][0]["rule"] == "absolute-iri"


@pytest.mark.parametrize(("validity", "field", "rule"), [
    ({"validFrom": "2026-01-01T00:00:00"}, "validFrom", "timezone-required"),
    ({"validFrom": "2026-01-02T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"},
     "validUntil", "date-order"),
    ({"validUntil": "2001-01-01T00:00:00Z"}, "validUntil", "in-the-past"),
])
def test_validity_is_checked(client, world, validity, field, rule) -> None:
    response = client.post("/issuers/qaa/endorsements", headers=world["qaa"], json={
        "name": "QAA endorsement", **validity,
        "endorsementSubject": {"id": achievement_url(world["achievement"])}})
    assert response.status_code == 422, response.text
    assert [(e["field"].removeprefix("body."), e["rule"])
            for e in response.json()["errors"]] == [(field, rule)]


def test_an_endorsement_with_a_validity_period_verifies(client, world) -> None:
    response = client.post("/issuers/qaa/endorsements", headers=world["qaa"], json={
        "name": "QAA endorsement", "validUntil": "2099-01-01T00:00:00Z",
        "endorsementSubject": {"id": achievement_url(world["achievement"])}})
    assert response.status_code == 201, response.text
    assert response.json()["endorsement"]["validUntil"] == "2099-01-01T00:00:00Z"
    assert verify(client, response.json()["endorsement"])["verified"] is True


# --- tenancy ----------------------------------------------------------------------------------

def test_only_the_endorsers_key_issues_its_endorsements(client, world) -> None:
    response = endorse(client, world["uni"], achievement_url(world["other_achievement"]))
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_an_issuer_cannot_attach_to_another_issuers_achievement(client, world) -> None:
    foreign = did_key_endorsement(achievement_url(world["other_achievement"]))
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": foreign})
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{
        "field": "endorsement.credentialSubject.id", "rule": "foreign-subject",
        "message": f"{achievement_url(world['other_achievement'])!r} is not an achievement "
                   "of 'uni' nor 'uni' itself"}]
    # Nor detach one: another issuer's endorsement is not found for it.
    given = endorse(client, world["qaa"], achievement_url(world["other_achievement"])).json()
    detach = client.post(f"/issuers/uni/endorsements/{given['id']}/detach",
                         headers=world["uni"])
    assert detach.status_code == 404
    # Nor act for another issuer's slug with its own key.
    assert client.post(f"/issuers/other/endorsements/{given['id']}/detach",
                       headers=world["uni"]).status_code == 403


# --- import -----------------------------------------------------------------------------------

def test_a_foreign_endorsement_is_verified_attached_and_embedded(client, world) -> None:
    endorsement = did_key_endorsement(achievement_url(world["achievement"]))
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": endorsement})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["source"] == "imported" and body["attached"] is True
    assert body["report"]["verified"] is True
    assert body["endorser"]["name"] == "Acme Analytics Ltd"
    credential = issue(client, world["uni"], world["achievement"], "i1")["credential"]
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [endorsement]
    assert validate_achievement_credential(credential) == []
    report = verify(client, credential)
    assert report["verified"] is True, report
    assert endorsements_check(report)["reports"][0]["verified"] is True
    again = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                        json={"endorsement": endorsement})
    assert again.status_code == 409
    listed = client.get("/issuers/uni/endorsements", headers=world["uni"]).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]


def test_a_tampered_endorsement_is_refused_naming_the_proof(client, world) -> None:
    endorsement = did_key_endorsement(achievement_url(world["achievement"]))
    tampered = copy.deepcopy(endorsement)
    tampered["credentialSubject"]["endorsementComment"] = "The best in the world."
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": tampered})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    proof = next(e for e in problem["errors"] if e["rule"] == "proof")
    assert proof["field"] == "endorsement"
    assert proof["message"].startswith("failed: ")
    assert problem["report"]["verified"] is False
    published = client.get(f"/achievements/{world['achievement']['id']}").json()
    assert "endorsement" not in published


def test_an_import_that_is_not_an_endorsement_is_refused(client, world) -> None:
    endorsement = did_key_endorsement(achievement_url(world["achievement"]))
    endorsement["type"] = ["VerifiableCredential"]
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": endorsement})
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "endorsement-credential"


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"name": "Employer\u0000endorsement"}, "endorsement.name", "control_character"),
    ({"description": None}, "endorsement", "serialization"),
    ({"termsOfUse": []}, "endorsement", "serialization"),
])
def test_an_import_that_could_not_be_stored_as_signed_is_refused(client, world, change,
                                                                  field, rule) -> None:
    """PostgreSQL cannot store NUL; OB 3.0 Serialization: nulls and empty arrays are omitted
    (and an issued credential is compacted, which would change a signed endorsement)."""
    endorsement = {**did_key_endorsement(achievement_url(world["achievement"])), **change}
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": endorsement})
    assert response.status_code == 422, response.text
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [(field, rule)]


def did_key_endorsement_jwt(subject: str) -> str:
    """The same employer endorsement as a VC-JWT (OB 3.0 §8.2 JWT proof format)."""
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    document = did_key_endorsement(subject, keys=keys)
    del document["proof"]
    return encode_vc_jwt(document, keys.signer(f"{did}#{keys.public_multibase}"))


def test_a_vc_jwt_endorsement_is_published_in_endorsement_jwt(client, world) -> None:
    """OB 3.0 Achievement.endorsementJwt: CompactJws endorsements, verified as the others."""
    token = did_key_endorsement_jwt(achievement_url(world["achievement"]))
    response = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                           json={"endorsement": token})
    assert response.status_code == 201, response.text
    assert response.json()["endorsement"] == token
    assert response.json()["report"]["format"] == "jwt"
    published = client.get(f"/achievements/{world['achievement']['id']}").json()
    assert published["endorsementJwt"] == [token] and "endorsement" not in published
    credential = issue(client, world["uni"], world["achievement"], "j1")["credential"]
    assert credential["credentialSubject"]["achievement"]["endorsementJwt"] == [token]
    assert validate_achievement_credential(credential) == []
    report = verify(client, credential)
    assert report["verified"] is True, report
    nested = endorsements_check(report)["reports"][0]
    assert nested["location"] == "credentialSubject.achievement.endorsementJwt[0]"
    assert nested["verified"] is True
    header, payload, signature = token.split(".")
    forged = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                         json={"endorsement": f"{header}.{payload}.{signature[:-4]}AAAA"})
    assert forged.status_code == 422
    assert "proof" in {e["rule"] for e in forged.json()["errors"]}
    unreadable = client.post("/issuers/uni/endorsements/import", headers=world["uni"],
                             json={"endorsement": "a.b.c"})
    assert unreadable.status_code == 422
    assert unreadable.json()["errors"][0]["rule"] == "vc-jwt"


# --- revocation, detaching ----------------------------------------------------------------------

def test_a_revoked_endorsement_drops_out_and_reads_revoked(client, world) -> None:
    given = endorse(client, world["qaa"], achievement_url(world["achievement"])).json()
    embedded = issue(client, world["uni"], world["achievement"], "r1")["credential"]
    revoke = client.post(f"/issuers/qaa/credentials/{given['credentialId']}/revoke",
                         headers=world["qaa"], json={"reason": "provider withdrew"})
    assert revoke.status_code == 200, revoke.text
    published = client.get(f"/achievements/{world['achievement']['id']}").json()
    assert "endorsement" not in published
    fresh = issue(client, world["uni"], world["achievement"], "r2")["credential"]
    assert "endorsement" not in fresh["credentialSubject"]["achievement"]
    assert verify(client, fresh)["verified"] is True
    report = verify(client, embedded)
    nested = endorsements_check(report)["reports"][0]
    assert nested["revoked"] is True and nested["verified"] is False
    assert endorsements_check(report)["outcome"] == "failed"
    # The owner cannot attach a revoked endorsement again.
    again = client.post(f"/issuers/uni/endorsements/{given['id']}/attach",
                        headers=world["uni"])
    assert again.status_code == 409


def test_the_owner_detaches_and_attaches_again(client, world) -> None:
    given = endorse(client, world["qaa"], achievement_url(world["achievement"])).json()
    detached = client.post(f"/issuers/uni/endorsements/{given['id']}/detach",
                           headers=world["uni"])
    assert detached.status_code == 200 and detached.json()["attached"] is False
    credential = issue(client, world["uni"], world["achievement"], "d1")["credential"]
    assert "endorsement" not in credential["credentialSubject"]["achievement"]
    attached = client.post(f"/issuers/uni/endorsements/{given['id']}/attach",
                           headers=world["uni"])
    assert attached.status_code == 200 and attached.json()["attached"] is True
    credential = issue(client, world["uni"], world["achievement"], "d2")["credential"]
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [
        given["endorsement"]]


def test_credentials_with_endorsements_canonicalize_as_plain_pyld(client, services,
                                                                   world) -> None:
    """The signer's shape templates (jsonld/shapes.py) meet endorsements nested two deep
    (issuer and achievement), each with its own @context and proof graph: the canonical form
    must be byte-identical to plain pyld's, on the first credential and on the templated
    ones after it."""
    from vcissuer.jsonld import plain_canonicalize

    endorse(client, world["qaa"], achievement_url(world["achievement"])).raise_for_status()
    endorse(client, world["qaa"], "did:web:testserver:issuers:uni").raise_for_status()
    client.post("/issuers/uni/endorsements/import", headers=world["uni"], json={
        "endorsement": did_key_endorsement(achievement_url(world["achievement"]))},
    ).raise_for_status()
    for ref in ("c1", "c2", "c3"):
        credential = issue(client, world["uni"], world["achievement"], ref)["credential"]
        assert len(credential["credentialSubject"]["achievement"]["endorsement"]) == 2
        unsigned = {k: v for k, v in credential.items() if k != "proof"}
        assert services.canonicalizer.canonicalize(unsigned) == plain_canonicalize(unsigned)
        assert verify(client, credential)["verified"] is True


def test_endorsements_issued_at_once_each_get_a_revision(client, services, world) -> None:
    """Attaching locks the achievement's row (PostgreSQL) or waits for SQLite's writer: four
    endorsements issued together, and a correction of the achievement at the same time, all
    end up published, one revision each."""
    import threading

    from vcissuer.issuance.access import ApiToken, authenticate
    from vcissuer.issuance.achievements import update_achievement
    from vcissuer.issuance.endorsement_schemas import EndorsementIn
    from vcissuer.issuance.endorsements import issue_endorsement
    from vcissuer.issuance.schemas import AchievementPatch

    def caller_of(headers):
        with services.db.session_scope(read_only=True) as session:
            return authenticate(session, ApiToken(
                headers["Authorization"].removeprefix("Bearer ")))

    caller, owner = caller_of(world["qaa"]), caller_of(world["uni"])
    barrier = threading.Barrier(5)
    errors: list[BaseException] = []

    def correct() -> None:
        try:
            barrier.wait()
            update_achievement(services, "uni", world["achievement"]["id"],
                               AchievementPatch.model_validate({"description": "Corrected."}),
                               caller=owner)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def one(n: int) -> None:
        body = EndorsementIn.model_validate({
            "name": f"Endorsement {n}",
            "endorsementSubject": {"id": achievement_url(world["achievement"])}})
        try:
            barrier.wait()
            issue_endorsement(services, "qaa", body, caller=caller)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=correct))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    published = client.get(f"/achievements/{world['achievement']['id']}").json()
    assert sorted(e["name"] for e in published["endorsement"]) == [
        f"Endorsement {n}" for n in range(4)]
    assert published["description"] == "Corrected."
    listed = client.get("/issuers/uni/achievements", headers=world["uni"]).json()["items"]
    assert listed[0]["revision"] == 6
