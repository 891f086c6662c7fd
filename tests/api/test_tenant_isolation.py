"""A key for one issuer can do nothing to another; scopes limit what a key can do."""

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


@pytest.fixture
def world(client: TestClient, services: Services, admin):
    for slug in ("alpha", "beta"):
        make_issuer(client, admin, slug=slug)
    keys = {
        "alpha-all": api_key(services, issuer_slug="alpha"),
        "alpha-issue": api_key(services, issuer_slug="alpha", scopes=["issue"]),
        "alpha-manage": api_key(services, issuer_slug="alpha", scopes=["manage"]),
        "beta-all": api_key(services, issuer_slug="beta"),
    }
    achievements = {slug: make_achievement(client, bearer(keys[f"{slug}-all"]), slug=slug)
                    for slug in ("alpha", "beta")}
    return keys, achievements


def _actions(achievements, target: str):
    achievement = achievements[target]["id"]
    return {
        "manage: define achievement": ("post", f"/issuers/{target}/achievements",
                                       MICRO_CREDENTIAL, "manage"),
        "manage: update profile": ("patch", f"/issuers/{target}", {"description": "x"},
                                   "manage"),
        "manage: rotate key": ("post", f"/issuers/{target}/keys/rotate", None, "manage"),
        "issue: one": ("post", f"/issuers/{target}/credentials",
                       assessment(achievement, ref="iso"), "issue"),
        "issue: batch": ("post", f"/issuers/{target}/credentials/batch",
                         {"items": [assessment(achievement, ref="iso-b")]}, "issue"),
        "issue: list": ("get", f"/issuers/{target}/credentials", None, "issue"),
        "issue: vc-api": ("post", "/credentials/issue",
                          {"credential": {}, "options": {"issuerSlug": target}}, "issue"),
        "issue: endorse": ("post", f"/issuers/{target}/endorsements", {
            "name": "x", "endorsementSubject": {"id": "https://elsewhere.example/a"}},
            "issue"),
        "manage: import endorsement": ("post", f"/issuers/{target}/endorsements/import",
                                       {"endorsement": {"type": ["VerifiableCredential"]}},
                                       "manage"),
        "manage: list endorsements": ("get", f"/issuers/{target}/endorsements", None,
                                      "manage"),
    }


@pytest.mark.parametrize("key", ["alpha-all", "alpha-issue", "alpha-manage", "beta-all"])
@pytest.mark.parametrize("target", ["alpha", "beta"])
def test_matrix(client: TestClient, world, key: str, target: str) -> None:
    keys, achievements = world
    owner, _, scope = key.partition("-")
    for name, (method, path, body, needs) in _actions(achievements, target).items():
        kwargs = {"headers": bearer(keys[key])}
        if body is not None:
            kwargs["json"] = body
        response = client.request(method.upper(), path, **kwargs)
        allowed = owner == target and scope in ("all", needs)
        if allowed:
            assert response.status_code < 400 or response.status_code == 422, (name, response.text)
        else:
            assert response.status_code == 403, (key, target, name, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")


def test_only_admin_creates_issuers(client: TestClient, world) -> None:
    keys, _ = world
    response = client.post("/issuers", headers=bearer(keys["alpha-all"]),
                           json={"slug": "gamma", "name": "Gamma"})
    assert response.status_code == 403


def test_reads_of_another_issuers_credentials_are_refused(client: TestClient, world) -> None:
    keys, achievements = world
    response = client.get(f"/issuers/beta/credentials?achievement={achievements['beta']['id']}",
                          headers=bearer(keys["alpha-all"]))
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/issuers/alpha/credentials", "/issuers/alpha/credentials/batch"])
@pytest.mark.parametrize("key", ["missing", "unknown", "revoked"])
def test_issuing_checks_the_key_in_its_own_transaction(client: TestClient, services: Services,
                                                       world, path: str, key: str) -> None:
    """The issue routes check the API key inside the flow's read transaction (one round trip
    fewer): a missing, unknown or revoked key is still a 401 with a Bearer challenge, and
    nothing is issued."""
    from vcissuer.store import ApiClientRepository, CredentialRecord

    keys, achievements = world
    token = {"missing": None, "unknown": "vci_" + "x" * 43, "revoked": keys["alpha-all"]}[key]
    if key == "revoked":
        with services.db.session_scope() as session:
            repo = ApiClientRepository(session)
            repo.revoke(repo.verify(token).id)
    record = assessment(achievements["alpha"]["id"], ref=f"auth-{key}")
    body = record if path.endswith("credentials") else {"items": [record]}
    response = client.post(path, json=body, headers=bearer(token) if token else {})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")
    with services.db.session_scope(read_only=True) as session:
        assert session.query(CredentialRecord).count() == 0
