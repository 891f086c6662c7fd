"""Key custody tests: each key backend under the real app, over real SQLite and PostgreSQL;
PKCS#11 against a SoftHSM2 token in a temporary directory."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401
from tests.conftest_hsm import SoftHsm, softhsm  # noqa: F401
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.keys.wrap import KEK_BYTES, parse_kek_ring
from vcissuer.store import Database

BASE_URL = "http://testserver"


def kek_entry(kek_id: str) -> str:
    """A fresh ``id:base64key`` KEK entry, as VCISSUER_KEK takes it."""
    return f"{kek_id}:{base64.b64encode(os.urandom(KEK_BYTES)).decode()}"


@pytest.fixture
def kek() -> str:
    return kek_entry("kek-1")


@pytest.fixture
def custody_for(tmp_path: Path, kek: str, request: pytest.FixtureRequest
                ) -> Callable[[str], CustodyConfig]:
    """The custody configuration of a backend (SoftHSM2 started only when asked for)."""

    def make(backend: str, *, kek_text: str | None = None) -> CustodyConfig:
        if backend == "pkcs11":
            hsm: SoftHsm = request.getfixturevalue("softhsm")
            return CustodyConfig(backend="pkcs11", pkcs11_module=hsm.module,
                                 pkcs11_token_label=hsm.token_label, pkcs11_pin=hsm.pin)
        return CustodyConfig(backend=backend,  # type: ignore[arg-type]
                             kek_ring=parse_kek_ring(kek_text or kek))

    return make


@pytest.fixture
def node(db: Database, tmp_path: Path) -> Callable[..., Services]:
    """A service node on the shared database: its own keyring (own key cache), its own key
    directory for the file backend, the one recipient lookup key every node must share."""

    def make(custody: CustodyConfig, *, name: str | None = None) -> Services:
        keys = tmp_path / (name or f"node-{secrets.token_hex(3)}") / "keys"
        backend = custody.build(db=db, key_dir=keys, passphrase=None)
        return Services(db=db, keyring=Keyring(backend=backend),
                        lookup=LookupKey(tmp_path / "shared-lookup"), base_url=BASE_URL)

    return make


@pytest.fixture
def clients() -> Iterator[Callable[[Services], TestClient]]:
    opened: list[TestClient] = []

    def make(services: Services) -> TestClient:
        client = TestClient(create_app(services, max_body_bytes=2 * 1024 * 1024))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def issued(client: TestClient, headers: dict[str, str], achievement_id: str, ref: str,
           **changes: Any) -> dict[str, Any]:
    from tests.api.conftest import assessment

    response = client.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement_id, ref=ref, **changes))
    assert response.status_code == 201, response.text
    return response.json()
