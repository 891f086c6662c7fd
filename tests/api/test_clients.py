"""API key management: list (no secrets), revoke and rotate, refused at once by every worker;
created and last-used times, last-used written at most once a minute per key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer, make_issuer
from vcissuer.api.app import create_app
from vcissuer.issuance import access
from vcissuer.issuance.context import Services
from vcissuer.store import ApiClientRepository, AuditRepository


@pytest.fixture
def second_worker(services: Services):
    """Another worker process: its own app over the same database."""
    with TestClient(create_app(services)) as other:
        yield other


def _create(client: TestClient, admin, **body) -> dict:
    response = client.post("/clients", headers=admin, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_list_without_secrets(client, admin) -> None:
    make_issuer(client, admin)
    made = _create(client, admin, name="LMS", issuer="uni", scopes=["issue"])
    assert made["apiKey"].startswith("vci_") and made["scopes"] == ["issue"]
    assert made["issuer"] == "uni" and made["created"]
    listing = client.get("/clients", headers=admin)
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert made["id"] in [i["id"] for i in items]
    assert all("apiKey" not in i for i in items)
    assert made["apiKey"] not in listing.text
    only_uni = client.get("/clients?issuer=uni", headers=admin).json()["items"]
    assert [i["id"] for i in only_uni] == [made["id"]]
    assert client.get("/clients?issuer=nope", headers=admin).status_code == 404


def test_admin_only(client, admin) -> None:
    make_issuer(client, admin)
    issuer_key = _create(client, admin, issuer="uni")["apiKey"]
    for method, path in (("get", "/clients"), ("post", "/clients")):
        response = getattr(client, method)(path, headers=bearer(issuer_key),
                                           **({"json": {}} if method == "post" else {}))
        assert response.status_code == 403, response.text
    bad = client.post("/clients", headers=admin, json={"issuer": "uni", "scopes": ["admin"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "scopes"


def test_revocation_is_refused_at_once_by_every_worker(client, admin, second_worker) -> None:
    make_issuer(client, admin)
    made = _create(client, admin, issuer="uni")
    key = bearer(made["apiKey"])
    for worker in (client, second_worker):  # both have used (and could have cached) it
        assert worker.get("/issuers/uni/achievements", headers=key).status_code == 200
    revoked = client.post(f"/clients/{made['id']}/revoke", headers=admin,
                          json={"reason": "laptop stolen"})
    assert revoked.status_code == 200 and revoked.json()["revoked"]
    for worker in (client, second_worker):
        assert worker.get("/issuers/uni/achievements", headers=key).status_code == 401
        assert worker.post("/issuers/uni/credentials", headers=key,
                           json={}).status_code in (401, 422)
    assert second_worker.post(f"/clients/{made['id']}/rotate",
                              headers=admin).status_code == 409


def test_rotation_gives_a_new_key_and_refuses_the_old(client, admin, second_worker,
                                                      services: Services) -> None:
    make_issuer(client, admin)
    made = _create(client, admin, issuer="uni")
    old = bearer(made["apiKey"])
    assert second_worker.get("/issuers/uni/achievements", headers=old).status_code == 200
    rotated = client.post(f"/clients/{made['id']}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["id"] == made["id"] and body["rotated"]
    assert body["apiKey"] != made["apiKey"]
    for worker in (client, second_worker):
        assert worker.get("/issuers/uni/achievements", headers=old).status_code == 401
        assert worker.get("/issuers/uni/achievements",
                          headers=bearer(body["apiKey"])).status_code == 200
    with services.db.session_scope(read_only=True) as session:
        issuer_id = ApiClientRepository(session).get(made["id"]).issuer_id
        actions = [r.action for r in AuditRepository(session).list(
            issuer_id=issuer_id, subject=made["id"]).items]
    assert actions == ["client.create", "client.rotate"]
    assert client.post("/clients/00000000-0000-4000-8000-000000000000/rotate",
                       headers=admin).status_code == 404


def test_last_used_is_written_at_most_once_a_minute(client, admin, services: Services,
                                                    monkeypatch) -> None:
    make_issuer(client, admin)
    made = _create(client, admin, issuer="uni")
    key = bearer(made["apiKey"])
    start = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def use_at(moment: datetime) -> str | None:
        monkeypatch.setattr(services, "clock", lambda: moment)
        assert client.get("/issuers/uni/achievements", headers=key).status_code == 200
        listed = {i["id"]: i for i in client.get("/clients", headers=admin).json()["items"]}
        return listed[made["id"]]["lastUsed"]

    assert made.get("lastUsed") is None
    assert datetime.fromisoformat(use_at(start)) == start
    # Within the minute: no write (the stored time stays), even from a process that forgot.
    assert datetime.fromisoformat(use_at(start + timedelta(seconds=30))) == start
    access._noted.clear()
    assert datetime.fromisoformat(use_at(start + timedelta(seconds=50))) == start
    # A minute on: written again.
    later = start + timedelta(minutes=2)
    assert datetime.fromisoformat(use_at(later)) == later
