"""Issuer -> achievement -> issue -> fetch -> verify, through the real ASGI app."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.credentials.identity import matches_identity
from vcissuer.credentials.schema import validate_achievement_credential
from vcissuer.dids import StaticResolver
from vcissuer.issuance.context import Services
from vcissuer.verify import Retrieved, verify_credential


def _resolver_from_service(client: TestClient, slug: str) -> StaticResolver:
    document = client.get(f"/issuers/{slug}/did.json").json()
    return StaticResolver({document["id"]: document})


def _status_lists_served(client: TestClient, credential: dict[str, Any] | str) -> Retrieved:
    """The status lists the credential names, as the service serves them (fetched here, so
    the offline pipeline can check status instead of reporting "could not check")."""
    if isinstance(credential, str):
        payload = credential.split(".")[1]
        credential = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        credential = credential.get("vc", credential)
    entries = credential.get("credentialStatus", [])
    entries = entries if isinstance(entries, list) else [entries]
    documents = {}
    for entry in entries:
        url = entry["statusListCredential"]
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, response.text
        documents[url] = response.json()
    assert documents, "an issued credential carries a status entry"
    return Retrieved.of(documents)


def test_issue_fetch_and_verify(client: TestClient, services: Services, admin) -> None:
    issuer = make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"]))
    assert response.status_code == 201, response.text
    body = response.json()
    credential = body["credential"]
    assert response.headers["location"].endswith(f"/credentials/{body['id']}")

    # Stored and served exactly as issued.
    public = client.get(f"/credentials/{body['id']}")
    assert public.status_code == 200
    assert public.headers["content-type"].startswith("application/vc+ld+json")
    assert json.loads(public.content) == credential

    # OB 3.0 shape: schema-valid, arrays, the achievement and results embedded.
    assert validate_achievement_credential(credential) == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == issuer["did"]
    subject = credential["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "MicroCredential"
    assert subject["creditsEarned"] == 15
    assert [r["value"] for r in subject["result"] if "value" in r] == ["72"]
    assert subject["result"][1]["achievedLevel"].endswith("#merit")
    email = next(i for i in subject["identifier"] if i["identityType"] == "emailAddress")
    assert email["hashed"] is True and matches_identity(email, "learner@example.org")
    assert "Learner@Example.org" not in public.text and "learner@example.org" not in public.text

    # The signature verifies, its key resolved through the served DID document.
    report = verify_credential(credential, resolver=_resolver_from_service(client, "uni"),
                               retrieved=_status_lists_served(client, credential))
    assert report.verified, report.to_json()
    # Without the status lists the answer is "could not check", never "verified".
    offline = verify_credential(credential, resolver=_resolver_from_service(client, "uni"))
    assert not offline.verified and offline.could_not_check


def test_achievement_is_published_at_its_id(client: TestClient, services: Services,
                                            admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    url = achievement["achievement"]["id"]
    published = client.get(url.removeprefix("http://testserver")).json()
    assert published["id"] == url
    outcomes = published["resultDescription"]
    assert [o["id"].rsplit("#", 1)[1] for o in outcomes] == ["lo1", "lo2"]
    assert outcomes[1]["requiredLevel"] == f"{url}#pass"
    scheme = [a for a in published["alignment"] if a.get("targetType") == "ext:CreditScheme"]
    assert scheme and scheme[0]["targetFramework"] == "CATS"


def test_jwt_format(client: TestClient, services: Services, admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement["id"], format="jwt"))
    assert response.status_code == 201, response.text
    token = response.json()["jwt"]
    public = client.get(f"/credentials/{response.json()['id']}")
    assert public.text == token and public.headers["content-type"].startswith("text/plain")
    report = verify_credential(token, resolver=_resolver_from_service(client, "uni"),
                               retrieved=_status_lists_served(client, token))
    assert report.verified, report.to_json()


def test_key_rotation_keeps_old_credentials_verifying(client: TestClient, services: Services,
                                                      admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    old = client.post("/issuers/uni/credentials", headers=headers,
                      json=assessment(achievement["id"], ref="a")).json()["credential"]
    rotated = client.post("/issuers/uni/keys/rotate", headers=headers)
    assert rotated.status_code == 200, rotated.text
    new = client.post("/issuers/uni/credentials", headers=headers,
                      json=assessment(achievement["id"], ref="b")).json()["credential"]
    assert old["proof"][0]["verificationMethod"] != new["proof"][0]["verificationMethod"]
    assert new["proof"][0]["verificationMethod"] == rotated.json()["verificationMethod"]
    resolver = _resolver_from_service(client, "uni")
    for credential in (old, new):
        report = verify_credential(credential, resolver=resolver,
                                   retrieved=_status_lists_served(client, credential))
        assert report.verified, report.to_json()


def test_did_key_issuer(client: TestClient, services: Services, admin) -> None:
    from vcissuer.dids import DidKeyResolver

    issuer = make_issuer(client, admin, slug="keyed", didMethod="key")
    assert issuer["did"].startswith("did:key:z6Mk")
    headers = bearer(api_key(services, issuer_slug="keyed"))
    achievement = make_achievement(client, headers, slug="keyed")
    credential = client.post("/issuers/keyed/credentials", headers=headers,
                             json=assessment(achievement["id"])).json()["credential"]
    report = verify_credential(credential, resolver=DidKeyResolver(),
                               retrieved=_status_lists_served(client, credential))
    assert report.verified, report.to_json()
    assert client.post("/issuers/keyed/keys/rotate", headers=headers).status_code == 409


def test_profile_update(client: TestClient, services: Services, admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    response = client.patch("/issuers/uni", headers=headers,
                            json={"description": "A university.", "email": "badges@uni.example"})
    assert response.status_code == 200, response.text
    profile = client.get("/issuers/uni").json()
    assert profile["description"] == "A university."
    assert profile["type"] == ["Profile"]
