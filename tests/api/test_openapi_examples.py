"""Every request example in the OpenAPI document validates against its own schema and is
accepted by the service.

The examples (vcissuer.api.examples) tell one story; this test plays it through the real ASGI app
in the same order: create the issuer and upload its logo, give the student records system a
key, define the achievement, correct it and upload its badge, issue, verify (API and the verify
page's form), suspend, reinstate and revoke (the records system's key through VC-API), rotate
and revoke that key, offer to a wallet and redeem. Each body is sent as its media type says:
JSON, a form, or an image's bytes. Only what a real run decides is put in: the service's base
URL, the ids it assigns, and the secrets and signatures of the wallet protocols (a
pre-authorized code, a transaction code, a proof JWT, a signed presentation).

OpenAPI 3.1 section 4.8.14 (Media Type Object): an example SHOULD match the media type's schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BASE_URL, api_key, bearer
from tests.wallet.flow import c_nonce
from tests.wallet.holder import Holder
from vcissuer.api.app import create_app
from vcissuer.api.examples import (
    EXAMPLE_ACHIEVEMENT_ID,
    EXAMPLE_BASE_URL,
    EXAMPLE_CLIENT_ID,
    EXAMPLE_CREDENTIAL_IDS,
    EXAMPLE_ISSUER_DID,
    EXAMPLE_MEDIA_TYPES,
    EXAMPLE_PARTNER_DID,
    EXAMPLE_QUALIFICATION_ID,
    EXAMPLES,
)
from vcissuer.issuance.context import Services
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof
from vcissuer.web import page_verifier

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def app_client(services: Services) -> Iterator[TestClient]:
    app = create_app(services)
    # Verification reads this service's own DID documents and status lists locally.
    app.state.verifier = page_verifier(services)
    with TestClient(app) as client:
        yield client


def _request_bodies(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            body = item.get(method, {}).get("requestBody")
            if body is not None:
                for media, content in body["content"].items():
                    yield method, path, media, content


def _example(method: str, path: str) -> Any:
    (example,) = EXAMPLES[(method, path)].values()
    return example["value"]


def test_every_request_body_has_an_example_valid_against_its_schema(app_client) -> None:
    spec = app_client.app.openapi()
    # Resolve $refs against the document itself (components/schemas).
    registry_root = {"components": spec["components"]}
    seen = 0
    for method, path, media, content in _request_bodies(spec):
        examples = content.get("examples")
        if not examples and content["schema"] == {"type": "string", "format": "binary"}:
            # Raw bytes (a PNG) have no value in a JSON document: the body's example is in
            # its other media type (an SVG).
            other = EXAMPLE_MEDIA_TYPES[(method, path)]
            assert other != media
            assert spec["paths"][path][method]["requestBody"]["content"][other]["examples"]
            continue
        assert examples, f"{method.upper()} {path} ({media}) has no example"
        for name, example in examples.items():
            schema = {**content["schema"], "components": registry_root["components"]}
            errors = [e.message for e in
                      jsonschema.Draft202012Validator(schema).iter_errors(example["value"])]
            assert errors == [], f"{method.upper()} {path} example {name}: {errors}"
            seen += 1
    assert seen == len(EXAMPLES)


def test_batch_items_are_typed(app_client) -> None:
    items = app_client.app.openapi()["components"]["schemas"]["BatchIn"]["properties"]["items"]
    assert items["items"] == {"$ref": "#/components/schemas/AssessmentIn"}


def _ours(value: Any, ids: dict[str, str]) -> Any:
    """The example with this run's base URL and ids in place of the example's."""
    text = json.dumps(value)
    text = text.replace(EXAMPLE_ISSUER_DID, "did:web:testserver:issuers:northbridge")
    text = text.replace(EXAMPLE_BASE_URL, BASE_URL)
    for old, new in ids.items():
        text = text.replace(old, new)
    return json.loads(text)


def test_every_example_is_accepted_by_the_service(app_client, services: Services) -> None:
    client = app_client
    admin = bearer(api_key(services))
    ids: dict[str, str] = {}
    sent: set[tuple[str, str]] = set()

    def send(method: str, path: str, *, headers: dict[str, str] | None = None,
             status: int = 200, body: Any = None, **params: str) -> Any:
        value = body if body is not None else _ours(_example(method, path), ids)
        media = EXAMPLE_MEDIA_TYPES.get((method, path))
        if path == "/oid4vci/token":
            payload: dict[str, Any] = {"data": value}
        elif path == "/verify":  # the page's form, as a browser sends it
            payload = {"files": {name: (None, field) for name, field in value.items()}}
        elif media is not None:  # the image's bytes, as they are
            payload = {"content": value.encode("utf-8")}
            headers = {**(headers or {}), "Content-Type": media}
        else:
            payload = {"json": value}
        response = client.request(method.upper(), path.format(**params), headers=headers,
                                  **payload)
        assert response.status_code == status, (method, path, response.text)
        sent.add((method, path))
        if response.headers["content-type"].startswith("text/html"):
            return response.text
        return response.json()

    issuer = send("post", "/issuers", headers=admin, status=201)
    assert issuer["did"] == "did:web:testserver:issuers:northbridge"
    slug = issuer["slug"]
    lms = bearer(api_key(services, issuer_slug=slug))
    send("patch", "/issuers/{slug}", headers=lms, slug=slug)
    logo = send("put", "/issuers/{slug}/image", headers=lms, slug=slug)
    assert logo["profile"]["image"]["id"].startswith(f"{BASE_URL}/images/"), logo
    # A key for the student records system, bound to the issuer, for status changes only.
    records_client = send("post", "/clients", headers=admin, status=201)
    assert records_client["issuer"] == slug and records_client["scopes"] == ["revoke"]
    ids[EXAMPLE_CLIENT_ID] = records_client["id"]
    records = bearer(records_client["apiKey"])
    achievement = send("post", "/issuers/{slug}/achievements", headers=lms, status=201,
                       slug=slug)
    ids[EXAMPLE_ACHIEVEMENT_ID] = achievement["id"]
    this = {"slug": slug, "achievement_id": achievement["id"]}
    patched = send("patch", "/issuers/{slug}/achievements/{achievement_id}", headers=lms,
                   **this)
    assert "seaborn" in patched["achievement"]["tag"], patched
    badge = send("put", "/issuers/{slug}/achievements/{achievement_id}/image", headers=lms,
                 **this)
    assert badge["achievement"]["image"]["id"].startswith(f"{BASE_URL}/images/"), badge

    # A professional body, an endorser of this service, endorses the micro-credential: the
    # credentials issued from now on carry its endorsement; an employer's is imported.
    client.post("/issuers", headers=admin, json={
        "slug": "idp", "name": "Institute of Data Professionals"}).raise_for_status()
    endorser = bearer(api_key(services, issuer_slug="idp"))
    endorsed = send("post", "/issuers/{slug}/endorsements", headers=endorser, status=201,
                    slug="idp")
    assert endorsed["attached"] is True, endorsed
    employer = _ours(_example("post", "/issuers/{slug}/endorsements/import"), ids)
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    unsigned = {k: v for k, v in employer["endorsement"].items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "id": did}
    imported = send("post", "/issuers/{slug}/endorsements/import", headers=lms, status=201,
                    slug=slug, body={"endorsement": add_proof(
                        unsigned, signer=keys.signer(f"{did}#{keys.public_multibase}"))})
    assert imported["report"]["verified"] is True, imported

    issued = send("post", "/issuers/{slug}/credentials", headers=lms, status=201, slug=slug)
    assert issued["state"] == "active"
    batch = send("post", "/issuers/{slug}/credentials/batch", headers=lms, slug=slug)
    assert batch["issued"] == 2 and batch["rejected"] == 0, batch
    for old, item in zip(EXAMPLE_CREDENTIAL_IDS, batch["items"], strict=True):
        ids[old] = item["credential_id"] if "credential_id" in item else item["credentialId"]
    send("post", "/credentials/issue", headers=lms, status=201)

    # Verification, while the credential is valid: the example credential is replaced by the
    # one just issued (the example's has no proof of ours).
    credential = issued["credential"]
    verified = send("post", "/credentials/verify",
                    body={**_example("post", "/credentials/verify"),
                          "verifiableCredential": credential})
    assert verified["verified"] is True
    example_vp = _example("post", "/presentations/verify")
    send("post", "/presentations/verify", body={**example_vp, "verifiablePresentation": {
        **example_vp["verifiablePresentation"], "verifiableCredential": [credential]}})
    ids[EXAMPLE_CREDENTIAL_IDS[0]] = issued["id"]
    record = send("post", "/issuers/{slug}/clr", headers=lms, status=201, slug=slug)
    assert record["credential"]["credentialSubject"]["verifiableCredential"] == [credential]
    send("post", "/verify/url")
    page = send("post", "/verify")
    assert "Data Analysis with Python" in page and "Verified just now" in page

    one = {"slug": slug, "credential_id": issued["id"]}
    send("post", "/issuers/{slug}/credentials/{credential_id}/suspend", headers=lms, **one)
    send("post", "/issuers/{slug}/credentials/{credential_id}/reinstate", headers=lms, **one)
    send("post", "/issuers/{slug}/credentials/{credential_id}/revoke", headers=lms, **one)
    ids[EXAMPLE_CREDENTIAL_IDS[0]] = batch["items"][0]["credentialId"]
    # The student records system suspends one of the cohort's credentials with its own key.
    updated = send("post", "/credentials/status", headers=records)
    assert updated["state"] == "suspended", updated
    send("post", "/issuers/{slug}/credentials/status", headers=lms, slug=slug)
    rotated = send("post", "/clients/{client_id}/rotate", headers=admin,
                   client_id=records_client["id"])
    assert rotated["apiKey"] not in (None, records_client["apiKey"])
    assert rotated["rotated"] is not None
    refused = client.get("/clients", headers=records)
    assert refused.status_code == 401, refused.text
    revoked = send("post", "/clients/{client_id}/revoke", headers=admin,
                   client_id=records_client["id"])
    assert revoked["revoked"] is not None

    # The wallet's side: the offer as in the example, then the protocol with this run's secrets.
    offer = send("post", "/issuers/{slug}/offers", headers=lms, status=201, slug=slug)
    token = send("post", "/oid4vci/token", body={
        **_example("post", "/oid4vci/token"), "pre-authorized_code": offer["preAuthorizedCode"],
        "tx_code": offer["txCode"]})
    holder = Holder.ed25519()
    proof = holder.proof(aud=BASE_URL, nonce=c_nonce(client))
    response = client.post("/oid4vci/credential",
                           headers={"Authorization": f"Bearer {token['access_token']}"},
                           json={**_example("post", "/oid4vci/credential"),
                                 "proofs": {"jwt": [proof]}})
    assert response.status_code == 200, response.text
    sent.add(("post", "/oid4vci/credential"))

    second = client.post(f"/issuers/{slug}/offers", headers=lms, json=_ours(
        {**_example("post", "/issuers/{slug}/offers"), "txCode": False}, ids) | {
        "assessment": {**_ours(_example("post", "/issuers/{slug}/offers"), ids)["assessment"],
                       "assessmentRef": "DATA7015-2025S2-0046"}})
    assert second.status_code == 201, second.text
    path = second.json()["exchangeUrl"].removeprefix(BASE_URL)
    request = client.post(path).json()["verifiablePresentationRequest"]
    presentation = holder.presentation(challenge=request["challenge"], domain=request["domain"])
    assert _example("post", "/exchanges/{ref}").keys() == {"verifiablePresentation"}
    response = client.post(path, json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    sent.add(("post", "/exchanges/{ref}"))

    # Stacking: the module and a partner college's credential make a certificate.
    fheq7 = [{"targetName": "FHEQ level 7", "targetFramework": "FHEQ", "targetCode": "7",
              "targetUrl": "https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks"}]
    cats = {"targetName": "UK Credit (CATS)", "targetFramework": "CATS",
            "targetUrl": "https://www.qaa.ac.uk/"}
    qualification = client.post(f"/issuers/{slug}/achievements", headers=lms, json={
        "name": "Professional Certificate in Applied Data Analysis",
        "description": "30 credits at FHEQ level 7.", "achievementType": "Certificate",
        "criteria": {"narrative": "Meet the pathway's rules."}, "creditsAvailable": 30,
        "creditScheme": cats, "alignment": fheq7})
    assert qualification.status_code == 201, qualification.text
    ids[EXAMPLE_QUALIFICATION_ID] = qualification.json()["id"]
    client.post("/issuers", headers=admin, json={"slug": "partner", "name": "Partner College",
                                                 "didMethod": "key"}).raise_for_status()
    partner = bearer(api_key(services, issuer_slug="partner"))
    module = client.post("/issuers/partner/achievements", headers=partner, json={
        "name": "Statistics for Data Science", "description": "Statistics.",
        "criteria": {"narrative": "Pass the exam."}, "creditsAvailable": 15,
        "creditScheme": cats, "alignment": fheq7}).json()
    foreign = client.post("/issuers/partner/credentials", headers=partner, json={
        "achievementId": module["id"], "recipient": {"email": "katherine.johnson@example.org"},
        "creditsEarned": 15, "assessmentRef": "PC-2024-118"}).json()["credential"]
    ids[EXAMPLE_PARTNER_DID] = foreign["issuer"]["id"]
    pathway = send("post", "/issuers/{slug}/pathways", headers=lms, status=201, slug=slug)
    where = {"slug": slug, "pathway_id": pathway["id"]}
    revised = send("patch", "/issuers/{slug}/pathways/{pathway_id}", headers=lms, **where)
    assert revised["revision"] == 2 and revised["rules"]["recencyYears"] == 4, revised
    recognition = "/issuers/{slug}/pathways/{pathway_id}/recognitions"
    recognised = send("post", recognition, headers=lms, status=201, body={
        **_ours(_example("post", recognition), ids), "credential": foreign}, **where)
    assert recognised["verified"] and recognised["counts"], recognised
    awarded = send("post", "/issuers/{slug}/pathways/{pathway_id}/award", headers=lms,
                   status=201, **where)
    assert awarded["state"] == "awarded"
    send("post", "/issuers/{slug}/pathways/{pathway_id}/awards/{award_id}/decision",
         headers=lms, award_id=awarded["id"], **where)
    link = send("post", "/issuers/{slug}/pathways/{pathway_id}/progress-links", headers=lms,
                status=201, **where)
    assert client.get(f"/progress/{link['token']}").status_code == 200

    assert sent == set(EXAMPLES)
