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
